/**
 * PostgreSQL values as Singer values, and PostgreSQL column types as JSON Schema. Every value is
 * read as text and converted here, so nothing passes through a double or a Date that would round it:
 * numeric and int8 stay exact, timestamps keep their microseconds.
 */
import type pg from 'pg';
import { parseJson } from '../json/lossless-json.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { toUtcTimestamp } from '../schema/timestamps.js';
import { exactNumber } from './exact-number.js';

/** Built-in type OIDs (stable across PostgreSQL versions, see pg_type.dat). */
const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

function pad6(fraction: string | undefined): string {
  return (fraction ?? '').padEnd(6, '0').slice(0, 6);
}

const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/;

/**
 * A timestamp as UTC RFC 3339 with six fraction digits. Text without an offset (`timestamp without
 * time zone`) is taken as UTC. Infinity and BC dates have no RFC 3339 form and become null.
 */
export function pgTimestamp(text: string): string | null {
  if (/infinity|BC$/i.test(text)) return null;
  const utc = toUtcTimestamp(text);
  const match = utc === undefined ? null : UTC_TIMESTAMP.exec(utc);
  if (!match) return null;
  return `${match[1]}.${pad6(match[2])}Z`;
}

/** `\x` hex output (the session sets `bytea_output = hex`) as bare hex digits. */
function pgBytea(text: string): string {
  return text.startsWith('\\x') ? text.slice(2) : text;
}

function pgFloat(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

const identity = (text: string): string => text;

const PARSERS = new Map<number, (text: string) => unknown>([
  [OID.bool, (text) => text === 't'],
  [OID.bytea, pgBytea],
  [OID.int8, exactNumber],
  [OID.int2, Number],
  [OID.int4, Number],
  [OID.oid, Number],
  [OID.numeric, exactNumber],
  [OID.float4, pgFloat],
  [OID.float8, pgFloat],
  [OID.json, parseJson],
  [OID.jsonb, parseJson],
  [OID.date, (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null)],
  [OID.timestamp, pgTimestamp],
  [OID.timestamptz, pgTimestamp],
]);

/**
 * Type parsers for one client (never the process-wide `pg.types`, which other code shares): every
 * other type, uuid and enums included, stays the text PostgreSQL sent.
 */
export const singerTypeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format === 'binary') return (value: Buffer) => value;
    return PARSERS.get(oid) ?? identity;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Session settings that fix the text forms the parsers above expect. */
export const SESSION_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'iso_8601',
  bytea_output: 'hex',
  extra_float_digits: '1',
};

/** One column as information_schema describes it. */
export interface ColumnType {
  /** `information_schema.columns.data_type`, e.g. `integer`, `ARRAY`, `USER-DEFINED`. */
  dataType: string;
  /** `udt_name`, e.g. `int4`, `_text` for an array of text, the enum's name. */
  udtName: string;
  nullable: boolean;
  maxLength?: number | null;
}

const INT_RANGES: Record<string, { minimum: number; maximum: number }> = {
  int2: { minimum: -32768, maximum: 32767 },
  int4: { minimum: -2147483648, maximum: 2147483647 },
};

/** The JSON Schema of one element of a given udt name (arrays use it for `items`). */
function scalarSchema(udtName: string): JSONSchema {
  switch (udtName) {
    case 'int2':
    case 'int4':
      return { type: 'integer', ...INT_RANGES[udtName] };
    case 'int8':
    case 'oid':
      return { type: 'integer' };
    case 'numeric':
    case 'float4':
    case 'float8':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamp':
    case 'timestamptz':
      return { type: 'string', format: 'date-time' };
    case 'json':
    case 'jsonb':
      return {};
    default:
      return { type: 'string' };
  }
}

/** True for a column selected as JSON (arrays), so the query reads it through `to_json`. */
export function isArrayColumn(column: ColumnType): boolean {
  return column.dataType === 'ARRAY';
}

function withNull(schema: JSONSchema): JSONSchema {
  if (schema.type === undefined) return schema;
  return { ...schema, type: [schema.type as string, 'null'] } as JSONSchema;
}

/** A column's JSON Schema: nullable unless the column is NOT NULL. */
export function columnSchema(column: ColumnType): JSONSchema {
  let schema: JSONSchema;
  if (isArrayColumn(column)) {
    const element = scalarSchema(column.udtName.replace(/^_/, ''));
    // Elements may be NULL inside any PostgreSQL array.
    schema = { type: 'array', items: withNull(element) };
  } else {
    schema = scalarSchema(column.udtName);
    if (schema.type === 'string' && typeof column.maxLength === 'number') {
      schema = { ...schema, maxLength: column.maxLength };
    }
  }
  return column.nullable ? withNull(schema) : schema;
}
