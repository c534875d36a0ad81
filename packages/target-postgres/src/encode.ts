/**
 * Values → PostgreSQL COPY text format (tab-separated, `\N` for NULL, backslash escapes). NUL
 * characters cannot be stored in text or jsonb, so they are removed from strings (documented).
 * Numbers keep their exact text: ExactNumber values are written as received.
 */
import { isExactNumber, numberText, serializeJson } from '@singer-ts/sdk';
import type { ColumnClass } from './types.js';

export const NULL_TEXT = '\\N';

const NEEDS_ESCAPE = /[\\\n\r\t\0]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '' };

export function escapeCopyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t\0]/g, (char) => ESCAPES[char] as string) : text;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** An encoder returns the field text, or throws; `onOverflow` is told when an integer needs numeric. */
export type Encoder = (value: unknown) => string;

function stripNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replace(/\0/g, '') : value;
  if (Array.isArray(value)) return value.map(stripNul);
  if (typeof value === 'object' && value !== null && !isExactNumber(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key.replace(/\0/g, '')] = stripNul(item);
    return out;
  }
  return value;
}

/** JSON text for a jsonb column: PostgreSQL rejects the \u0000 escape, so NULs are removed first. */
export function jsonText(value: unknown): string {
  const text = serializeJson(value);
  return text.includes('\\u0000') ? serializeJson(stripNul(value)) : text;
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return escapeCopyText(value);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (isExactNumber(value)) return value.toString();
  return escapeCopyText(jsonText(value));
}

export function encoderFor(kind: ColumnClass, onOverflow: () => void): Encoder {
  switch (kind) {
    case 'jsonb':
      return (value) => escapeCopyText(jsonText(value));
    case 'bigint':
      return (value) => {
        if (typeof value === 'number') {
          if (Number.isSafeInteger(value)) return String(value);
          if (Number.isInteger(value)) onOverflowIfOutside(BigInt(value), onOverflow);
          return numberText(value);
        }
        if (isExactNumber(value)) {
          const text = value.toString();
          if (/^-?\d+$/.test(text)) onOverflowIfOutside(BigInt(text), onOverflow);
          return text;
        }
        return scalarText(value);
      };
    case 'boolean':
      return (value) => (value === true ? 't' : value === false ? 'f' : scalarText(value));
    default:
      return scalarText;
  }
}

function onOverflowIfOutside(value: bigint, onOverflow: () => void): void {
  if (value > INT64_MAX || value < INT64_MIN) onOverflow();
}
