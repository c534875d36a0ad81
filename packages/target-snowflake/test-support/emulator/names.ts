/**
 * Snowflake names to DuckDB names. Snowflake keeps `"id"` and `"ID"` apart; DuckDB folds case even
 * for quoted names, so two such columns would clash. Every Snowflake name is therefore stored under
 * a DuckDB name that stays unique when case is folded: a name without lower-case letters (and
 * without `~`) as it is, any other name followed by `~` and a mask of its lower-case positions.
 * `ID` → `ID`, `id` → `id~3`, `Id` → `Id~2`. Decoding drops the suffix, since DuckDB keeps case.
 */
const DATABASE_PREFIX = 'sf:';

export function duckName(name: string): string {
  let mask = 0n;
  let bit = 1n;
  for (const char of name) {
    if (char !== char.toUpperCase()) mask |= bit;
    bit <<= 1n;
  }
  return mask === 0n && !name.includes('~') ? name : `${name}~${mask.toString(36)}`;
}

export function snowflakeName(duck: string): string {
  const at = duck.lastIndexOf('~');
  return at < 0 ? duck : duck.slice(0, at);
}

/** A database is an attached DuckDB catalog; the prefix keeps clear of `memory`, `system`, `temp`. */
export function duckDatabase(name: string): string {
  return DATABASE_PREFIX + duckName(name);
}

export function snowflakeDatabase(duck: string): string | undefined {
  return duck.startsWith(DATABASE_PREFIX) ? snowflakeName(duck.slice(DATABASE_PREFIX.length)) : undefined;
}

export function quoteDuck(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQL expressions (DuckDB) that decode catalog columns back to Snowflake names. */
export const DECODE_NAME_SQL = (column: string) => `regexp_replace(${column}, '~[0-9a-z]*$', '')`;
export const DECODE_DATABASE_SQL = (column: string) =>
  `regexp_replace(substr(${column}, ${DATABASE_PREFIX.length + 1}), '~[0-9a-z]*$', '')`;
