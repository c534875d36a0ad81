import type { JSONSchema } from '@singer-ts/sdk';

/**
 * Marketo field data types (lead describe, activity attributes) to JSON Schema, as singer-io tap-marketo
 * maps them, with one deliberate difference: `percent` is a number, because exports carry decimals
 * (`12.5`) that singer-io truncates with a warning; this tap never changes a value. String types
 * (`string`, `email`, `url`, `phone`, `text`, `textarea`, `reference`, `lead_function`) are strings.
 */
/** The non-null schema of a Marketo data type; unknown types are strings (as in singer-io). */
export function schemaOfDataType(dataType: string): JSONSchema {
  switch (dataType) {
    case 'datetime':
    case 'date':
      // Dates arrive as YYYY-MM-DD and are read as midnight UTC, as singer-io does.
      return { type: 'string', format: 'date-time' };
    case 'integer':
    case 'score':
      return { type: 'integer' };
    case 'percent':
    case 'float':
    case 'currency':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'array':
      return { type: 'array', items: { type: ['integer', 'number', 'string', 'null'] } };
    default:
      // The string types, `formula`, and types Marketo may add later.
      return { type: 'string' };
  }
}

/** The same schema with null allowed. */
export function nullable(schema: JSONSchema): JSONSchema {
  const t = schema.type;
  if (t === undefined) return schema;
  const types = Array.isArray(t) ? t : [t];
  return types.includes('null') ? schema : { ...schema, type: [...types, 'null'] };
}
