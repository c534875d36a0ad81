/**
 * The logical type of a stream property, decided once per schema from its JSON Schema, which SQL
 * sinks map to their own column types. Union rule: numeric unions are `number`; unions of different
 * scalars are `string` (values stored as their text); any union with an object or array is `json`.
 */
import type { JSONSchema } from '../schema/json-schema.js';

export type LogicalType =
  | 'integer'
  | 'number'
  | 'boolean'
  | 'string'
  | 'date-time'
  | 'date'
  | 'time'
  | 'json';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface Branch {
  type: string;
  format?: string;
  schema: JSONSchema;
}

function branchesOf(schema: JSONSchema, out: Branch[]): void {
  const unions = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  for (const member of unions) branchesOf(member, out);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    for (const type of types) if (type !== 'null') out.push({ type, format: schema.format, schema });
  } else if (unions.length === 0) {
    if (schema.properties !== undefined) out.push({ type: 'object', schema });
    else if (schema.items !== undefined) out.push({ type: 'array', schema });
    else if (schema.format !== undefined) out.push({ type: 'string', format: schema.format, schema });
    else if (schema.allOf === undefined) out.push({ type: 'any', schema });
  }
  for (const member of schema.allOf ?? []) branchesOf(member, out);
}

/** True when a bound in the schema says the integer may not fit a signed 64-bit column. */
function mayExceedInt64(schema: JSONSchema): boolean {
  const outside = (bound: unknown): boolean => {
    if (typeof bound !== 'number' || !Number.isFinite(bound)) return false;
    const value = BigInt(Math.trunc(bound));
    return value < INT64_MIN || value > INT64_MAX;
  };
  return outside(schema.minimum) || outside(schema.maximum);
}

export function logicalTypeOf(schema: JSONSchema): LogicalType {
  const branches: Branch[] = [];
  branchesOf(schema, branches);
  if (branches.length === 0) return 'json';
  const kinds = new Set(branches.map((branch) => branch.type));
  if (kinds.has('any') || kinds.has('object') || kinds.has('array')) return 'json';
  if (kinds.size === 1 && kinds.has('integer')) {
    return branches.some((branch) => mayExceedInt64(branch.schema)) ? 'number' : 'integer';
  }
  if ([...kinds].every((kind) => kind === 'integer' || kind === 'number')) return 'number';
  if (kinds.size === 1 && kinds.has('boolean')) return 'boolean';
  if (kinds.size === 1 && kinds.has('string')) {
    const formats = new Set(branches.map((branch) => branch.format));
    if (formats.size === 1) {
      const [format] = formats;
      if (format === 'date-time' || format === 'date' || format === 'time') return format;
    }
    return 'string';
  }
  return 'string';
}
