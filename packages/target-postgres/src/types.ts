/**
 * Column types: which PostgreSQL type each logical type gets, how an existing column is classed, and
 * the widening policy when a later SCHEMA asks for a different type. Columns only ever widen:
 * bigint → numeric → text, date → timestamptz → text, anything → text; text and jsonb columns take
 * any value as is. Nothing is ever narrowed or dropped.
 */
import type { LogicalType } from '@singer-ts/sdk';

/** How values are written into a column, decided by the column's actual type in the database. */
export type ColumnClass =
  | 'bigint'
  | 'numeric'
  | 'boolean'
  | 'text'
  | 'timestamptz'
  | 'date'
  | 'time'
  | 'jsonb'
  | 'other';

export const PG_TYPE: Record<LogicalType, string> = {
  integer: 'bigint',
  number: 'numeric',
  boolean: 'boolean',
  string: 'text',
  'date-time': 'timestamp with time zone',
  date: 'date',
  time: 'time without time zone',
  json: 'jsonb',
};

const LOGICAL_CLASS: Record<LogicalType, ColumnClass> = {
  integer: 'bigint',
  number: 'numeric',
  boolean: 'boolean',
  string: 'text',
  'date-time': 'timestamptz',
  date: 'date',
  time: 'time',
  json: 'jsonb',
};

export function classOfLogical(type: LogicalType): ColumnClass {
  return LOGICAL_CLASS[type];
}

/** Classes a type as `format_type()` prints it. */
export function classOfPgType(pgType: string): ColumnClass {
  const type = pgType.toLowerCase();
  if (type === 'bigint' || type === 'integer' || type === 'smallint') return 'bigint';
  if (type.startsWith('numeric') || type === 'real' || type === 'double precision') return 'numeric';
  if (type === 'boolean') return 'boolean';
  if (type === 'text' || type.startsWith('character')) return 'text';
  if (type.startsWith('timestamp')) return 'timestamptz';
  if (type === 'date') return 'date';
  if (type.startsWith('time')) return 'time';
  if (type === 'jsonb' || type === 'json') return 'jsonb';
  return 'other';
}

/** The type an existing column must be altered to so it holds `wanted` values, or undefined if none. */
export function widenTo(
  existing: ColumnClass,
  wanted: LogicalType,
): { pgType: string; using: string } | undefined {
  const want = classOfLogical(wanted);
  if (existing === want || existing === 'text' || existing === 'jsonb' || existing === 'other')
    return undefined;
  if (existing === 'numeric' && want === 'bigint') return undefined;
  if (existing === 'bigint' && want === 'numeric') return { pgType: 'numeric', using: 'numeric' };
  if (existing === 'timestamptz' && want === 'date') return undefined;
  if (existing === 'date' && want === 'timestamptz') {
    return { pgType: 'timestamp with time zone', using: 'timestamp with time zone' };
  }
  return { pgType: 'text', using: 'text' };
}
