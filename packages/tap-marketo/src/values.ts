import { exactNumber, isExactNumber, type JSONSchema, parseJson, toUtcTimestamp } from '@singer-ts/sdk';
import { MarketoValueError } from './errors.js';

/** A value as read: CSV text (null for Marketo's empty), or a JSON scalar from `attributes`. */
export type RawValue = string | number | boolean | null | undefined | object;

type Convert = (value: RawValue) => unknown;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

class Invalid extends Error {}

function text(value: RawValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || isExactNumber(value)) return String(value);
  throw new Invalid(`expected text, got ${JSON.stringify(value)}`);
}

function integer(value: RawValue): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const t = text(value).trim();
  if (!INTEGER.test(t)) throw new Invalid(`'${t}' is not an integer`);
  return exactNumber(t);
}

/** Decimals keep every digit: beyond what a double holds they travel as ExactNumber. */
function decimal(value: RawValue): unknown {
  if (typeof value === 'number') return value;
  const t = text(value).trim();
  if (!DECIMAL.test(t)) throw new Invalid(`'${t}' is not a number`);
  return exactNumber(t);
}

function boolean(value: RawValue): boolean {
  if (typeof value === 'boolean') return value;
  const t = text(value).trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new Invalid(`'${t}' is not a boolean (true or false)`);
}

/**
 * UTC RFC 3339 from any Marketo timestamp: `2024-05-01T12:00:00Z`, `…+0000`, `…-05:00`, the Asset API's
 * `2015-05-21T22:45:13Z+0000`, and dates (`2024-05-01`, read as midnight UTC).
 */
export function marketoTimestamp(raw: string): string | undefined {
  const t = raw.trim();
  if (DATE_ONLY.test(t)) return toUtcTimestamp(`${t}T00:00:00Z`);
  return toUtcTimestamp(/Z[+-]\d{2}:?\d{2}$/.test(t) ? t.replace('Z', '') : t);
}

function dateTime(value: RawValue): string {
  const t = text(value);
  const utc = marketoTimestamp(t);
  if (utc === undefined) throw new Invalid(`'${t}' is not a date or date-time`);
  return utc;
}

function array(value: RawValue): unknown {
  if (Array.isArray(value)) return value;
  const t = text(value).trim();
  if (!t.startsWith('[')) throw new Invalid(`'${t.slice(0, 40)}' is not a JSON array`);
  return parseJson(t);
}

function baseType(schema: JSONSchema): string {
  const t = schema.type;
  const types = t === undefined ? [] : Array.isArray(t) ? t : [t];
  return types.find((x) => x !== 'null') ?? 'any';
}

function converterOf(schema: JSONSchema): Convert {
  const type = baseType(schema);
  if (type === 'string' && schema.format === 'date-time') return (v) => (v === '' ? null : dateTime(v));
  switch (type) {
    case 'string':
      return (v) => text(v);
    case 'integer':
      return (v) => (v === '' ? null : integer(v));
    case 'number':
      return (v) => (v === '' ? null : decimal(v));
    case 'boolean':
      return (v) => (v === '' ? null : boolean(v));
    case 'array':
      return (v) => (v === '' ? null : array(v));
    default:
      return (v) => v;
  }
}

function allowsNull(schema: JSONSchema): boolean {
  const t = schema.type;
  return t === undefined || t === 'null' || (Array.isArray(t) && t.includes('null'));
}

/**
 * A converter from raw values (CSV text or JSON scalars, keyed by property) to a record typed by the
 * stream's schema. Empty strings stay empty strings in string fields and are null elsewhere; a value that
 * does not fit fails with the stream, line and field named, never silently changed or dropped.
 */
export function compileRecordConverter(
  stream: string,
  schema: JSONSchema,
): (raw: Record<string, RawValue>, line?: number) => Record<string, unknown> {
  const fields = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    convert: converterOf(s),
    nullable: allowsNull(s),
  }));
  const known = new Set(fields.map((f) => f.name));
  return (raw, line) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
      if (!known.has(key)) {
        throw new MarketoValueError(`'${key}' is not in the stream's schema; run discovery again`, {
          stream,
          field: key,
          ...(line === undefined ? {} : { line }),
        });
      }
    }
    for (const f of fields) {
      if (!(f.name in raw)) continue;
      const value = raw[f.name];
      let converted: unknown;
      try {
        converted = value === null || value === undefined ? null : f.convert(value);
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        throw new MarketoValueError(e.message, {
          stream,
          field: f.name,
          ...(line === undefined ? {} : { line }),
        });
      }
      if (converted === null && !f.nullable) {
        throw new MarketoValueError('is empty, but the schema requires a value', {
          stream,
          field: f.name,
          ...(line === undefined ? {} : { line }),
        });
      }
      out[f.name] = converted;
    }
    return out;
  };
}
