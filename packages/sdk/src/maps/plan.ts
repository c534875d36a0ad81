/**
 * Per input stream, once its SCHEMA is known: the compiled steps that map its records and the
 * SCHEMA messages of its output streams. Two stages, in this order:
 * 1. the simple block (`pseudonymize`, `nullify`, `drop`) on the input stream, so no stream derived
 *    from it — alias, `__source__` copy or filter — ever sees the raw values;
 * 2. the stream maps, zero or more outputs, each reading the record as stage 1 left it.
 */
import { MapperError } from '../errors.js';
import type { SchemaMessage } from '../protocol/messages.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { resolveAlias } from './alias.js';
import type { ExpressionNode } from './ast.js';
import { type CompileContext, compileExpression, type Evaluator } from './evaluate.js';
import { compileFlattener, flattenSchema } from './flatten.js';
import { inferSchema } from './infer-type.js';
import {
  type CompiledConfig,
  type CompiledStreamMap,
  isGlob,
  matchesStream,
  transformsRecords,
} from './map-config.js';
import { readProperties, referencePath } from './references.js';
import {
  compilePruner,
  getPath,
  nullable,
  type Path,
  schemaAt,
  setPath,
  splitPath,
  typesOf,
  updateAt,
  updateSchemaAt,
} from './schema-paths.js';
import { type Cursor, copyWithout, planSimpleRules, type SimpleRuleMatch } from './simple-rules.js';

type Row = Record<string, unknown>;

export interface OutputPlan {
  stream: string;
  filter: Evaluator | undefined;
  /** undefined: the output record is the stage-1 record itself. */
  build: ((record: Row) => Row) | undefined;
  schema: SchemaMessage;
}

export interface StreamPlan {
  /** No stage 1 and one unchanged output: records and schemas go out as they came in. */
  passthrough: boolean;
  pre: ((record: Row) => Row) | undefined;
  outputs: OutputPlan[];
  cursor: Cursor;
}

/** An output chosen for a stream by name, before its schema is known. */
export interface RouteOutput {
  stream: string;
  /** undefined: the stream goes out as it is (possibly renamed). */
  map: CompiledStreamMap | undefined;
}

export interface Route {
  outputs: RouteOutput[];
  /** Simple-block rules whose stream name or pattern matches, with whether it was exact. */
  simple: SimpleRuleMatch[];
  passthrough: boolean;
}

/** Meltano's rules: a same-named (or aliased) map replaces the stream, `__source__` maps add copies. */
export function routeStream(config: CompiledConfig, stream: string): Route {
  const outputs: (RouteOutput | undefined)[] = [
    config.removeUnmapped ? undefined : { stream, map: undefined },
  ];
  for (const map of config.maps) {
    let alias = map.alias;
    if (map.source !== stream) {
      if (!isGlob(map.source) || !matchesStream(map.source, stream)) continue;
      if (alias === map.source) alias = stream;
    }
    if (map.aliasExpression) alias = resolveAlias(map.alias, stream, map.key);
    const output = map.remove ? undefined : { stream: alias, map };
    if (map.primary) outputs[0] = output;
    else outputs.push(output);
  }
  const simple = config.simpleRules
    .filter((rule) => matchesStream(rule.stream, stream))
    .map((rule) => ({ kind: rule.kind, paths: rule.paths, exact: rule.stream === stream }));
  const kept = outputs.filter((output): output is RouteOutput => output !== undefined);
  const only = kept[0];
  const passthrough =
    config.flattening === undefined &&
    simple.every((rule) => rule.paths.length === 0) &&
    kept.length === 1 &&
    only !== undefined &&
    only.stream === stream &&
    (only.map === undefined || !transformsRecords(only.map));
  return { outputs: kept, simple, passthrough };
}

function planError(message: string, stream: string, field?: string): MapperError {
  return new MapperError(message, { stream, field, reason: 'config' });
}

export function planStream(config: CompiledConfig, route: Route, message: SchemaMessage): StreamPlan {
  const cursor: Cursor = { field: undefined };
  if (route.passthrough) {
    const output: OutputPlan = {
      stream: message.stream,
      filter: undefined,
      build: undefined,
      schema: message,
    };
    return { passthrough: true, pre: undefined, outputs: [output], cursor };
  }
  const stage1 = planSimpleRules(route.simple, config.pseudonymizeKey, message, cursor);
  const input: SchemaMessage = stage1 === undefined ? message : { ...message, schema: stage1.schema };
  const outputs = route.outputs.map((output) =>
    flattenOutput(config, planOutput(config, output, input, cursor)),
  );
  return { passthrough: false, pre: stage1?.apply, outputs, cursor };
}

// ---- stage 2: stream maps ------------------------------------------------------------------------

type Step =
  | { kind: 'drop'; name: string; path: Path }
  | {
      kind: 'copy';
      name: string;
      path: Path;
      from: Path;
      identity: boolean;
      prune: ((value: unknown) => unknown) | undefined;
    }
  | { kind: 'expression'; name: string; path: Path; evaluate: Evaluator };

function planOutput(
  config: CompiledConfig,
  route: RouteOutput,
  input: SchemaMessage,
  cursor: Cursor,
): OutputPlan {
  const map = route.map;
  if (map === undefined || !transformsRecords(map)) {
    const schema: SchemaMessage = route.stream === input.stream ? input : { ...input, stream: route.stream };
    return { stream: route.stream, filter: undefined, build: undefined, schema };
  }
  const stream = route.stream;
  const source = input.schema;
  // Compiled again now that the names are known: the output stream, the input stream, the
  // properties the schema declares (an unknown name is an error here, before any record) and `fake`.
  const declared = source.properties === undefined ? undefined : new Set(Object.keys(source.properties));
  const fake = config.newFaker?.();
  const compileFor = (property: string, ast: ExpressionNode): Evaluator => {
    const context: CompileContext = {
      site: { stream: input.stream, property },
      config: config.mapConfig,
      pseudonymizeKey: config.pseudonymizeKey,
      streamName: stream,
      originalStreamName: input.stream,
      properties: declared,
      fake,
    };
    return compileExpression(ast, context);
  };
  const filter = map.filter === undefined ? undefined : compileFor('__filter__', map.filter.ast);
  const steps: Step[] = [];
  const targets = new Set<string>();
  const dropped = new Set<string>();
  const renames = new Map<string, string>();

  let schema: JSONSchema = map.whitelist ? { type: 'object', properties: {} } : source;
  for (const rule of map.rules) {
    const path = splitPath(rule.name, source);
    for (let i = 1; i < path.length; i++) {
      const prefix = schemaAt(source, path.slice(0, i));
      if (prefix !== undefined && typesOf(prefix).includes('array'))
        throw planError(
          `stream maps cannot set '${rule.name}' inside the array '${path.slice(0, i).join('.')}'; map the array as a whole`,
          stream,
          rule.name,
        );
    }
    targets.add(path[0]!);
    if (rule.kind === 'drop') {
      if (path.length === 1) dropped.add(rule.name);
      steps.push({ kind: 'drop', name: rule.name, path });
      schema = updateSchemaAt(schema, path, () => undefined);
      continue;
    }
    const evaluate = compileFor(rule.name, rule.ast);
    const from = referencePath(rule.ast);
    if (from !== undefined) {
      const identity = from.length === path.length && from.every((segment, i) => segment === path[i]);
      if (identity && !map.whitelist) continue;
      const declared = schemaAt(source, from);
      const prune = map.whitelist ? compilePruner(declared) : undefined;
      steps.push({ kind: 'copy', name: rule.name, path, from, identity, prune });
      if (declared !== undefined || !identity)
        schema = updateSchemaAt(schema, path, () =>
          declared === undefined ? {} : identity ? declared : nullable(declared),
        );
      continue;
    }
    steps.push({ kind: 'expression', name: rule.name, path, evaluate });
    const inferred = inferSchema(rule.ast, {
      source,
      self: schemaAt(source, path),
      config: config.mapConfig,
    });
    schema = updateSchemaAt(schema, path, () => inferred);
  }

  // A dropped key whose value lives on in exactly one new property (renamed or hashed) moves there.
  let keyProperties: string[];
  if (map.keyProperties !== undefined) keyProperties = map.keyProperties;
  else {
    keyProperties = [];
    for (const key of input.key_properties) {
      if (!dropped.has(key)) {
        keyProperties.push(key);
        continue;
      }
      const successors = map.rules.filter((rule) => {
        if (rule.kind !== 'expression' || rule.name.includes('.') || rule.name === key) return false;
        const reads = readProperties(rule.ast, rule.name);
        return reads !== 'all' && reads.size === 1 && reads.has(key);
      });
      if (successors.length !== 1)
        throw planError(
          `the key property '${key}' is dropped; set '__key_properties__' to the new key (or null)`,
          stream,
          key,
        );
      keyProperties.push(successors[0]!.name);
      renames.set(key, successors[0]!.name);
    }
  }

  // With `__else__: null` the key properties still travel, as in Meltano.
  const autoKeys = map.whitelist
    ? keyProperties.filter((key) => !targets.has(key) && Object.hasOwn(source.properties ?? {}, key))
    : [];
  if (autoKeys.length > 0) {
    // Key columns first, as a target creating the table would list them.
    const properties: Record<string, JSONSchema> = {};
    for (const key of autoKeys) properties[key] = source.properties![key]!;
    schema = { ...schema, properties: { ...properties, ...schema.properties } };
  }
  if (map.whitelist) {
    const kept = new Set([
      ...autoKeys,
      ...steps.filter((s) => s.kind === 'copy' && s.identity && s.path.length === 1).map((s) => s.name),
    ]);
    const required = (source.required ?? []).filter((name) => kept.has(name));
    if (required.length > 0) schema = { ...schema, required };
  }

  const outputProperties = schema.properties ?? {};
  for (const key of keyProperties)
    if (!Object.hasOwn(outputProperties, key))
      throw planError(`the key property '${key}' is not in the mapped stream`, stream, key);
  const bookmarks = input.bookmark_properties
    ?.map((name) => renames.get(name) ?? name)
    .filter((name) => Object.hasOwn(outputProperties, name));

  const schemaMessage: SchemaMessage = { type: 'SCHEMA', stream, schema, key_properties: keyProperties };
  if (bookmarks !== undefined) schemaMessage.bookmark_properties = bookmarks;

  return {
    stream,
    filter,
    build: compileBuild(map.whitelist, steps, autoKeys, dropped, cursor),
    schema: schemaMessage,
  };
}

function compileBuild(
  whitelist: boolean,
  allSteps: Step[],
  autoKeys: string[],
  dropped: ReadonlySet<string>,
  cursor: Cursor,
): (record: Row) => Row {
  // Top-level drops are done by skipping the key while copying: `delete` would slow the object down.
  const steps = allSteps.filter((step) => !(step.kind === 'drop' && step.path.length === 1));
  return (record) => {
    let out: Row;
    if (whitelist) {
      out = {};
      for (const key of autoKeys) if (Object.hasOwn(record, key)) out[key] = record[key];
    } else out = dropped.size > 0 ? copyWithout(record, dropped) : { ...record };
    for (const step of steps) {
      cursor.field = step.name;
      const path = step.path;
      switch (step.kind) {
        case 'drop': {
          const head = path[0]!;
          if (Object.hasOwn(out, head))
            out[head] = updateAt(out[head], path, 1, (holder, key) => {
              delete holder[key];
            });
          break;
        }
        case 'copy': {
          let value = getPath(record, step.from);
          if (value === undefined) {
            if (step.identity) break;
            value = null;
          }
          if (step.prune !== undefined) value = step.prune(value);
          if (path.length === 1) out[path[0]!] = value;
          else setPath(out, path, value);
          break;
        }
        case 'expression': {
          const self =
            path.length === 1
              ? Object.hasOwn(record, path[0]!)
                ? record[path[0]!]
                : undefined
              : getPath(record, path);
          let value = step.evaluate(record, self);
          if (value === undefined) value = null;
          if (path.length === 1) out[path[0]!] = value;
          else setPath(out, path, value);
          break;
        }
      }
    }
    return out;
  };
}

/** Flattening, when configured, as the last step of an output: its schema and its records. */
function flattenOutput(config: CompiledConfig, output: OutputPlan): OutputPlan {
  const options = config.flattening;
  if (options === undefined) return output;
  const message = output.schema;
  const schema = flattenSchema(message.schema, options, output.stream);
  const properties = schema.properties ?? {};
  for (const key of message.key_properties)
    if (!Object.hasOwn(properties, key))
      throw planError(
        `the key property '${key}' is an object that flattening splits up; name the new key with __key_properties__`,
        output.stream,
        key,
      );
  const flatten = compileFlattener(schema, options);
  const build = output.build;
  const flattened: SchemaMessage = { ...message, schema };
  if (message.bookmark_properties !== undefined)
    flattened.bookmark_properties = message.bookmark_properties.filter((name) =>
      Object.hasOwn(properties, name),
    );
  return {
    ...output,
    schema: flattened,
    build: build === undefined ? flatten : (record) => flatten(build(record)),
  };
}
