/** JSON Schema as Singer streams use it (draft 7 subset plus Singer's own habits). */
export type JSONSchemaType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';

export interface JSONSchema {
  type?: JSONSchemaType | JSONSchemaType[];
  format?: string;
  properties?: Record<string, JSONSchema>;
  patternProperties?: Record<string, JSONSchema>;
  additionalProperties?: boolean | JSONSchema;
  items?: JSONSchema | JSONSchema[];
  required?: string[];
  anyOf?: JSONSchema[];
  oneOf?: JSONSchema[];
  allOf?: JSONSchema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  title?: string;
  default?: unknown;
  examples?: unknown[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  contentEncoding?: string;
  contentMediaType?: string;
  /** Marks a setting whose value must never be printed. */
  secret?: boolean;
  writeOnly?: boolean;
  $ref?: string;
  $schema?: string;
  definitions?: Record<string, JSONSchema>;
  [keyword: string]: unknown;
}
