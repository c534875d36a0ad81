/**
 * Shapes a record to its (selected) schema before it is emitted: properties the schema does not
 * declare are removed, recursively, so deselected fields never travel, and date-time values are
 * normalized to UTC. Compiled once per schema.
 */

import { withFastShape } from '../sources/csv-shape.js';
import type { JSONSchema } from './json-schema.js';
import { normalizeTimestamp } from './timestamps.js';

export type RecordConformer = (record: Record<string, unknown>) => Record<string, unknown>;

export type Shape = (value: unknown) => unknown;

function isType(schema: JSONSchema, type: string): boolean {
  if (schema.type === type) return true;
  if (Array.isArray(schema.type)) return schema.type.includes(type as never);
  return (schema.anyOf ?? []).some((option) => isType(option, type));
}

function objectProperties(schema: JSONSchema): Record<string, JSONSchema> | undefined {
  if (schema.properties && Object.keys(schema.properties).length > 0) return schema.properties;
  for (const option of schema.anyOf ?? []) {
    const found = objectProperties(option);
    if (found) return found;
  }
  return undefined;
}

function compileShape(schema: JSONSchema): Shape | undefined {
  if (
    isType(schema, 'string') &&
    (schema.format === 'date-time' || schema.anyOf?.some((o) => o.format === 'date-time'))
  ) {
    return normalizeTimestamp;
  }
  const fields = conformedFields(schema);
  if (fields) {
    const shapeObject = compileObject(fields);
    return (value) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? shapeObject(value as Record<string, unknown>)
        : value;
  }
  const items = Array.isArray(schema.items) ? undefined : schema.items;
  if (items) {
    const shapeItem = compileShape(items);
    if (shapeItem) return (value) => (Array.isArray(value) ? value.map(shapeItem) : value);
  }
  return undefined;
}

/** One property of a conformed object: its name and how its value is shaped (none: kept as it is). */
export interface ConformedField {
  name: string;
  shape: Shape | undefined;
}

/**
 * The properties a conformed record holds, in the order the conformer writes them: plain values first, then
 * those it shapes (date-times, nested objects), each group in schema order. Undefined for a schema that
 * declares no properties (records pass through as they are). A reader that builds records in this order with
 * these shapes applied builds exactly what the conformer would.
 */
export function conformedFields(schema: JSONSchema): ConformedField[] | undefined {
  const properties = objectProperties(schema);
  if (!properties) return undefined;
  const plain: ConformedField[] = [];
  const shaped: ConformedField[] = [];
  for (const [name, child] of Object.entries(properties)) {
    const shape = compileShape(child);
    (shape ? shaped : plain).push({ name, shape });
  }
  return [...plain, ...shaped];
}

function compileObject(fields: readonly ConformedField[]): RecordConformer {
  // Records of a stream get the same keys in the same order: made after one object of that shape, they
  // keep fast properties past a dozen keys (JSON.stringify of the record is then about 1.5x faster).
  const shape = withFastShape(fields.map((f) => f.name));
  return (record) => {
    void shape;
    const out: Record<string, unknown> = {};
    for (const { name, shape } of fields) {
      const value = record[name];
      if (value !== undefined) out[name] = shape ? shape(value) : value;
    }
    return out;
  };
}

export function compileConformer(schema: JSONSchema): RecordConformer {
  const fields = conformedFields(schema);
  if (!fields) return (record) => record;
  return compileObject(fields);
}
