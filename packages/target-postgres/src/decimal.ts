/**
 * Decimal number text → the parts of PostgreSQL's binary `numeric` (base-10000 digits, weight, sign,
 * display scale), exactly as `numeric_in` would store the same text: every digit kept, and the
 * display scale (`1.50` keeps 2, `1e-7` gets 7, `1E+20` 0) computed the way numeric_in computes it.
 * Text outside the JSON number grammar (leading zeros allowed, which numeric_in drops), or whose size
 * is anywhere near numeric's limits, is refused (undefined): the caller loads it as COPY text instead,
 * so PostgreSQL itself decides.
 */

/**
 * Far inside numeric's own limits (weight within int16, display scale at most 16383): values beyond
 * these are so rare that they are left to PostgreSQL's text input and its errors.
 */
const MAX_GROUPS = 1000;
const MAX_SCALE = 4000;
const MAX_EXPONENT_DIGITS = 6;

export const NUMERIC_POSITIVE = 0x0000;
export const NUMERIC_NEGATIVE = 0x4000;

export interface NumericParts {
  sign: typeof NUMERIC_POSITIVE | typeof NUMERIC_NEGATIVE;
  /** Power of 10000 of the first digit. */
  weight: number;
  /** Decimal digits shown after the point. */
  scale: number;
  /** Base-10000 digits without leading or trailing zero digits; none for zero. */
  digits: number[];
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
/** The value of a decimal digit at each place of a base-10000 digit. */
const PLACE = [1, 10, 100, 1000];

export function decimalParts(text: string): NumericParts | undefined {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; /* - */
  let at = negative ? 1 : 0;
  const integerStart = at;
  while (at < length && isDigit(text.charCodeAt(at))) at += 1;
  const integerDigits = at - integerStart;
  if (integerDigits === 0) return undefined;
  let fractionStart = at;
  let fractionDigits = 0;
  if (text.charCodeAt(at) === 46 /* . */) {
    fractionStart = at + 1;
    at = fractionStart;
    while (at < length && isDigit(text.charCodeAt(at))) at += 1;
    fractionDigits = at - fractionStart;
    if (fractionDigits === 0) return undefined;
  }
  let exponent = 0;
  const e = text.charCodeAt(at);
  if (e === 101 /* e */ || e === 69 /* E */) {
    at += 1;
    const sign = text.charCodeAt(at);
    if (sign === 43 /* + */ || sign === 45 /* - */) at += 1;
    const exponentStart = at;
    while (at < length && isDigit(text.charCodeAt(at))) exponent = exponent * 10 + text.charCodeAt(at++) - 48;
    if (at === exponentStart || at - exponentStart > MAX_EXPONENT_DIGITS) return undefined;
    if (sign === 45) exponent = -exponent;
  }
  if (at !== length) return undefined;
  // numeric_in: digits after the point, minus the exponent, never below 0.
  const scale = Math.max(0, fractionDigits - exponent);
  if (scale > MAX_SCALE) return undefined;
  // The digits as one sequence (integer part, then fraction): digit i stands for 10^(point - 1 - i)
  // and is at text[i + integerStart] or, in the fraction, text[i + fractionShift].
  const count = integerDigits + fractionDigits;
  const fractionShift = fractionStart - integerDigits;
  const codeAt = (i: number): number =>
    text.charCodeAt(i < integerDigits ? i + integerStart : i + fractionShift);
  const point = integerDigits + exponent;
  let first = 0;
  while (first < count && codeAt(first) === 48) first += 1;
  let last = count - 1;
  while (last >= first && codeAt(last) === 48) last -= 1;
  if (first > last) return { sign: NUMERIC_POSITIVE, weight: 0, scale, digits: [] };
  // Base-10000 group of decimal digit i: floor((point - 1 - i) / 4), counted from the point.
  const weight = Math.floor((point - 1 - first) / 4);
  const lastGroup = Math.floor((point - 1 - last) / 4);
  if (weight > MAX_GROUPS || lastGroup < -MAX_GROUPS || weight - lastGroup >= MAX_GROUPS) return undefined;
  const digits: number[] = [];
  let digit = 0;
  let group = weight;
  for (let i = first; i <= last; i += 1) {
    const power = point - 1 - i;
    const at = Math.floor(power / 4);
    if (at !== group) {
      digits.push(digit);
      // Whole groups of zeros in between.
      for (let zero = group - 1; zero > at; zero -= 1) digits.push(0);
      digit = 0;
      group = at;
    }
    digit += (codeAt(i) - 48) * (PLACE[power - 4 * at] as number);
  }
  digits.push(digit);
  return { sign: negative ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE, weight, scale, digits };
}
