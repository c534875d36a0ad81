/**
 * Snowflake's error codes for what fails inside a statement, and the reading of DuckDB's errors as
 * the Snowflake error the same mistake draws (an unknown column is 000904, a missing table 002003).
 */
import { SqlSyntaxError } from './lexer.js';
import { snowflakeName } from './names.js';

export class SnowflakeSqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

export const sqlErrors = {
  injected: (code: string, message: string) => new SnowflakeSqlError(code, 'XX000', message),
  syntax: (text: string) =>
    new SnowflakeSqlError('001003', '42000', `SQL compilation error:\nsyntax error line 1 ${text}`),
  invalidIdentifier: (name: string) =>
    new SnowflakeSqlError(
      '000904',
      '42000',
      `SQL compilation error: error line 1 at position 0\ninvalid identifier '${name}'`,
    ),
  missingObject: (name: string) =>
    new SnowflakeSqlError(
      '002003',
      '42S02',
      `SQL compilation error:\nObject '${name}' does not exist or not authorized.`,
    ),
  existingObject: (name: string) =>
    new SnowflakeSqlError('002002', '42710', `SQL compilation error:\nObject '${name}' already exists.`),
  statementCount: (actual: number, desired: number) =>
    new SnowflakeSqlError(
      '000008',
      '0A000',
      `Actual statement count ${actual} did not match the desired statement count ${desired}.`,
    ),
  duplicateRow: (values: string) =>
    new SnowflakeSqlError(
      '100090',
      '42P18',
      `Duplicate row detected during DML action\nRow Values: [${values}]`,
    ),
  timestamp: (text: string) =>
    new SnowflakeSqlError('100035', '22007', `Timestamp '${text}' is not recognized`),
  numeric: (text: string) =>
    new SnowflakeSqlError('100038', '22018', `Numeric value '${text}' is not recognized`),
  notSupported: (what: string) => new SnowflakeSqlError('002040', '0A000', `SQL compilation error:\n${what}`),
  tooManyExpressions: () =>
    new SnowflakeSqlError(
      '001795',
      '42601',
      'SQL compilation error: error line 1 at position 0\nmaximum number of expressions in a list exceeded, expected at most 16,384',
    ),
  canceled: () => new SnowflakeSqlError('000604', '57014', 'SQL execution canceled'),
  timedOut: (seconds: number) =>
    new SnowflakeSqlError(
      '000630',
      '57014',
      `Statement reached its statement or warehouse timeout of ${seconds} second(s) and was canceled.`,
    ),
};

/** The Snowflake error for a failure while translating or running a statement. */
export function toSnowflakeError(error: unknown): SnowflakeSqlError {
  if (error instanceof SnowflakeSqlError) return error;
  if (error instanceof SqlSyntaxError) return sqlErrors.syntax(`at position ${error.at} ${error.message}`);
  const message = error instanceof Error ? error.message : String(error);
  const own = /SF(\d{6}) (.*)$/s.exec(message);
  if (own) {
    if (own[1] === '100035')
      return sqlErrors.timestamp(own[2]!.replace(/^Timestamp '(.*)' is not recognized$/s, '$1'));
    return new SnowflakeSqlError(own[1]!, '22000', own[2]!);
  }
  let match = /Table with name (.+?) does not exist/.exec(message);
  if (match) return sqlErrors.missingObject(snowflakeName(match[1]!));
  match =
    /Schema with name (.+?) does not exist/.exec(message) ?? /Catalog "(.+?)" does not exist/.exec(message);
  if (match) return sqlErrors.missingObject(snowflakeName(match[1]!.replace(/^sf:/, '')));
  match =
    /Referenced column "(.+?)" not found/.exec(message) ??
    /does not have a column named "(.+?)"/.exec(message);
  if (match) return sqlErrors.invalidIdentifier(snowflakeName(match[1]!));
  match = /Referenced table "(.+?)" not found/.exec(message);
  if (match) return sqlErrors.invalidIdentifier(snowflakeName(match[1]!));
  match = /(?:Table|Schema) with name "?(.+?)"? already exists/.exec(message);
  if (match) return sqlErrors.existingObject(snowflakeName(match[1]!));
  match = /Could not convert string "(.*?)" to (DECIMAL|INT|DOUBLE|HUGEINT|BIGINT)/s.exec(message);
  if (match) return sqlErrors.numeric(match[1]!);
  match = /Could not convert string "(.*?)" to BOOL/s.exec(message);
  if (match) return new SnowflakeSqlError('100037', '22018', `Boolean value '${match[1]}' is not recognized`);
  match =
    /Could not convert string "(.*?)" to (DATE|TIME)/s.exec(message) ??
    /(?:date|timestamp) field value out of range: "(.*?)"/s.exec(message);
  if (match) return sqlErrors.timestamp(match[1]!);
  if (/Malformed JSON/.test(message))
    return new SnowflakeSqlError('100069', '22P02', `Error parsing JSON: ${message.split('\n')[0]}`);
  if (/Parser Error/.test(message))
    return sqlErrors.syntax(message.split('\n')[0]!.replace(/^Parser Error: /, ''));
  if (/out of range|Overflow/i.test(message))
    return new SnowflakeSqlError(
      '100046',
      '22003',
      `Number out of representable range: ${message.split('\n')[0]}`,
    );
  return new SnowflakeSqlError(
    '000603',
    'XX000',
    `SQL execution internal error (emulator: ${message.split('\n')[0]})`,
  );
}
