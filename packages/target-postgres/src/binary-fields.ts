/**
 * Values → binary COPY fields, only where the binary value is certain to be exactly what PostgreSQL's
 * text input makes of the field the text path writes for the same value (see encode.ts): a field
 * encoder writes the value and returns true, or returns false, and then the row (and the rest of its
 * batch) is written as COPY text and PostgreSQL's text input decides, errors included.
 */
import { isExactNumber, numberText } from '@singer-ts/sdk';
import type { PropertySourceText } from '@singer-ts/sdk/sql';
import type { BinaryRow, BinaryType } from './binary.js';
import { type Moment, parseDate, parseTime, parseTimestamp, type ZonelessTimestamps } from './datetime.js';
import { decimalParts } from './decimal.js';
import { jsonText, type MetadataValue, readValueCode, scalarString, sourceJsonText } from './encode.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Writes `value` (not null) into `row` and returns true, or returns false when it must go as text. */
export type FieldEncoder = (row: BinaryRow, value: unknown, source: PropertySourceText) => boolean;

export interface FieldEncoderOptions {
  /** For jsonb and numeric columns: the column's slot in the source text (see compileRowEncoder). */
  span?: number;
  /** How timestamptz values without an offset are read: as UTC only when the session zone is UTC. */
  zoneless: ZonelessTimestamps;
}

/** Integers within a `bits`-bit column's range; int2in and int4in refuse the others, via the text path. */
function integerEncoder(bits: 16 | 32, write: (row: BinaryRow, value: number) => void): FieldEncoder {
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  return (row, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value > max || value < min) return false;
    write(row, value);
    return true;
  };
}

const INTEGER_TEXT = /^-?\d+$/;

const encodeInt8: FieldEncoder = (row, value) => {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return false;
    row.int8(value);
    return true;
  }
  if (!isExactNumber(value)) return false;
  const text = value.toString();
  if (!INTEGER_TEXT.test(text)) return false;
  const integer = BigInt(text);
  // Beyond int8 the text path widens the column to numeric first.
  if (integer > INT64_MAX || integer < INT64_MIN) return false;
  row.bigint8(integer);
  return true;
};

const encodeBool: FieldEncoder = (row, value) => {
  if (typeof value !== 'boolean') return false;
  row.bool(value);
  return true;
};

/** Any value, as the text a text column gets from the text path. */
const encodeText: FieldEncoder = (row, value, source) => {
  // A plain line has no escapes, so none of its strings holds a NUL.
  row.text(source.plain && typeof value === 'string' ? value : scalarString(value));
  return true;
};

function numericEncoder(span: number | undefined): FieldEncoder {
  return (row, value, source) => {
    let text: string;
    if (typeof value === 'number') {
      // The number's source text, as the text path copies it (`1.50` keeps its scale).
      text = (span === undefined ? undefined : source.text(span)) ?? numberText(value);
    } else if (isExactNumber(value)) {
      text = value.toString();
    } else {
      return false;
    }
    const parts = decimalParts(text);
    if (parts === undefined) return false;
    row.numeric(parts.weight, parts.sign, parts.scale, parts.digits);
    return true;
  };
}

function jsonbEncoder(span: number | undefined): FieldEncoder {
  return (row, value, source) => {
    const text = span === undefined ? undefined : source.text(span);
    row.jsonb(text === undefined ? jsonText(value) : sourceJsonText(text, source.plain, value));
    return true;
  };
}

function timestampEncoder(zoneless: ZonelessTimestamps, withOffset: boolean): FieldEncoder {
  // Consecutive records often hold the same timestamp (_sdc_received_at within a millisecond, a
  // batch's time_extracted): it is read once.
  const moment: Moment = { seconds: 0, micros: 0 };
  let lastText = '';
  let lastValid = false;
  return (row, value) => {
    if (typeof value !== 'string') return false;
    if (value !== lastText) {
      lastValid = parseTimestamp(value, zoneless, withOffset, moment);
      lastText = value;
    }
    if (!lastValid) return false;
    row.moment(moment);
    return true;
  };
}

const encodeDate: FieldEncoder = (row, value) => {
  const days = typeof value === 'string' ? parseDate(value) : undefined;
  if (days === undefined) return false;
  row.date(days);
  return true;
};

const encodeTime: FieldEncoder = (row, value) => {
  const micros = typeof value === 'string' ? parseTime(value) : undefined;
  if (micros === undefined) return false;
  row.time(micros);
  return true;
};

export function fieldEncoderFor(type: BinaryType, options: FieldEncoderOptions): FieldEncoder {
  switch (type) {
    case 'int8':
      return encodeInt8;
    case 'int4':
      return integerEncoder(32, (row, value) => row.int4(value));
    case 'int2':
      return integerEncoder(16, (row, value) => row.int2(value));
    case 'numeric':
      return numericEncoder(options.span);
    case 'bool':
      return encodeBool;
    case 'text':
      return encodeText;
    case 'jsonb':
      return jsonbEncoder(options.span);
    case 'timestamptz':
      return timestampEncoder(options.zoneless, true);
    case 'timestamp':
      // A timestamp without time zone ignores an offset; values with one are left to the text path.
      return timestampEncoder('utc', false);
    case 'date':
      return encodeDate;
    case 'time':
      return encodeTime;
  }
}

/** A loaded column as the binary row encoder sees it. */
export interface BinaryColumn {
  /** The record property read directly; undefined for columns whose value comes from `metadataValue`. */
  property: string | undefined;
  encode: FieldEncoder;
}

/**
 * Record → one binary COPY row in `row`. Returns -1 when the row is complete, else the index of the
 * first column whose value must go as text (`row` then holds nothing usable). Arguments as for
 * RowEncoder (encode.ts). With `stamped`, the row ends with an 8-byte `_sdc_batched_at` placeholder.
 */
export type BinaryRowEncoder = (
  record: Record<string, unknown>,
  context: unknown,
  source: PropertySourceText,
  row: BinaryRow,
) => number;

/** Compiled once per schema, like compileRowEncoder: straight-line code reading each property by name. */
export function compileBinaryRowEncoder(
  columns: readonly BinaryColumn[],
  metadataValue: MetadataValue,
  stamped: boolean,
): BinaryRowEncoder {
  const body: string[] = ['let v;', `row.start(${columns.length + (stamped ? 1 : 0)});`];
  columns.forEach((column, index) => {
    body.push(
      readValueCode(column.property, index),
      `if (v === undefined || v === null) row.null();`,
      `else if (!F[${index}](row, v, source)) return ${index};`,
    );
  });
  // Any 8 bytes: the load overwrites them with the transaction's now() (see EncodedRows.stamp).
  if (stamped) body.push('row.int8(0);');
  body.push('return -1;');
  const factory = new Function(
    'F',
    'metadataValue',
    `"use strict"; return function encodeBinaryRow(r, c, source, row) { ${body.join('\n')} };`,
  ) as (encoders: readonly FieldEncoder[], get: typeof metadataValue) => BinaryRowEncoder;
  return factory(
    columns.map((column) => column.encode),
    metadataValue,
  );
}
