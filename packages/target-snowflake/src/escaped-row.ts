/**
 * One row (a JSON array, its elements in column order) written byte by byte straight into the batch's
 * chunks (the SDK's RowWriter), already escaped for the JSON string the request carries it in:
 * `[\"a\",12,null,{\"k\":1}],`. No per-row or per-field JS string is built and encoded: integers are
 * written digit by digit, strings and VARIANT text are escaped as their bytes are written (see
 * escaped-json.ts), and a string from an input line that held no backslash goes in as its UTF-8 bytes.
 *
 * Absent values are `null` elements, except at the end of the row, where the array simply stops (an
 * element past its end reads as NULL too). Every row ends with a comma, so adjacent rows are one
 * slice of a JSON array.
 */
import type { RowWriter } from '@singer-ts/sdk/sql';
import { MAX_ESCAPED_BYTES_PER_UNIT, writeEscaped } from './escaped-json.js';

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const COMMA = 0x2c;
/** Strings up to this length are copied unit by unit in JS, sparing a call into native code. */
const SHORT_STRING = 48;
/** Longer texts are escaped in segments of this many units, so room is reserved a segment at a time. */
const SEGMENT = 8192;
/** Integers below this are written with 32-bit integer arithmetic. */
const SMALL_LIMIT = 2 ** 31;
/** Larger ones as two parts: the high digits, then the last LOW_DIGITS, zero-padded. */
const LOW_DIGITS = 8;
const LOW_LIMIT = 10 ** LOW_DIGITS;
const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');

export class EscapedRow {
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;
  private elements = 0;
  /** Null elements not written yet: written before the next value, dropped at the row's end. */
  private nulls = 0;

  constructor(private readonly writer: RowWriter) {}

  start(): void {
    this.buffer = this.writer.openRow();
    this.at = this.writer.rowStart;
    this.elements = 0;
    this.nulls = 0;
    this.room(1);
    this.buffer[this.at++] = 0x5b; // [
  }

  /** Ends the row (`],`), making it the batch's next; returns its size in bytes. */
  end(): number {
    this.room(2);
    this.buffer[this.at++] = 0x5d; // ]
    this.buffer[this.at++] = COMMA;
    return this.writer.endRow(this.at);
  }

  null(): void {
    this.nulls += 1;
  }

  bool(value: boolean): void {
    this.bytes(value ? TRUE_BYTES : FALSE_BYTES);
  }

  /** A safe integer as a JSON string of its digits (`\"-12\"`): numbers travel as exact text. */
  integer(value: number): void {
    this.element(24);
    const buffer = this.buffer;
    buffer[this.at++] = BACKSLASH;
    buffer[this.at++] = QUOTE;
    let rest = value;
    if (rest < 0) {
      buffer[this.at++] = 0x2d; // -
      rest = -rest;
    }
    if (rest < SMALL_LIMIT) this.at = writeDigits(buffer, this.at, rest, 0);
    else {
      // Digit arithmetic on a double is a floating-point remainder per digit, slow beside integer
      // arithmetic: split into two parts that each fit 32 bits (`_sdc_sequence` has 16 digits).
      let high = Math.floor(rest / LOW_LIMIT);
      let low = rest - high * LOW_LIMIT; // exact: both products and differences stay below 2^53
      if (low < 0) {
        high -= 1;
        low += LOW_LIMIT;
      } else if (low >= LOW_LIMIT) {
        high += 1;
        low -= LOW_LIMIT;
      }
      this.at = writeDigits(buffer, writeDigits(buffer, this.at, high, 0), low, LOW_DIGITS);
    }
    buffer[this.at++] = BACKSLASH;
    buffer[this.at++] = QUOTE;
  }

  /**
   * A JSON string holding `text`. `plain`: the text came from an input line without a backslash, so
   * it holds no quote, backslash or control character and needs no escaping, only UTF-8.
   */
  string(text: string, plain: boolean): void {
    const count = text.length;
    this.element(4);
    this.buffer[this.at++] = BACKSLASH;
    this.buffer[this.at++] = QUOTE;
    let index = 0;
    if (count <= SHORT_STRING || !plain) {
      // ASCII needing no escape, unit by unit; anything else goes the general way from there on.
      this.room(count);
      const buffer = this.buffer;
      let at = this.at;
      for (; index < count; index += 1) {
        const code = text.charCodeAt(index);
        if (code < 0x20 || code >= 0x7f || code === QUOTE || code === BACKSLASH) break;
        buffer[at++] = code;
      }
      this.at = at;
    }
    if (index < count) {
      if (plain) this.utf8(text, index);
      else this.escaped(text, index, 2);
    }
    this.room(2);
    this.buffer[this.at++] = BACKSLASH;
    this.buffer[this.at++] = QUOTE;
  }

  /**
   * JSON text (a VARIANT value) as it stands inside the request's string. `plain`: the text came
   * from an input line without a backslash, tab or carriage return, so only its quotes need escaping.
   */
  json(text: string, plain: boolean): void {
    this.element(0);
    const count = text.length;
    let index = 0;
    if (plain) {
      // Copied unit by unit while ASCII; quotes escaped on the way (`{\"k\":1}`).
      this.room(2 * count);
      const buffer = this.buffer;
      let at = this.at;
      for (; index < count; index += 1) {
        const code = text.charCodeAt(index);
        if (code >= 0x80) break;
        if (code === QUOTE) buffer[at++] = BACKSLASH;
        buffer[at++] = code;
      }
      this.at = at;
    }
    if (index < count) this.escaped(text, index, 1);
  }

  /** Starts an element with room for `bytes` after its separator and the nulls before it. */
  private element(bytes: number): void {
    const nulls = this.nulls;
    this.room(5 * nulls + 1 + bytes);
    const buffer = this.buffer;
    if (this.elements > 0) buffer[this.at++] = COMMA;
    for (let index = 0; index < nulls; index += 1) {
      buffer[this.at++] = 0x6e; // n
      buffer[this.at++] = 0x75; // u
      buffer[this.at++] = 0x6c; // l
      buffer[this.at++] = 0x6c; // l
      buffer[this.at++] = COMMA;
    }
    this.elements += nulls + 1;
    this.nulls = 0;
  }

  private bytes(bytes: Uint8Array): void {
    this.element(bytes.length);
    for (const byte of bytes) this.buffer[this.at++] = byte;
  }

  /** text[from…] as UTF-8, natively (it needs no escaping). */
  private utf8(text: string, from: number): void {
    const rest = from === 0 ? text : text.slice(from);
    // At most 3 bytes per unit; a text too long to reserve that for is measured exactly.
    this.room(rest.length <= SEGMENT * 16 ? 3 * rest.length : Buffer.byteLength(rest));
    this.at += this.buffer.write(rest, this.at);
  }

  /** text[from…] escaped `depth` times, a segment at a time. */
  private escaped(text: string, from: number, depth: 1 | 2): void {
    for (let start = from; start < text.length; ) {
      let stop = Math.min(text.length, start + SEGMENT);
      // A segment never ends between the two halves of a surrogate pair.
      const last = text.charCodeAt(stop - 1);
      if (stop < text.length && last >= 0xd800 && last <= 0xdbff) stop += 1;
      this.room(MAX_ESCAPED_BYTES_PER_UNIT * (stop - start));
      this.at = writeEscaped(this.buffer, this.at, text, start, stop, depth);
      start = stop;
    }
  }

  /** Makes room for `bytes` more, moving the row so far to a new chunk when this one is full. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const written = this.at - this.writer.rowStart;
    this.buffer = this.writer.moveRow(written, bytes);
    this.at = written;
  }
}

/**
 * The decimal digits of `value` (a non-negative integer below 2^31) at buffer[at], at least
 * `minDigits` of them (zero-padded); returns the offset after them.
 */
function writeDigits(buffer: Buffer, at: number, value: number, minDigits: number): number {
  let digits = 1;
  for (let power = 10; power <= value; power *= 10) digits += 1;
  if (digits < minDigits) digits = minDigits;
  let rest = value | 0;
  for (let index = at + digits - 1; index >= at; index -= 1) {
    const next = (rest / 10) | 0;
    buffer[index] = 48 + rest - next * 10;
    rest = next;
  }
  return at + digits;
}
