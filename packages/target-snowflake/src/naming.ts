/**
 * How stream and property names become Snowflake identifiers. The SDK names tables and columns first
 * (the Meltano SDK's snake_case: `updatedAt` → `updated_at`); then:
 *
 * - A name that could be written unquoted (`[A-Za-z_][A-Za-z0-9_$]*`) is stored upper-cased, as
 *   Snowflake stores unquoted names: `updated_at` → `UPDATED_AT`. Users can then query it unquoted,
 *   and the table is the one MeltanoLabs' target-snowflake fills with its defaults.
 * - Any other name (spaces, dots, hyphens, a leading digit, non-ASCII letters) is kept exactly and
 *   must be quoted in hand-written SQL: `"Unit Price"`, `"2fa_enabled"`.
 * - Every identifier is quoted in the SQL the target emits, so no name can inject SQL, and reserved
 *   words (`ORDER`, `START`) need no special case.
 * - Two properties that end up with one column name (`id` and `ID`, `firstName` and `first_name`)
 *   are an error naming both, never a silent merge or a renamed column; rename one with a stream map.
 * - Names longer than Snowflake's 255 characters keep their start plus a hash of the whole name.
 */
import {
  columnNameFor,
  quoteIdentifier,
  SingerError,
  type SQLColumn,
  truncateIdentifier,
} from '@singer-ts/sdk';

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
 * Refuses a stream whose properties would share a column. The SDK names a column after its property
 * (snake_case: `ID` → `id`, `firstName` → `first_name`) and gives a later property that lands on a
 * name already taken a hash suffix (the Meltano SDK's way to keep both); Snowflake users get an error
 * naming both properties instead, so no column's name depends on the order properties arrive in.
 */
export function refuseColumnCollisions(
  columns: readonly SQLColumn[],
  stream: string,
  maxIdentifierBytes: number,
): void {
  for (const column of columns) {
    if (column.metadata !== undefined || column.property === undefined) continue;
    const wanted = columnNameFor(column.property, maxIdentifierBytes);
    if (column.name === wanted) continue;
    const owner = columns.find((other) => other.name === wanted);
    const first = owner?.property ?? owner?.name ?? wanted;
    throw new IdentifierCollisionError(
      `properties '${first}' and '${column.property}' of stream '${stream}' would both be stored as column "${snowflakeIdentifier(wanted)}"; rename one with a stream map (stream_maps)`,
      { stream, field: column.property },
    );
  }
}
