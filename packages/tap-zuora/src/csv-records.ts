import type { Readable } from 'node:stream';
import { ExactNumber, toUtcTimestamp } from '@singer-ts/sdk';
import { type CastingContext, parse } from 'csv-parse';
import { ZuoraCsvError } from './errors.js';

/**
 * Typed records from an AQuA or REST export CSV, parsed by csv-parse while the file arrives. Headers map the way
 * singer-io/tap-zuora maps them (`Account.Name` → `Name` on the Account stream, `BillToContact.Id` →
 * `BillToContactId`). Values: an unquoted empty field is null, a quoted one the empty string; integers and
 * decimals keep their exact digits; booleans from `true`/`false` (`1`/`0` for a Numeric deleted flag); date-times
 * with any offset become UTC `…Z`; dates become midnight UTC date-times, as that tap's schema declares them.
 */

export function headerToProperty(header: string, stream: string): string {
  const dot = header.indexOf('.');
  if (dot > 0 && header.slice(0, dot) === stream) return header.slice(dot + 1);
  return header.replaceAll('.', '');
}

export interface CsvRecordOptions extends CsvCellOptions {
  /** Describe type per property (`text`, `decimal`, …, `deleted`); properties not listed are kept as text. */
  types: ReadonlyMap<string, string>;
}

type Value = string | number | boolean | ExactNumber | null;

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function significantDigits(text: string): number {
  return text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '').length;
}

/** A number when a double holds it exactly, an ExactNumber otherwise. */
function exact(text: string): number | ExactNumber {
  return significantDigits(text) <= 15 ? Number(text) : new ExactNumber(text);
}

export function convertValue(raw: string | null, type: string): Value {
  if (raw === null) return null;
  switch (type) {
    case 'integer':
      if (!INTEGER.test(raw)) throw new TypeError(`"${raw}" is not an integer`);
      return exact(raw);
    case 'decimal':
      if (!DECIMAL.test(raw)) throw new TypeError(`"${raw}" is not a decimal`);
      return exact(raw);
    case 'boolean':
    case 'deleted': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw new TypeError(`"${raw}" is not a boolean`);
    }
    case 'datetime': {
      const utc = toUtcTimestamp(raw);
      if (!utc) throw new TypeError(`"${raw}" is not a date-time`);
      return utc;
    }
    case 'date':
      if (DATE.test(raw)) return `${raw}T00:00:00Z`;
      {
        const utc = toUtcTimestamp(raw);
        if (!utc) throw new TypeError(`"${raw}" is not a date`);
        return utc;
      }
    default:
      return raw;
  }
}

/** Removes NUL bytes chunk by chunk, counting them. */
async function* withoutNul(
  source: AsyncIterable<Buffer | string>,
  counter: { n: number },
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.includes('\u0000')) {
      counter.n += text.split('\u0000').length - 1;
      yield text.replaceAll('\u0000', '');
    } else yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

export interface CsvCellOptions {
  stream: string;
  /** Named in errors, e.g. the file id. */
  file?: string;
  /** Called once per file when NUL bytes were removed (Zuora files sometimes carry them). */
  onNulBytes?: (count: number) => void;
}

/** One data row of a result file: property → cell text, null for an unquoted empty cell. */
export interface CsvCells {
  /** The file line the row ends on (the header is line 1). */
  line: number;
  values: Record<string, string | null>;
}

/**
 * The rows of a result file as text keyed by property (headers mapped as singer-io maps them), parsed while the
 * bytes arrive. A row with more or fewer cells than the header fails (a truncated or non-rectangular file).
 */
export async function* csvCells(
  source: Readable | AsyncIterable<Buffer | string>,
  o: CsvCellOptions,
): AsyncGenerator<CsvCells> {
  const nul = { n: 0 };
  const parser = parse({
    // The quoting flag tells an empty quoted field ('') from an empty unquoted one (null).
    cast: (value: string, ctx: CastingContext) =>
      (value === '' && !ctx.quoting ? null : value) as unknown as string,
    relax_column_count: false,
    bom: true,
    // Each record comes with its own line numbers: the parser reads ahead of the consumer.
    info: true,
  });
  const feeding = (async () => {
    try {
      for await (const text of withoutNul(source, nul)) {
        if (parser.destroyed) break;
        if (!parser.write(text)) {
          // A consumer that stops early destroys the parser: stop feeding instead of waiting for a drain.
          await new Promise<void>((resolve) => {
            const done = () => {
              parser.off('drain', done);
              parser.off('close', done);
              resolve();
            };
            parser.on('drain', done);
            parser.on('close', done);
          });
        }
      }
      if (!parser.destroyed) parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  let properties: string[] | null = null;
  try {
    for await (const { record: row, info } of parser as AsyncIterable<{
      record: (string | null)[];
      info: { lines: number };
    }>) {
      if (!properties) {
        properties = row.map((h) => headerToProperty(h ?? '', o.stream));
        continue;
      }
      const values: Record<string, string | null> = {};
      for (let i = 0; i < properties.length; i++) values[properties[i]!] = row[i] ?? null;
      yield { line: info.lines, values };
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message =
      code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
        ? 'a row has a different number of fields than the header (a truncated or non-rectangular file); run again to export it anew'
        : `unreadable CSV: ${(e as Error).message}`;
    throw new ZuoraCsvError(
      message,
      {
        stream: o.stream,
        ...(o.file ? { file: o.file } : {}),
        fileLine: (parser.info as { lines: number }).lines,
      },
      { cause: e },
    );
  } finally {
    parser.destroy();
    await feeding;
    if (nul.n > 0) o.onNulBytes?.(nul.n);
  }
}

/** Typed records of a result file by Describe type (see `convertValue`). */
export async function* csvRecords(
  source: Readable | AsyncIterable<Buffer | string>,
  o: CsvRecordOptions,
): AsyncGenerator<Record<string, Value>> {
  for await (const { line, values } of csvCells(source, o)) {
    const record: Record<string, Value> = {};
    for (const [property, raw] of Object.entries(values)) {
      try {
        record[property] = convertValue(raw, o.types.get(property) ?? 'text');
      } catch (e) {
        throw new ZuoraCsvError(
          `${(e as Error).message}; the file does not match the stream's Describe types`,
          {
            stream: o.stream,
            ...(o.file ? { file: o.file } : {}),
            fileLine: line,
            field: property,
          },
        );
      }
    }
    yield record;
  }
}
