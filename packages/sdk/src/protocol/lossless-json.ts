/**
 * Numbers that a JS double cannot hold exactly (integers beyond 2^53, decimals with many digits)
 * travel as ExactNumber, which keeps the source text. Parsing and serializing take a fast path through
 * the engine's JSON and fall back to lossless-json only for the rare line or value that needs it.
 */
import {
  isSafeNumber,
  LosslessNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';

let exactNumberSerialized = false;

export class ExactNumber extends LosslessNumber {
  /** Signals the fast serializer that this value needs the lossless path. */
  toJSON(): string {
    exactNumberSerialized = true;
    return this.value;
  }

  override toString(): string {
    return this.value;
  }
}

export function isExactNumber(value: unknown): value is LosslessNumber {
  return typeof value === 'object' && value !== null && (value as LosslessNumber).isLosslessNumber === true;
}

/** True when a number token starts at `i` (after optional white space) that a double may change. */
function longNumberAt(text: string, i: number): boolean {
  let c = text.charCodeAt(i);
  while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++i);
  if (c === 45) c = text.charCodeAt(++i);
  if (!(c >= 48 && c <= 57)) return false;
  let digitsAndDots = 0;
  while ((c >= 48 && c <= 57) || c === 46) {
    digitsAndDots += 1;
    c = text.charCodeAt(++i);
  }
  // At most 15 significant digits always survive a double; 16 characters of digits and a dot may not.
  if (digitsAndDots >= 16) return true;
  if (c !== 101 && c !== 69) return false;
  c = text.charCodeAt(++i);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  let exponentDigits = 0;
  while (c >= 48 && c <= 57) {
    exponentDigits += 1;
    c = text.charCodeAt(++i);
  }
  // A three-digit exponent can overflow or underflow a double.
  return exponentDigits >= 3;
}

/**
 * Whether a JSON text may hold a number a double cannot keep exactly. A number token can only start
 * the text or follow ':', ',' or '[', so only those places are looked at: hopping with indexOf is
 * about twice as fast as a regular expression over every character, and this runs once per line.
 */
function mayHoldUnsafeNumber(text: string): boolean {
  if (longNumberAt(text, 0)) return true;
  for (const separator of [':', ',', '[']) {
    for (let i = text.indexOf(separator); i !== -1; i = text.indexOf(separator, i + 1)) {
      if (longNumberAt(text, i + 1)) return true;
    }
  }
  return false;
}

function parseNumber(text: string): number | ExactNumber {
  return isSafeNumber(text) ? Number(text) : new ExactNumber(text);
}

/** JSON.parse that never rounds a number. */
export function parseJson(text: string): unknown {
  if (!mayHoldUnsafeNumber(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumber);
}

/** JSON.stringify that writes ExactNumber, LosslessNumber and bigint values as bare numbers. */
export function serializeJson(value: unknown): string {
  exactNumberSerialized = false;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError && /BigInt/i.test(error.message))
      return stringifyLossless(value) as string;
    throw error;
  }
  if (exactNumberSerialized || text === undefined) return stringifyLossless(value) as string;
  return text;
}

/** A number as exact decimal text, whatever form it arrived in. */
export function numberText(value: number | bigint | LosslessNumber): string {
  if (typeof value === 'number')
    return Number.isInteger(value) && !Number.isSafeInteger(value) ? BigInt(value).toString() : String(value);
  return value.toString();
}
