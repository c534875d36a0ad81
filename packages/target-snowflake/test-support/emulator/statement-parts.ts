/**
 * What the statement handlers share: the session, the executor they run DuckDB SQL through, dotted
 * names resolved against the session's database and schema, and the DDL status result.
 */
import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { identifierName, SqlSyntaxError, type Token } from './lexer.js';
import { duckDatabase, duckName, quoteDuck } from './names.js';
import type { ResultSet } from './results.js';
import { sqlErrors } from './sql-errors.js';
import type { SnowflakeType } from './sql-types.js';

export interface Session {
  database: string | undefined;
  schema: string | undefined;
  inTransaction: boolean;
}

/** Runs DuckDB SQL for a statement handler. */
export interface Executor {
  readonly session: Session;
  exec(sql: string, parameters: readonly (string | null)[]): Promise<DuckDBMaterializedResult>;
  /** A query's rows as Snowflake result cells. */
  query(sql: string, parameters: (string | null)[]): Promise<ResultSet>;
  databaseExists(name: string): Promise<boolean>;
}

export const TEXT: SnowflakeType = { family: 'TEXT' };
export const COUNT: SnowflakeType = { family: 'NUMBER', precision: 38, scale: 0 };

export function status(message: string): ResultSet {
  return { columns: [{ name: 'status', type: TEXT }], rows: [[message]] };
}

/** A dotted name at `start`: its parts (Snowflake names) and the index after it. */
export function readName(tokens: readonly Token[], start: number): { parts: string[]; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const token = tokens[i];
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'qident'))
      throw new SqlSyntaxError(`unexpected '${token?.text ?? 'end of statement'}'`, token?.at ?? 0);
    parts.push(identifierName(token));
    i += 1;
    if (tokens[i]?.text !== '.') return { parts, end: i };
    i += 1;
  }
}

export function tableParts(parts: readonly string[], session: Session): string[] {
  if (parts.length === 3) return [...parts];
  const missing = () =>
    sqlErrors.notSupported('Cannot perform operation. This session does not have a current schema.');
  if (parts.length === 2) {
    if (session.database === undefined) throw missing();
    return [session.database, ...parts];
  }
  if (session.database === undefined || session.schema === undefined) throw missing();
  return [session.database, session.schema, parts[0]!];
}

export function duckSchemaName([database, schema]: string[]): string {
  return `${quoteDuck(duckDatabase(database!))}.${quoteDuck(duckName(schema!))}`;
}

export function schemaParts(parts: readonly string[], session: Session): string[] {
  if (parts.length === 2) return [...parts];
  if (session.database === undefined)
    throw sqlErrors.notSupported('Cannot perform operation. This session does not have a current database.');
  return [session.database, parts[0]!];
}

/** Splits at commas outside parentheses. */
export function splitTopLevel(tokens: readonly Token[]): Token[][] {
  const pieces: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(') depth += 1;
    if (token.text === ')') depth -= 1;
    if (token.text === ',' && depth === 0) pieces.push([]);
    else pieces.at(-1)!.push(token);
  }
  return pieces.filter((piece) => piece.length > 0);
}
