/** SQL identifier quoting shared by the SQL source and the SQL targets: every identifier goes through here. */
import { SingerError } from '../errors.js';

export class InvalidIdentifierError extends SingerError {
  override readonly code: string = 'SINGER_SQL_IDENTIFIER';
}

/** `name` as a quoted identifier; a NUL character cannot be quoted, so it is an error. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) {
    throw new InvalidIdentifierError(`identifier ${JSON.stringify(name)} holds a NUL character`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}
