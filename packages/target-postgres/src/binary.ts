/**
 * PostgreSQL's binary COPY format: rows of typed fields (`int16` field count, then per field an
 * `int32` length, -1 for NULL, and the value in the type's binary send format), framed per COPY
 * statement by a header and a trailer. Binary values spare the server parsing text (timestamps,
 * numerics, COPY escapes, lines), about a quarter of its CPU time for a COPY. A value is only written in
 * binary when it is certain to be exactly what PostgreSQL's text input would make of the same value;
 * for anything else the row is written as COPY text instead (see binary-fields.ts).
 */

import type { RowWriter } from '@singer-ts/sdk/sql';
import type { Moment } from './datetime.js';

/** Signature `PGCOPY\n\377\r\n\0`, flags 0, header extension length 0. */
export const BINARY_COPY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** A field count of -1 ends the data. */
export const BINARY_COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** The rows of one binary COPY statement, framed by header and trailer. */
export function* binaryCopyData(rows: Iterable<Buffer>): Generator<Buffer> {
  yield BINARY_COPY_HEADER;
  yield* rows;
  yield BINARY_COPY_TRAILER;
}

/** Column types written in binary; each is exactly one PostgreSQL type, whose width it knows. */
export type BinaryType =
  | 'int8'
  | 'int4'
  | 'int2'
  | 'numeric'
  | 'bool'
  | 'text'
  | 'jsonb'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'time';

const BINARY_TYPES: Readonly<Record<string, BinaryType>> = {
  bigint: 'int8',
  integer: 'int4',
  smallint: 'int2',
  // Only unconstrained numeric: a typmod would round, and that is left to the text path.
  numeric: 'numeric',
  boolean: 'bool',
  text: 'text',
  'character varying': 'text',
  jsonb: 'jsonb',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  date: 'date',
  'time without time zone': 'time',
};

/**
 * The binary type of a column of type `pgType` (as format_type() prints it), or undefined when its
 * values are only loaded as text (json, float, numeric(p,s), timestamp(p), char(n), uuid, …).
 * `varchar(n)` is binary: its receive function checks the length exactly like its input function.
 */
export function binaryTypeOf(pgType: string): BinaryType | undefined {
  if (/^character varying\(\d+\)$/.test(pgType)) return 'text';
  return Object.hasOwn(BINARY_TYPES, pgType) ? BINARY_TYPES[pgType] : undefined;
}

const TWO_32 = 4294967296;
const TWO_26 = 67108864;
/** Strings up to this length are copied byte by byte when ASCII, sparing a call into native code. */
const SHORT_STRING = 32;

function putInt32(buffer: Buffer, at: number, value: number): void {
  buffer[at] = value >>> 24;
  buffer[at + 1] = value >>> 16;
  buffer[at + 2] = value >>> 8;
  buffer[at + 3] = value;
}

/**
 * A timestamp's int64 (µs since 2000-01-01) at buffer[at, at + 8), from seconds × 10^6 + micros
 * without leaving exact double arithmetic: seconds × 15625 stays below 2^53 for every year PostgreSQL
 * takes, and × 64 is a shift across the two 32-bit halves.
 */
function putMoment(buffer: Buffer, at: number, { seconds, micros }: Moment): void {
  const scaled = seconds * 15625;
  const high = Math.floor(scaled / TWO_26);
  let low = (scaled - high * TWO_26) * 64 + micros;
  const carry = Math.floor(low / TWO_32);
  low -= carry * TWO_32;
  putInt32(buffer, at, high + carry);
  putInt32(buffer, at + 4, low);
}

/** The 8 bytes of a timestamp's binary value, for stamping rows after they were encoded. */
export function binaryMoment(moment: Moment): Buffer {
  const bytes = Buffer.alloc(8);
  putMoment(bytes, 0, moment);
  return bytes;
}

/**
 * Writes one binary COPY row at a time straight into the batch's chunks (RowWriter), field by field:
 * `start`, the fields, then `end` makes it the batch's next row. A row abandoned before `end` (a value
 * that must go as text) leaves nothing behind.
 */
export class BinaryRow {
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;

  constructor(private readonly writer: RowWriter) {}

  start(fieldCount: number): void {
    this.buffer = this.writer.openRow();
    this.at = this.writer.rowStart;
    this.int16(fieldCount);
  }

  /** Ends the row; returns its size in bytes. */
  end(): number {
    return this.writer.endRow(this.at);
  }

  null(): void {
    this.int32(-1);
  }

  /** A safe integer as a binary int8 field. */
  int8(value: number): void {
    this.int32(8);
    const high = Math.floor(value / TWO_32);
    this.int32(high);
    this.int32(value - high * TWO_32);
  }

  bigint8(value: bigint): void {
    this.int32(8);
    this.room(8);
    this.buffer.writeBigInt64BE(value, this.at);
    this.at += 8;
  }

  int4(value: number): void {
    this.int32(4);
    this.int32(value);
  }

  int2(value: number): void {
    this.int32(2);
    this.int16(value);
  }

  bool(value: boolean): void {
    this.int32(1);
    this.room(1);
    this.buffer[this.at++] = value ? 1 : 0;
  }

  /** A text field: the string's UTF-8 bytes (lone surrogates become U+FFFD, as in the text path). */
  text(value: string): void {
    this.utf8(value, -1);
  }

  /** A jsonb field: format version 1, then the JSON text. */
  jsonb(json: string): void {
    this.utf8(json, 1);
  }

  numeric(weight: number, sign: number, scale: number, digits: readonly number[]): void {
    this.int32(8 + 2 * digits.length);
    this.int16(digits.length);
    this.int16(weight);
    this.int16(sign);
    this.int16(scale);
    for (const digit of digits) this.int16(digit);
  }

  /** A timestamp: microseconds since 2000-01-01 as int64. */
  moment(moment: Moment): void {
    this.int32(8);
    this.room(8);
    putMoment(this.buffer, this.at, moment);
    this.at += 8;
  }

  date(days: number): void {
    this.int4(days);
  }

  time(micros: number): void {
    this.int8(micros);
  }

  private utf8(value: string, version: number): void {
    const prefix = version < 0 ? 4 : 5;
    const count = value.length;
    this.room(prefix + 3 * count);
    const buffer = this.buffer;
    const start = this.at + prefix;
    let written = -1;
    if (count <= SHORT_STRING) {
      let at = start;
      let index = 0;
      for (; index < count; index += 1) {
        const code = value.charCodeAt(index);
        if (code >= 0x80) break;
        buffer[at++] = code;
      }
      if (index === count) written = count;
    }
    if (written < 0) written = buffer.write(value, start);
    this.int32(written + prefix - 4);
    if (version >= 0) buffer[this.at++] = version;
    this.at += written;
  }

  private int32(value: number): void {
    this.room(4);
    putInt32(this.buffer, this.at, value);
    this.at += 4;
  }

  private int16(value: number): void {
    this.room(2);
    this.buffer[this.at++] = value >>> 8;
    this.buffer[this.at++] = value;
  }

  /** Makes room for `bytes` more, moving the row so far to a new chunk when this one is full. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const written = this.at - this.writer.rowStart;
    this.buffer = this.writer.moveRow(written, bytes);
    this.at = written;
  }
}
