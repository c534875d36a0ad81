/**
 * Errors of SQL sources and targets, kept apart from the PostgreSQL client so a connector can name
 * them without loading (or installing) pg.
 */
import type pg from 'pg';
import { type ErrorContext, SingerError } from '../errors.js';

/** A query or connection failed; carries PostgreSQL's SQLSTATE and fields when the server sent them. */
export class SQLError extends SingerError {
  override readonly code: string = 'SINGER_SQL';
  readonly sqlState: string | undefined;

  constructor(
    message: string,
    context: ErrorContext & { sqlState?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.sqlState = context.sqlState;
  }
}

/** The database could not be reached or refused the login. */
export class SQLConnectionError extends SQLError {
  override readonly code: string = 'SINGER_SQL_CONNECT';
}

/** Wraps a pg error, keeping the server's SQLSTATE, detail and hint as structured fields. */
export function toSQLError(error: unknown, what: string, context: ErrorContext = {}): SingerError {
  if (error instanceof SingerError) return error;
  const db = error as Partial<pg.DatabaseError> & Error;
  const fields: ErrorContext & { sqlState?: string } = { ...context };
  if (typeof db.code === 'string') fields.sqlState = db.code;
  if (db.detail) fields.detail = db.detail;
  if (db.hint) fields.hint = db.hint;
  const reason = db.message || String(error);
  return new SQLError(`${what} failed: ${reason}${db.code ? ` (SQLSTATE ${db.code})` : ''}`, fields, {
    cause: error,
  });
}
