/**
 * How stream and property names become Snowflake identifiers.
 *
 * - A name that could be written unquoted (`[A-Za-z_][A-Za-z0-9_$]*`) is stored upper-cased, as
 *   Snowflake stores unquoted names: `updated_at` → `UPDATED_AT`, `updatedAt` → `UPDATEDAT`. Users
 *   can then query it unquoted, and the table is the one MeltanoLabs' target-snowflake fills with its
 *   defaults.
 * - Any other name (spaces, dots, hyphens, a leading digit, non-ASCII letters) is kept exactly and
 *   must be quoted in hand-written SQL: `"Unit Price"`, `"2fa_enabled"`.
 * - Every identifier is quoted in the SQL the target emits, so no name can inject SQL, and reserved
 *   words (`ORDER`, `START`) need no special case.
 * - Two properties that end up with one column name (`id` and `ID`) are an error naming both, never
 *   a silent merge; rename one with a stream map.
 * - Names longer than Snowflake's 255 characters keep their start plus a hash of the whole name.
 */
import { quoteIdentifier, SingerError, truncateIdentifier } from '@singer-ts/sdk';

export const MAX_IDENTIFIER_LENGTH = 255;

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Two properties (or streams) that would share one Snowflake name. */
export class IdentifierCollisionError extends SingerError {
  override readonly code: string = 'SINGER_SNOWFLAKE_NAME_COLLISION';
}

/** The stored Snowflake name of a property or stream name. */
export function snowflakeIdentifier(name: string): string {
  const stored = UNQUOTED.test(name) ? name.toUpperCase() : name;
  return truncateIdentifier(stored, MAX_IDENTIFIER_LENGTH);
}

/** Whether a stored name can be written unquoted in hand-written SQL (reserved words aside). */
export function writableUnquoted(identifier: string): boolean {
  return UNQUOTED.test(identifier) && identifier === identifier.toUpperCase();
}

/** `"NAME"`: every identifier the target emits goes through here. */
export function quote(identifier: string): string {
  return quoteIdentifier(identifier);
}

/** `"DB"."SCHEMA"."TABLE"`. */
export function qualified(...parts: string[]): string {
  return parts.map(quote).join('.');
}

/**
 * Column names for a stream's properties, in order; `reserved` holds names already taken (the
 * `_SDC_*` metadata columns). Fails on the first two properties that share a name.
 */
export function columnIdentifiers(
  properties: readonly string[],
  context: { stream?: string; reserved?: Iterable<[string, string]> } = {},
): Map<string, string> {
  const owners = new Map<string, string>(context.reserved ?? []);
  const result = new Map<string, string>();
  for (const property of properties) {
    const identifier = snowflakeIdentifier(property);
    const owner = owners.get(identifier);
    if (owner !== undefined)
      throw new IdentifierCollisionError(
        `properties '${owner}' and '${property}' would both be stored as column "${identifier}"; rename one with a stream map (stream_maps)`,
        context.stream === undefined ? {} : { stream: context.stream },
      );
    owners.set(identifier, property);
    result.set(property, identifier);
  }
  return result;
}
