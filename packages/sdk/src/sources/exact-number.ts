/** Decimal text from a database or a SOAP body as a JSON number that keeps every digit. */
import { type ExactNumber, toExactNumber } from '../json/lossless-json.js';

/** A plain number when a double holds the value exactly, else ExactNumber; null for NaN and ±Infinity. */
export function exactNumber(text: string): number | ExactNumber | null {
  // numeric and float columns can hold NaN and ±Infinity, which JSON cannot.
  const trimmed = text.trim();
  if (!/\d/.test(trimmed) || /inf/i.test(trimmed)) return null;
  return toExactNumber(trimmed);
}
