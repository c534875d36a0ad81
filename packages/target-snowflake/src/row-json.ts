/**
 * The text of record values as the elements of a compact JSON row (an array in column order, written
 * by EscapedRow), which the load statement flattens and casts server side (`f.value[3]::NUMBER(38,2)`).
 * Every value arrives in Snowflake exactly: numbers as JSON strings of their exact decimal text
 * (Snowflake's JSON parser would read a bare decimal as a double), date-times normalised to the `Z`
 * form Snowflake's AUTO format reads (it refuses `+0000`), objects and arrays as JSON text. A value
 * that cannot be sent is a RecordValidationError naming the stream, line and field; nothing of its
 * batch is loaded.
 */
import {
  isExactNumber,
  numberText,
  RecordValidationError,
  serializeJson,
  toUtcTimestamp,
} from '@singer-ts/sdk';
import { type NumberShape, plainDecimal } from './column-types.js';

/** Which stream and field a value belongs to, for the error that refuses it (with its line). */
export interface ValuePlace {
  stream: string;
  field: string;
}

/** A scalar as text: what a VARCHAR (or another type cast from text) receives. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint' || isExactNumber(value)) return value.toString();
  return serializeJson(value);
}

/**
 * A number's plain decimal text (no exponent); `shape` gets its digits before and after the point.
 * (Safe integers need neither: the row writes their digits, and any NUMBER(38,s) with s ≤ 22 holds them.)
 */
export function decimalText(
  value: unknown,
  source: string | undefined,
  shape: NumberShape,
  place: ValuePlace,
  line: number,
): string {
  const text = source ?? scalarText(value);
  let plain: ReturnType<typeof plainDecimal>;
  try {
    plain = plainDecimal(text);
  } catch {
    throw new RecordValidationError(
      `${place.field} is ${JSON.stringify(text)}, not a number; fix the value or the stream's schema`,
      { stream: place.stream, line, field: place.field },
    );
  }
  if (plain.integerDigits > shape.integerDigits) shape.integerDigits = plain.integerDigits;
  if (plain.scale > shape.scale) shape.scale = plain.scale;
  return plain.text;
}

/** A date-time's text in UTC (`…Z`), sub-second digits kept as sent. */
export function utcDateTime(value: unknown, place: ValuePlace, line: number): string {
  const utc = typeof value === 'string' ? toUtcTimestamp(value) : undefined;
  if (utc === undefined || !/^\d{4}-/.test(utc))
    throw new RecordValidationError(
      `${place.field} is ${JSON.stringify(value)}, not a date-time Snowflake can store (ISO 8601 with an offset, years 0001-9999); fix the value or declare the property a plain string`,
      { stream: place.stream, line, field: place.field },
    );
  return utc;
}
