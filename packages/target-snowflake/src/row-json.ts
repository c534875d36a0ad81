/**
 * Record values as the elements of a compact JSON row (an array in column order), which the load statement flattens and casts
 * server side (`f.value[3]::NUMBER(38,2)`). Every value arrives in Snowflake exactly: numbers as
 * JSON strings of their exact decimal text (Snowflake's JSON parser would read a bare decimal as a
 * double), date-times normalised to the `Z` form Snowflake's AUTO format reads (it refuses `+0000`),
 * objects and arrays as JSON text. A value that cannot be sent is a RecordValidationError naming the
 * stream, line and field; nothing of its batch is loaded.
 *
 * The row travels inside a JSON string (the statement's one TEXT binding), so every field is made
 * here already escaped for that string (`\"12.5\"`): the row is escaped once, as it is
 * encoded, and its bytes go into the request as they are.
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

/** JSON text as it stands inside a JSON string: each quote and backslash escaped (and any control character). */
export function escapedJson(json: string): string {
  return JSON.stringify(json).slice(1, -1);
}

/**
 * A JSON string field holding the value's text. `plain`: the value was read from an input line
 * without a backslash, so a string value holds no quote, backslash or control character to escape.
 */
export function textField(value: unknown, plain = false): string {
  if (plain && typeof value === 'string') return `\\"${value}\\"`;
  const text = scalarText(value);
  const json = JSON.stringify(text);
  // Nothing in the text needed escaping (the common case): one escaped quote on either side.
  return json.length === text.length + 2 ? `\\"${text}\\"` : escapedJson(json);
}

/**
 * A number as a JSON string of its plain decimal text; `shape` gets its digits before and after the
 * point (safe integers skip the measuring: any NUMBER(38,s) with s ≤ 22 holds them).
 */
export function numberField(
  value: unknown,
  source: string | undefined,
  shape: NumberShape,
  place: ValuePlace,
  line: number,
): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `\\"${value}\\"`;
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
  return `\\"${plain.text}\\"`;
}

/** A date-time as a JSON string in UTC (`…Z`), sub-second digits kept as sent. */
export function dateTimeField(value: unknown, place: ValuePlace, line: number): string {
  const utc = typeof value === 'string' ? toUtcTimestamp(value) : undefined;
  if (utc === undefined || !/^\d{4}-/.test(utc))
    throw new RecordValidationError(
      `${place.field} is ${JSON.stringify(value)}, not a date-time Snowflake can store (ISO 8601 with an offset, years 0001-9999); fix the value or declare the property a plain string`,
      { stream: place.stream, line, field: place.field },
    );
  return `\\"${utc}\\"`;
}

/** A boolean as JSON true/false; anything else as text (the cast then says what is wrong). */
export function booleanField(value: unknown): string {
  return value === true ? 'true' : value === false ? 'false' : textField(value);
}

/** A VARIANT value as JSON: its source text when the line gave one, else the value serialized. */
export function jsonField(value: unknown, source: string | undefined): string {
  return escapedJson(source ?? serializeJson(value));
}
