/**
 * Schema flattening (Meltano's `schema-flattening` capability), the last step of every output
 * stream, so taps, targets and `singer-map` share it. Nested objects become top-level properties
 * named `parent__child`, down to `flattening_max_depth` levels, following the Meltano SDK's rules:
 * - an object with declared properties, above the depth limit, is replaced by its children;
 * - arrays, free-form objects and objects at the depth limit become JSON text (compact, as the
 *   Meltano SDK writes it), typed `string` (nullable if the original was);
 * - a property whose schema has no `type` but an `anyOf`/`oneOf` takes its first branch's
 *   string/array/object type; one with no type at all becomes a nullable string;
 * - two properties that flatten to the same name are an error naming both, never merged;
 * - names longer than `flattening_max_key_length` get their parent parts abbreviated.
 * PipelineWise's `data_flattening_max_level` is read as the same setting.
 */
import { MapperError } from '../errors.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { COMPACT_JSON, pythonJson } from './python-json.js';
import { isPlainObject } from './values.js';

export interface FlatteningOptions {
  maxDepth: number;
  separator: string;
  maxKeyLength: number;
}

type Row = Record<string, unknown>;

function settingError(setting: string, message: string): MapperError {
  return new MapperError(`'${setting}' ${message}`, { setting, reason: 'config' });
}

function integerSetting(config: Row, setting: string, min: number): number | undefined {
  const value = config[setting];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    throw settingError(setting, `must be an integer of at least ${min}`);
  return n;
}

/** Reads the flattening settings; undefined when flattening is off (or its depth is 0). */
export function flatteningOptions(config: Row): FlatteningOptions | undefined {
  const raw = config.flattening_enabled;
  if (raw !== undefined && raw !== null && typeof raw !== 'boolean' && raw !== 'true' && raw !== 'false')
    throw settingError('flattening_enabled', 'must be true or false');
  const enabled = raw === true || raw === 'true';
  const depth = integerSetting(config, 'flattening_max_depth', 0);
  const pipelinewise = integerSetting(config, 'data_flattening_max_level', 0);
  if (enabled && depth === undefined)
    throw settingError(
      'flattening_max_depth',
      'is required when flattening_enabled is true (1 flattens one level)',
    );
  if (enabled && pipelinewise !== undefined && pipelinewise !== depth)
    throw settingError(
      'data_flattening_max_level',
      `(${pipelinewise}) disagrees with flattening_max_depth (${depth}); set one`,
    );
  const maxDepth = enabled ? depth! : (pipelinewise ?? 0);
  if (maxDepth === 0) return undefined;
  const separator = config.flattening_separator ?? '__';
  if (typeof separator !== 'string' || separator === '')
    throw settingError('flattening_separator', 'must be a non-empty string');
  const maxKeyLength = integerSetting(config, 'flattening_max_key_length', 1) ?? 255;
  return { maxDepth, separator, maxKeyLength };
}

/**
 * `parent__child`; when that reaches `maxKeyLength`, parts are abbreviated from the outermost in:
 * the capitals of the part camel-cased (`customer_details` → `cd`), or its first three letters.
 */
export function flattenKey(key: string, parents: readonly string[], options: FlatteningOptions): string {
  if (parents.length === 0 && key.length < options.maxKeyLength) return key;
  const parts = [...parents, key];
  for (let i = 0; parts.join(options.separator).length >= options.maxKeyLength && i < parts.length; i++) {
    const part = parts[i]!;
    const camel = part.replace(/(?:^|_)(.)/gs, (_m, ch: string) => ch.toUpperCase());
    const reduced = camel.replace(/[a-z]/g, '');
    parts[i] = (reduced.length > 1 ? reduced : part.slice(0, 3)).toLowerCase();
  }
  return parts.join(options.separator);
}

function typeList(schema: JSONSchema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The flattened schema: nested objects lifted to `parent__child` properties. */
export function flattenSchema(schema: JSONSchema, options: FlatteningOptions, stream: string): JSONSchema {
  const properties: Record<string, JSONSchema> = {};
  const origin = new Map<string, string>();
  const add = (key: string, value: JSONSchema, path: string): void => {
    const other = origin.get(key);
    if (other !== undefined)
      throw new MapperError(
        `flattening makes '${path}' and '${other}' both into the property '${key}'; rename one with a stream map or change flattening_separator`,
        { stream, field: key, reason: 'config' },
      );
    origin.set(key, path);
    properties[key] = value;
  };
  const walk = (node: JSONSchema, parents: string[], level: number): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const key = flattenKey(name, parents, options);
      const path = [...parents, name].join('.');
      const types = typeList(child);
      if (types === undefined) {
        const first = (child.anyOf ?? child.oneOf)?.[0];
        const firstType = first?.type;
        if (
          first !== undefined &&
          (firstType === 'string' || firstType === 'array' || firstType === 'object')
        )
          add(key, { ...first, type: ['null', firstType] }, path);
        else if (first !== undefined) add(key, child, path);
        else add(key, { type: ['null', 'string'] }, path);
        continue;
      }
      if (types.includes('object') && child.properties !== undefined && level < options.maxDepth) {
        walk(child, [...parents, name], level + 1);
        continue;
      }
      if (types.includes('array') || types.includes('object'))
        add(key, { type: types.includes('null') ? ['string', 'null'] : 'string' }, path);
      else add(key, child, path);
    }
  };
  walk(schema, [], 0);
  const out: JSONSchema = { ...schema, properties };
  if (schema.required !== undefined) {
    const required = schema.required.filter((name) => Object.hasOwn(properties, name));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/** A function flattening records the way `flattenSchema` flattened their schema. */
export function compileFlattener(flatSchema: JSONSchema, options: FlatteningOptions): (record: Row) => Row {
  const declared = new Set(Object.keys(flatSchema.properties ?? {}));
  const { maxDepth } = options;
  return (record) => {
    const out: Row = {};
    const walk = (node: Row, parents: string[], level: number): void => {
      for (const name in node) {
        if (!Object.hasOwn(node, name)) continue;
        const value = node[name];
        const key = flattenKey(name, parents, options);
        if (isPlainObject(value) && !declared.has(key) && level < maxDepth) {
          walk(value, [...parents, name], level + 1);
          continue;
        }
        if (Object.hasOwn(out, key))
          throw new TypeError(`two properties flatten to '${key}'; rename one with a stream map`);
        out[key] = isPlainObject(value) || Array.isArray(value) ? pythonJson(value, COMPACT_JSON) : value;
      }
    };
    walk(record, [], 0);
    return out;
  };
}
