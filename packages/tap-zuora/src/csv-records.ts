import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import {
  CsvFormatError,
  type CsvRowBuilder,
  type CsvRowsOptions,
  csvRowBatches,
  csvRows,
  ExactNumber,
  toUtcTimestamp,
} from '@singer-ts/sdk';
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

/** Where the last whole UTF-8 character of `bytes` ends (a character split across chunks waits for the next). */
function wholeCharacters(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * The file's bytes checked as UTF-8 (a bad byte fails instead of becoming U+FFFD) with NUL bytes removed and
 * counted; they stay bytes, which csv-parse reads without a round trip through strings. (A NUL byte is never
 * part of a multi-byte character, so removing it byte by byte is safe.)
 */
async function* withoutNul(
  source: AsyncIterable<Buffer | string>,
  counter: { n: number },
  where: { stream: string; file?: string },
): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  for await (const chunk of source) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (carry) {
      bytes = Buffer.concat([carry, bytes]);
      carry = undefined;
    }
    if (bytes.indexOf(0) !== -1) {
      const kept = bytes.filter((b) => b !== 0);
      counter.n += bytes.length - kept.length;
      bytes = Buffer.from(kept.buffer, kept.byteOffset, kept.length);
    }
    const whole = wholeCharacters(bytes);
    if (whole < bytes.length) {
      carry = Buffer.from(bytes.subarray(whole));
      bytes = bytes.subarray(0, whole);
    }
    if (!isUtf8(bytes)) throw notUtf8(where);
    yield bytes;
  }
  if (carry) throw notUtf8(where);
}

function notUtf8(where: { stream: string; file?: string }): ZuoraCsvError {
  return new ZuoraCsvError('the file is not UTF-8 text; Zuora writes result files in UTF-8', {
    stream: where.stream,
    ...(where.file ? { file: where.file } : {}),
  });
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
 * The rows of a result file as text keyed by property (headers mapped as singer-io maps them), parsed by the
 * SDK's CSV reader while the bytes arrive: an unquoted empty cell is null, a quoted one (`""`) the empty string.
 * A row with more or fewer cells than the header fails (a truncated or non-rectangular file).
 */
export function csvCells(
  source: Readable | AsyncIterable<Buffer | string>,
  o: CsvCellOptions,
): AsyncGenerator<CsvCells> {
  return readResultFile(source, o, csvRows);
}

/**
 * The rows of a result file as `plan` builds them from the cells (see csvCells), in batches of the rows one piece
 * of the download held: typed records straight from the parser with `compileCsvRecordPlan`.
 */
export function csvRowBatchesOf<R>(
  source: Readable | AsyncIterable<Buffer | string>,
  o: CsvCellOptions,
  plan: (fields: readonly string[]) => CsvRowBuilder<R>,
): AsyncGenerator<R[]> {
  return readResultFile(source, o, (bytes, options) => csvRowBatches(bytes, options, plan));
}

/** One read of a result file by the SDK's CSV reader, with Zuora's header mapping, NUL removal and errors. */
async function* readResultFile<T>(
  source: Readable | AsyncIterable<Buffer | string>,
  o: CsvCellOptions,
  read: (bytes: AsyncIterable<Buffer>, options: CsvRowsOptions) => AsyncIterable<T>,
): AsyncGenerator<T> {
  const nul = { n: 0 };
  try {
    yield* read(withoutNul(source, nul, o), {
      stream: o.stream,
      headerToField: (header) => headerToProperty(header, o.stream),
      quotedEmptyIsText: true,
      // Result files run to gigabytes: parsing beside the typing and writing nearly doubles rows/s (bench/aqua.mjs).
      inWorker: true,
    });
  } catch (e) {
    if (!(e instanceof CsvFormatError)) throw e;
    const code = (e.cause as { code?: string } | undefined)?.code;
    const message =
      code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
        ? 'a row has a different number of fields than the header (a truncated or non-rectangular file); run again to export it anew'
        : `unreadable CSV: ${e.message}`;
    const line = e.context.line;
    throw new ZuoraCsvError(
      message,
      {
        stream: o.stream,
        ...(o.file ? { file: o.file } : {}),
        ...(line === undefined ? {} : { fileLine: line }),
      },
      { cause: e },
    );
  } finally {
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
