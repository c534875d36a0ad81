/**
 * Rewrites a Singer stream schema into one ajv compiles and runs safely, without changing what it
 * accepts:
 * - Numeric bounds a double cannot hold (`"maximum": 18446744073709551615` arrives from the reader as
 *   an ExactNumber) move to the `singerExactBounds` keyword, checked exactly by validator.ts.
 * - A wide `properties` (database tables with thousands of columns) is split into chunks, each a
 *   `$ref` compiled as its own function: ajv nests the code of every property of one object inside
 *   the previous one's block, so a few thousand properties overflow the stack when the code is
 *   generated or first run.
 * Schemas that need neither come back as they are (the same object).
 */
import { isExactNumber } from '../json/lossless-json.js';
import type { JSONSchema } from './json-schema.js';

export const EXACT_BOUNDS_KEYWORD = 'singerExactBounds';

/** The bound keywords, as `singerExactBounds` holds them: decimal text of each exact bound. */
export interface ExactBounds {
  minimum?: string;
  maximum?: string;
  exclusiveMinimum?: string;
  exclusiveMaximum?: string;
}

const BOUND_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
/** Properties per chunk; ajv handles a few hundred nested blocks well within the default stack. */
export const PROPERTIES_PER_CHUNK = 250;
const CHUNKS_KEY = 'singerWideProperties';

/** Subschema-valued keywords (a schema, an array of them, or a map of them) walked for rewriting. */
const SINGLE = ['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'];
const LISTS = ['anyOf', 'oneOf', 'allOf', 'items', 'prefixItems'];
const MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];

export interface AjvSchema {
  schema: JSONSchema;
  /** True when chunks were split off: compile with `inlineRefs: false` so each stays a function. */
  split: boolean;
}

export function toAjvSchema(schema: JSONSchema): AjvSchema {
  const chunks: Record<string, JSONSchema> = {};
  const rewritten = rewrite(schema, chunks);
  const names = Object.keys(chunks);
  if (names.length === 0) return { schema: rewritten, split: false };
  const defs = { ...(rewritten.$defs as Record<string, JSONSchema> | undefined), ...chunks };
  return { schema: { ...rewritten, $defs: defs }, split: true };
}

function rewrite(schema: JSONSchema, chunks: Record<string, JSONSchema>): JSONSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  let out: JSONSchema = schema;
  const edit = (): JSONSchema => {
    if (out === schema) out = { ...schema };
    return out;
  };

  const bounds: ExactBounds = {};
  for (const keyword of BOUND_KEYWORDS) {
    const value = schema[keyword];
    if (isExactNumber(value)) {
      bounds[keyword] = value.toString();
      delete edit()[keyword];
    }
  }
  if (Object.keys(bounds).length > 0) edit()[EXACT_BOUNDS_KEYWORD] = bounds;
  // Other numeric keywords ajv needs as doubles (multipleOf, maxLength, ...) lose nothing that matters.
  for (const [keyword, value] of Object.entries(schema)) {
    if (isExactNumber(value) && !(BOUND_KEYWORDS as readonly string[]).includes(keyword))
      edit()[keyword] = Number(value.toString());
  }

  for (const keyword of SINGLE) {
    const value = schema[keyword];
    if (isSchema(value)) {
      const next = rewrite(value, chunks);
      if (next !== value) edit()[keyword] = next;
    }
  }
  for (const keyword of LISTS) {
    const value = schema[keyword];
    if (!Array.isArray(value)) continue;
    const next = value.map((item) => (isSchema(item) ? rewrite(item, chunks) : item));
    if (next.some((item, index) => item !== value[index])) edit()[keyword] = next;
  }
  for (const keyword of MAPS) {
    const value = schema[keyword];
    if (!isSchema(value)) continue;
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      next[name] = isSchema(item) ? rewrite(item, chunks) : item;
      if (next[name] !== item) changed = true;
    }
    if (changed) edit()[keyword] = next;
  }

  const properties = out.properties;
  if (properties !== undefined && Object.keys(properties).length > PROPERTIES_PER_CHUNK)
    splitProperties(edit(), properties, chunks);
  return out;
}

/**
 * Moves the property schemas into `$ref`ed chunks under `allOf`. The names stay in `properties` as
 * `true` (which ajv generates no code for) so `additionalProperties` still knows them.
 */
function splitProperties(
  schema: JSONSchema,
  properties: Record<string, JSONSchema>,
  chunks: Record<string, JSONSchema>,
): void {
  const entries = Object.entries(properties);
  const refs: JSONSchema[] = [];
  for (let start = 0; start < entries.length; start += PROPERTIES_PER_CHUNK) {
    const name = `${CHUNKS_KEY}${Object.keys(chunks).length}`;
    chunks[name] = { properties: Object.fromEntries(entries.slice(start, start + PROPERTIES_PER_CHUNK)) };
    refs.push({ $ref: `#/$defs/${name}` });
  }
  schema.allOf = [...(schema.allOf ?? []), ...refs];
  if (schema.additionalProperties === undefined || schema.additionalProperties === true)
    delete schema.properties;
  else schema.properties = Object.fromEntries(entries.map(([name]) => [name, true])) as never;
}

function isSchema(value: unknown): value is JSONSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
