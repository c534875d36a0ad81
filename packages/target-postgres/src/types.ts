/**
 * Column types: which PostgreSQL type each logical type gets and how an existing column is classed.
 * The widening policy (columns only ever widen) is the SDK's table plan (`@singer-ts/sdk/sql`).
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
