/**
 * Values → PostgreSQL COPY text format (tab-separated, `\N` for NULL, backslash escapes). NUL
 * characters cannot be stored in text or jsonb, so they are removed from strings (documented).
 * Numbers keep their exact text: ExactNumber values are written as received.
 */
import { isExactNumber, numberText, serializeJson } from '@singer-ts/sdk';
import type { PropertySourceText } from '@singer-ts/sdk/sql';
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

/**
 * A scalar's field as PostgreSQL receives it: the COPY text field before escaping (binary COPY sends
 * this text as is). Strings lose their NULs, which text and jsonb cannot hold.
 */
export function scalarString(value: unknown): string {
  if (typeof value === 'string') return value.includes('\0') ? value.replace(/\0/g, '') : value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (isExactNumber(value)) return value.toString();
  return jsonText(value);
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

/** A loaded column as the row encoder sees it. */
export interface RowColumn {
  /** The record property read directly; undefined for columns whose value comes from `metadataValue`. */
  property: string | undefined;
  kind: ColumnClass;
  encode: Encoder;
  /**
   * For jsonb and numeric columns: the column's slot in the sink's PropertySourceText, whose source
   * text is copied as is (no re-serializing, numbers exactly as sent).
   */
  span?: number;
}

/**
 * Record → one COPY text line (with its newline), fields in column order. `source` holds the source
 * text of the spanned properties of this record (located before the call); its `plain` says the line
 * has no backslash, tab or carriage return, so nothing taken from it needs escaping.
 */
export type RowEncoder = (
  record: Record<string, unknown>,
  context: unknown,
  source: PropertySourceText,
) => string;

/** The value of a column without a record property of its own (a metadata column), by column index. */
export type MetadataValue = (index: number, record: Record<string, unknown>, context: unknown) => unknown;

/**
 * Generated code that sets `v` to column `index`'s value, for the compiled row encoders (text and
 * binary): the record property read by name, or the metadata value.
 */
export function readValueCode(property: string | undefined, index: number): string {
  return property === undefined
    ? `v = metadataValue(${index}, r, c);`
    : `v = r[${JSON.stringify(property)}];`;
}

/** A jsonb field from its JSON source text; `encode` serializes the parsed value when NULs must go. */
function sourceJsonField(text: string, plain: boolean, value: unknown, encode: Encoder): string {
  if (plain) return text;
  return text.includes('\\u0000') ? encode(value) : escapeCopyText(text);
}

/** The JSON text sourceJsonField chooses, before COPY escaping: what the jsonb column receives. */
export function sourceJsonText(text: string, plain: boolean, value: unknown): string {
  return plain || !text.includes('\\u0000') ? text : jsonText(value);
}

/**
 * Compiles the row encoder of a column list once per schema: one straight-line function that reads
 * each property by name (monomorphic property access) and handles the common value of each column
 * class inline, falling back to the column's encoder for anything else. `metadataValue(index, record,
 * context)` gives the value of columns without a direct property (metadata); `suffix` ends every line.
 */
export function compileRowEncoder(
  columns: readonly RowColumn[],
  metadataValue: MetadataValue,
  suffix: string,
): RowEncoder {
  const body: string[] = ['let v; let m; let s = ""; const plain = source.plain;'];
  columns.forEach((column, index) => {
    body.push(readValueCode(column.property, index));
    const span = column.span;
    let field: string;
    switch (column.kind) {
      case 'bigint':
        field = `typeof v === "number" && Number.isSafeInteger(v) ? "" + v : E[${index}](v)`;
        break;
      case 'boolean':
        field = `v === true ? "t" : v === false ? "f" : E[${index}](v)`;
        break;
      case 'jsonb':
        field =
          span === undefined
            ? `E[${index}](v)`
            : `(m = source.text(${span})) !== undefined ? sourceJson(m, plain, v, E[${index}]) : E[${index}](v)`;
        break;
      case 'numeric':
        field =
          span === undefined
            ? `E[${index}](v)`
            : `typeof v === "number" && (m = source.text(${span})) !== undefined ? m : E[${index}](v)`;
        break;
      default:
        field = `typeof v === "string" ? (plain || !NEEDS_ESCAPE.test(v) ? v : escapeText(v)) : E[${index}](v)`;
    }
    const separator = index === 0 ? '' : '"\\t" + ';
    body.push(`s += ${separator}(v === undefined || v === null ? NULL : ${field});`);
  });
  body.push(`return s + ${JSON.stringify(suffix)};`);
  const factory = new Function(
    'E',
    'metadataValue',
    'NEEDS_ESCAPE',
    'escapeText',
    'sourceJson',
    'NULL',
    `"use strict"; return function encodeRow(r, c, source) { ${body.join('\n')} };`,
  ) as (
    encoders: readonly Encoder[],
    get: typeof metadataValue,
    needsEscape: RegExp,
    escapeText: (text: string) => string,
    sourceJson: typeof sourceJsonField,
    nullText: string,
  ) => RowEncoder;
  return factory(
    columns.map((column) => column.encode),
    metadataValue,
    NEEDS_ESCAPE,
    escapeCopyText,
    sourceJsonField,
    NULL_TEXT,
  );
}
