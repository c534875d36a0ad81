/**
 * Text values (CSV cells, or scalars from a JSON cell) converted to the types a stream's JSON Schema
 * declares: integers and decimals exact (ExactNumber beyond a double), booleans, date-times in UTC,
 * JSON arrays. A value that does not fit fails naming the stream, line and field; nothing is
 * silently changed or dropped.
 */
import { SingerError } from '../errors.js';
import { isExactNumber, parseJson, toExactNumber } from '../json/lossless-json.js';
import { conformedFields } from '../schema/conform.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { normalizeTimestamp, toUtcTimestamp } from '../schema/timestamps.js';
import type { CsvRowBuilder } from './csv-rows.js';
import { withFastShape } from './csv-shape.js';

export class ValueConversionError extends SingerError {
  override readonly code: string = 'SINGER_VALUE_INVALID';
}

/** A value as read: cell text (null for empty), or a JSON scalar. */
export type RawValue = string | number | boolean | null | undefined | object;

export interface ConverterOptions {
  /** Reads a vendor's timestamp text as UTC RFC 3339 (undefined: not a timestamp); `toUtcTimestamp` unless set. */
  timestamp?: (text: string) => string | undefined;
  /** `Error` subclass to throw (a connector's own code); ValueConversionError unless set. */
  error?: new (
    message: string,
    context: Record<string, unknown>,
  ) => Error;
}

type Convert = (value: RawValue) => unknown;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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
  // Trimmed digits: what exactNumber would make of them, without its checks for NaN and Infinity.
  return toExactNumber(t);
}

function decimal(value: RawValue): unknown {
  if (typeof value === 'number') return value;
  const t = text(value).trim();
  if (!DECIMAL.test(t)) throw new Invalid(`'${t}' is not a number`);
  return toExactNumber(t);
}

function boolean(value: RawValue): boolean {
  if (typeof value === 'boolean') return value;
  const t = text(value).trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new Invalid(`'${t}' is not a boolean (true or false)`);
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

function allowsNull(schema: JSONSchema): boolean {
  const t = schema.type;
  return t === undefined || t === 'null' || (Array.isArray(t) && t.includes('null'));
}

function converterOf(schema: JSONSchema, timestamp: (text: string) => string | undefined): Convert {
  const type = baseType(schema);
  if (type === 'string' && schema.format === 'date-time') {
    return (v) => {
      if (v === '') return null;
      const t = text(v);
      const utc = timestamp(t);
      if (utc === undefined) throw new Invalid(`'${t}' is not a date or date-time`);
      return utc;
    };
  }
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

interface Field {
  name: string;
  convert: Convert;
  nullable: boolean;
  /** Converted by the default timestamp reader, whose output is already UTC RFC 3339. */
  utc: boolean;
}

function schemaFields(schema: JSONSchema, timestamp: (text: string) => string | undefined): Field[] {
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    convert: converterOf(s, timestamp),
    nullable: allowsNull(s),
    utc: timestamp === toUtcTimestamp && baseType(s) === 'string' && s.format === 'date-time',
  }));
}

function failure(stream: string, options: ConverterOptions) {
  const ErrorClass = options.error ?? ValueConversionError;
  return (message: string, field: string, line: number | undefined) =>
    new ErrorClass(message, { stream, field, ...(line === undefined ? {} : { line }) });
}

/** Converts one value of `field`, failing with the stream, field and line. */
function convertField(
  field: Field,
  value: RawValue,
  line: number | undefined,
  fail: ReturnType<typeof failure>,
): unknown {
  let converted: unknown;
  try {
    converted = value === null || value === undefined ? null : field.convert(value);
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    throw fail(e.message, field.name, line);
  }
  if (converted === null && !field.nullable)
    throw fail('is empty, but the schema requires a value', field.name, line);
  return converted;
}

export interface CsvRecordOptions extends ConverterOptions {
  /**
   * The schema the records are emitted with (a run's selected schema, `StreamContext.schema`);
   * `schema` unless set. Records hold only its properties, in the order and with the shapes of the
   * Tap's conformer (`conformedFields`): exactly what the conformer would make of them, so a stream
   * built on this may set `conformedRecords`. Columns only `schema` has are read past.
   */
  emitSchema?: JSONSchema;
}

/**
 * Typed records straight from a file's cells (see `csvRowBatches`), planned once per file from its
 * header: each column gets its field's converter, the way `compileRecordConverter` converts, with no
 * row object between. A header column the schema lacks fails (discovery is out of date).
 */
export function compileCsvRecordPlan(
  stream: string,
  schema: JSONSchema,
  options: CsvRecordOptions = {},
): (header: readonly string[]) => CsvRowBuilder<Record<string, unknown>> {
  const fields = new Map(schemaFields(schema, options.timestamp ?? toUtcTimestamp).map((f) => [f.name, f]));
  const emitted = options.emitSchema ?? schema;
  const order =
    conformedFields(emitted) ??
    Object.keys(emitted.properties ?? {}).map((name) => ({ name, shape: undefined }));
  const fail = failure(stream, options);
  return (header) => {
    const column = new Map<string, number>();
    header.forEach((name, index) => {
      if (!fields.has(name))
        throw fail(`'${name}' is not in the stream's schema; run discovery again`, name, 1);
      column.set(name, index);
    });
    const steps = order
      .filter(({ name }) => column.has(name))
      .map(({ name, shape }) => {
        const field = fields.get(name)!;
        // The default timestamp reader already writes what normalizeTimestamp would.
        return {
          field,
          index: column.get(name)!,
          shape: field.utc && shape === normalizeTimestamp ? undefined : shape,
        };
      });
    // Kept alive so the engine keeps the shape the records share.
    const shape = withFastShape(steps.map((step) => step.field.name));
    return (cells, line) => {
      void shape;
      const record: Record<string, unknown> = {};
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i]!;
        const value = convertField(step.field, cells[step.index], line, fail);
        record[step.field.name] = step.shape === undefined ? value : step.shape(value);
      }
      return record;
    };
  };
}

/**
 * A converter from raw values keyed by property to a record typed by `schema`, compiled once per
 * stream. Empty strings stay empty in string fields and are null elsewhere; a key the schema lacks
 * fails (discovery is out of date), as does null in a field that does not allow it.
 */
export function compileRecordConverter(
  stream: string,
  schema: JSONSchema,
  options: ConverterOptions = {},
): (raw: Record<string, RawValue>, line?: number) => Record<string, unknown> {
  const fields = schemaFields(schema, options.timestamp ?? toUtcTimestamp);
  const position = new Map(fields.map((f, i) => [f.name, i]));
  const fail = failure(stream, options);
  // Rows of one file all carry the same keys in the same order, so the keys are checked against the
  // schema once and the plan (which value goes through which field's converter, in schema order) is
  // reused while the next row's keys are the same strings.
  interface Plan {
    keys: readonly string[];
    steps: { field: (typeof fields)[number]; index: number }[];
    /** Kept alive so the engine keeps the shape the records share. */
    shape: object;
  }
  let plan: Plan = { keys: [], steps: [], shape: {} };
  const planFor = (keys: string[], line: number | undefined) => {
    const known = plan.keys;
    if (keys.length === known.length && keys.every((k, i) => k === known[i])) return plan.steps;
    const next: Plan['steps'] = [];
    keys.forEach((key, index) => {
      const at = position.get(key);
      if (at === undefined)
        throw fail(`'${key}' is not in the stream's schema; run discovery again`, key, line);
      next.push({ field: fields[at]!, index });
    });
    next.sort((a, b) => position.get(a.field.name)! - position.get(b.field.name)!);
    plan = { keys, steps: next, shape: withFastShape(next.map((step) => step.field.name)) };
    return next;
  };
  return (raw, line) => {
    const steps = planFor(Object.keys(raw), line);
    const values = Object.values(raw);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < steps.length; i++) {
      const { field, index } = steps[i]!;
      out[field.name] = convertField(field, values[index], line, fail);
    }
    return out;
  };
}
