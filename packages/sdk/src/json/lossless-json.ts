/**
 * Numbers that a JS double cannot hold exactly (integers beyond 2^53, decimals with many digits)
 * travel as ExactNumber, which keeps the source text. Parsing and serializing take a fast path through
 * the engine's JSON and fall back to lossless-json only for the rare line or value that needs it.
 */

import { randomUUID } from 'node:crypto';
import {
  compareLosslessNumber,
  isSafeNumber,
  LosslessNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';
import { quoteUnsafeNumbers, type RecordSpans, scanJson } from './json-scan.js';

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

/** Number text to a number, or ExactNumber when a double would change it. */
export function toExactNumber(text: string): number | ExactNumber {
  if (text.length < 16 && !/[eE]/.test(text)) return Number(text);
  return isSafeNumber(text) ? Number(text) : new ExactNumber(text);
}

/** Orders two numbers, either of which may be exact, by value. */
export function compareExactNumbers(a: number | LosslessNumber, b: number | LosslessNumber): number {
  return compareLosslessNumber(new LosslessNumber(String(a)), new LosslessNumber(String(b)));
}

/**
 * JSON.parse that never rounds a number. With `spans`, a Singer message's record properties are
 * located in the text on the way (see json-scan.ts).
 */
export function parseJson(text: string, spans?: RecordSpans): unknown {
  if (!scanJson(text, spans)) return JSON.parse(text);
  try {
    return parseLossless(text, null, toExactNumber);
  } catch (error) {
    // lossless-json refuses a name repeated with another value; JSON.parse keeps the last, and so
    // must a line that merely also holds a long number.
    if (!(error instanceof SyntaxError) || !error.message.startsWith('Duplicate key')) throw error;
    return parseWithQuotedNumbers(text);
  }
}

/** Marks the strings that stand for numbers; random, so no string in the input can pass for one. */
const NUMBER_MARK = `\u0000number:${randomUUID()}:`;

/** JSON.parse's reading of `text`, with numbers a double cannot hold as ExactNumber. */
function parseWithQuotedNumbers(text: string): unknown {
  return JSON.parse(quoteUnsafeNumbers(text, NUMBER_MARK), (_name, value: unknown) =>
    typeof value === 'string' && value.startsWith(NUMBER_MARK)
      ? toExactNumber(value.slice(NUMBER_MARK.length))
      : value,
  );
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
