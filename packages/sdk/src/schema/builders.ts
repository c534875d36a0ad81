/**
 * Small helpers for declaring stream schemas in code, Singer style (nullable unless required):
 * `object({ id: integer(), updated_at: dateTime(), tags: array(string()) }, { required: ['id'] })`.
 */
import type { JSONSchema, JSONSchemaType } from './json-schema.js';

type Options = { description?: string; nullable?: boolean };

const typed = (type: JSONSchemaType, options: Options = {}, extra: JSONSchema = {}): JSONSchema => ({
  type: options.nullable === false ? type : [type, 'null'],
  ...extra,
  ...(options.description ? { description: options.description } : {}),
});

export const string = (options?: Options): JSONSchema => typed('string', options);
export const integer = (options?: Options): JSONSchema => typed('integer', options);
export const number = (options?: Options): JSONSchema => typed('number', options);
export const boolean = (options?: Options): JSONSchema => typed('boolean', options);
export const dateTime = (options?: Options): JSONSchema => typed('string', options, { format: 'date-time' });
export const date = (options?: Options): JSONSchema => typed('string', options, { format: 'date' });
export const array = (items: JSONSchema, options?: Options): JSONSchema => typed('array', options, { items });
export const object = (
  properties: Record<string, JSONSchema>,
  options: Options & { required?: string[]; additionalProperties?: boolean } = {},
): JSONSchema =>
  typed('object', options, {
    properties,
    ...(options.required ? { required: options.required } : {}),
    ...(options.additionalProperties !== undefined
      ? { additionalProperties: options.additionalProperties }
      : {}),
  });
