/**
 * Stage 1 of a stream's plan: the `pseudonymize`, `nullify` and `drop` settings, applied to the
 * input stream before any stream map, by dotted path and through arrays, copying what they change.
 */

import { MapperError } from '../errors.js';
import type { SchemaMessage } from '../protocol/messages.js';
import type { JSONSchema } from '../schema/json-schema.js';
import type { SimpleRuleKind } from './map-config.js';
import { createPseudonymizer } from './pseudonymize.js';
import {
  hashedSchema,
  isUndeclared,
  nullable,
  type Path,
  schemaAt,
  splitPath,
  typesOf,
  updateAt,
  updateSchemaAt,
} from './schema-paths.js';

type Row = Record<string, unknown>;

/** Where a record failed, so the error can name the property; set by each step before it runs. */
export interface Cursor {
  field: string | undefined;
}

export interface SimpleRuleMatch {
  kind: SimpleRuleKind;
  paths: string[];
  /** Named exactly, not by a glob pattern: then a path the schema lacks is an error. */
  exact: boolean;
}

function simpleRuleError(message: string, stream: string, field: string): MapperError {
  return new MapperError(message, { stream, field, reason: 'config' });
}

export interface Stage1 {
  schema: JSONSchema;
  apply: ((record: Row) => Row) | undefined;
}

function refusesHash(schema: JSONSchema | undefined): boolean {
  if (schema === undefined) return false;
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.length === 0) return schema.properties !== undefined;
  if (types.every((t) => t === 'object')) return true;
  if (types.every((t) => t === 'array')) {
    const items = Array.isArray(schema.items) ? undefined : schema.items;
    return items !== undefined && refusesHash(items);
  }
  return false;
}

export function planSimpleRules(
  rules: readonly SimpleRuleMatch[],
  pseudonymizeKey: Buffer | undefined,
  message: SchemaMessage,
  cursor: Cursor,
): Stage1 | undefined {
  const stream = message.stream;
  const seen = new Map<string, SimpleRuleKind>();
  let schema = message.schema;
  const topDrops = new Set<string>();
  const topSets: { key: string; name: string; fn: (value: unknown) => unknown }[] = [];
  const nested: { path: Path; name: string; leaf: (holder: Row, key: string) => void }[] = [];
  const hash = pseudonymizeKey === undefined ? undefined : createPseudonymizer(pseudonymizeKey);
  const hashLeaf = (value: unknown): unknown =>
    Array.isArray(value) ? value.map((v) => hash!(v)) : hash!(value);

  for (const rule of rules) {
    for (const name of rule.paths) {
      const path = splitPath(name, message.schema);
      if (isUndeclared(message.schema, path)) {
        // A typo must not let PII through unhashed; a pattern like "*" need not fit every stream.
        if (!rule.exact) continue;
        throw simpleRuleError(
          `'${rule.kind}' names '${name}', which the schema of stream '${stream}' does not declare`,
          stream,
          name,
        );
      }
      const previous = seen.get(name);
      if (previous !== undefined && previous !== rule.kind)
        throw simpleRuleError(`'${name}' is listed in both '${previous}' and '${rule.kind}'`, stream, name);
      if (previous !== undefined) continue;
      seen.set(name, rule.kind);
      if (path.length === 1 && rule.kind !== 'pseudonymize' && message.key_properties.includes(name))
        throw simpleRuleError(
          `'${rule.kind}' cannot remove the key property '${name}'; pseudonymize it, or set stream_maps.${stream}.__key_properties__`,
          stream,
          name,
        );
      const declared = schemaAt(message.schema, path);
      if (rule.kind === 'pseudonymize' && refusesHash(declared))
        throw simpleRuleError(
          `cannot pseudonymize '${name}': it is an object; list its fields by dotted path`,
          stream,
          name,
        );

      if (declared !== undefined)
        schema = updateSchemaAt(schema, path, (current) => {
          if (rule.kind === 'drop') return undefined;
          if (rule.kind === 'nullify') return current === undefined ? undefined : nullable(current);
          if (current !== undefined && typesOf(current).includes('array'))
            return { type: ['array', 'null'], items: hashedSchema(undefined) };
          return hashedSchema(current);
        });

      if (path.length === 1) {
        if (rule.kind === 'drop') topDrops.add(name);
        else topSets.push({ key: name, name, fn: rule.kind === 'nullify' ? () => null : hashLeaf });
        continue;
      }
      const leaf =
        rule.kind === 'drop'
          ? (holder: Row, key: string) => {
              delete holder[key];
            }
          : rule.kind === 'nullify'
            ? (holder: Row, key: string) => {
                holder[key] = null;
              }
            : (holder: Row, key: string) => {
                holder[key] = hashLeaf(holder[key]);
              };
      nested.push({ path, name, leaf });
    }
  }
  if (topDrops.size === 0 && topSets.length === 0 && nested.length === 0) return undefined;

  const apply = (record: Row): Row => {
    const out = topDrops.size > 0 ? copyWithout(record, topDrops) : { ...record };
    for (const step of topSets) {
      if (!Object.hasOwn(out, step.key)) continue;
      cursor.field = step.name;
      out[step.key] = step.fn(out[step.key]);
    }
    for (const step of nested) {
      const head = step.path[0]!;
      if (!Object.hasOwn(out, head)) continue;
      cursor.field = step.name;
      out[head] = updateAt(out[head], step.path, 1, step.leaf);
    }
    return out;
  };
  return { schema, apply };
}

export function copyWithout(record: Row, skip: ReadonlySet<string>): Row {
  const out: Row = {};
  for (const key in record) if (!skip.has(key) && Object.hasOwn(record, key)) out[key] = record[key];
  return out;
}
