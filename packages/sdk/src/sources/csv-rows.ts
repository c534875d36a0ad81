/**
 * Rows of an export file (CSV, TSV, …) parsed by csv-parse while the bytes arrive, never the whole
 * file in memory. Quoted cells keep their newlines (LF, CRLF), stray CRs, NUL bytes and doubled
 * quotes exactly; multi-byte characters split across chunks are decoded whole.
 */
import { availableParallelism } from 'node:os';
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { SingerError } from '../errors.js';
import { withFastShape } from './csv-shape.js';
import { workerRowBatches } from './csv-worker-rows.js';

/** A file that is not valid delimited text (bad quoting, a duplicate or empty header). */
export class CsvFormatError extends SingerError {
  override readonly code: string = 'SINGER_CSV_FORMAT';
}

export interface CsvRowsOptions {
  /** Named in errors. */
  stream: string;
  /** `,` unless set. */
  delimiter?: string;
  /**
   * Header text → field name (the inverse of a vendor's column renaming; other headers stay), or a
   * function naming the field of each header.
   */
  headerToField?: Readonly<Record<string, string>> | ((header: string) => string);
  /** Cell texts read as null (the empty cell, a vendor's `null`); `['']` unless set. */
  nullCells?: readonly string[];
  /**
   * A quoted empty cell (`""`) is the empty string, not null, while an unquoted one stays null (Zuora
   * writes an empty value as `""` and a missing one as nothing). Costs csv-parse's raw text of each
   * record (about a tenth more parse time); only rows holding `""` are looked at again.
   */
  quotedEmptyIsText?: boolean;
  /**
   * Parse in a worker thread while this thread builds the rows and the reader emits them: about 1.5-2x
   * the rows/s on a machine with a core to spare (see `csv-worker-rows.ts`). For large files: the worker
   * (one per process, shared by every file) takes some 30 ms to start. Ignored where Node sees one core.
   */
  inWorker?: boolean;
}

/** What the parse itself needs: plain data, so a worker thread can be given it. */
export type CsvParseOptions = Pick<
  CsvRowsOptions,
  'stream' | 'delimiter' | 'nullCells' | 'quotedEmptyIsText'
>;

export interface CsvRow {
  /**
   * The file line the row ends on (1-based; the header is line 1), counting LF line breaks (a CRLF is
   * one break, a stray CR none), quoted newlines included.
   */
  line: number;
  /** Field name → cell text, null for the `nullCells`. */
  values: Record<string, string | null>;
}

/**
 * Builds one row from its cells (null for the `nullCells`, `""` for a quoted empty cell when
 * `quotedEmptyIsText`) and the file line it ends on; made once per file from the header's field names.
 */
export type CsvRowBuilder<R> = (cells: (string | null)[], line: number) => R;

/** The rows after the header; a header-only file and an empty body both give none. */
export async function* csvRows(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvRowsOptions,
): AsyncGenerator<CsvRow> {
  const planRows = (fields: readonly string[]): CsvRowBuilder<CsvRow> => {
    // Kept alive so the engine keeps the shape that the row objects below share.
    const shape = withFastShape(fields);
    return (cells, line) => {
      void shape;
      const values: Record<string, string | null> = {};
      for (let i = 0; i < fields.length; i++) values[fields[i] as string] = cells[i] ?? null;
      return { line, values };
    };
  };
  for await (const batch of csvRowBatches(input, options, planRows)) for (const row of batch) yield row;
}

/**
 * The rows after the header, each built by the builder `plan` makes from the header's field names
 * (typed records straight from the cells, with no row object between), in batches: the rows one
 * piece of input held, so a reader takes one async step per batch rather than per row.
 */
export function csvRowBatches<R>(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvRowsOptions,
  plan: (fields: readonly string[]) => CsvRowBuilder<R>,
): AsyncGenerator<R[]> {
  const parse: CsvParseOptions = {
    stream: options.stream,
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    ...(options.nullCells === undefined ? {} : { nullCells: options.nullCells }),
    ...(options.quotedEmptyIsText === undefined ? {} : { quotedEmptyIsText: options.quotedEmptyIsText }),
  };
  const start = (header: string[]): CsvRowBuilder<R> => plan(readHeader(header, options));
  // With one core the two threads would take turns, paying the hand-over for nothing.
  return options.inWorker === true && availableParallelism() > 1
    ? workerRowBatches(input, parse, start)
    : parsedRowBatches(input, parse, start);
}

/**
 * The parse behind `csvRowBatches`, in whichever thread runs it: `start` gets the header's cells and
 * returns the builder of the rows after it.
 */
export async function* parsedRowBatches<R>(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvParseOptions,
  start: (header: string[]) => CsvRowBuilder<R>,
): AsyncGenerator<R[]> {
  // csv-parse's `info` option would give line numbers, but costs a copied info object per record
  // (about a fifth of the reader's own time, profiled at 100k Marketo leads); every record ends on a
  // line break and a blank line is a format error, so counting the LFs in the cells gives the same line.
  const delimiter = options.delimiter ?? ',';
  const withRaw = options.quotedEmptyIsText === true;
  const parser = parse({ delimiter, record_delimiter: ['\r\n', '\n'], bom: true, raw: withRaw });
  const isNull = nullTest(options.nullCells ?? ['']);
  // pipeline carries backpressure from the parser to the source, a source error into the iteration
  // below, and destroys the source when the reader stops early.
  let sourceError: unknown;
  pipeline(input instanceof Readable ? input : Readable.from(input), parser, (error) => {
    sourceError = error;
  });
  let build: CsvRowBuilder<R> | undefined;
  let line = 0;
  try {
    for await (const first of parser as AsyncIterable<string[] | RawRecord>) {
      // The records the parser already holds are taken at once (read() gives them without waiting).
      const batch: R[] = [];
      for (let item: string[] | RawRecord | null = first; item !== null; item = parser.read()) {
        const cells: (string | null)[] = withRaw ? (item as RawRecord).record : (item as string[]);
        line += 1;
        if (build === undefined) {
          line += lineBreaksIn(cells as string[]);
          build = start(cells as string[]);
          continue;
        }
        const raw = withRaw ? (item as RawRecord).raw : undefined;
        // The raw text tells at once whether any cell holds a line break (most hold none).
        const countBreaks = raw === undefined || hasInnerLineBreak(raw);
        let quoted: ReadonlySet<number> | undefined;
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i] as string;
          if (isNull(cell)) {
            if (cell === '' && raw !== undefined) quoted ??= quotedEmptyCells(raw, delimiter);
            cells[i] = quoted?.has(i) ? '' : null;
          } else if (countBreaks && cell.includes('\n')) line += lineBreaksIn([cell]);
        }
        let row: R;
        try {
          row = build(cells, line);
        } catch (e) {
          // The rows before a bad one still go out, as they would one by one.
          if (batch.length > 0) yield batch;
          throw e;
        }
        batch.push(row);
      }
      if (batch.length > 0) yield batch;
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const at = (e as CsvError & { lines?: number }).lines;
      throw new CsvFormatError(
        `${e.message} (${e.code})`,
        { stream: options.stream, ...(typeof at === 'number' ? { line: at } : {}) },
        { cause: e },
      );
    }
    // The source's own error (a download that failed) says more than the parser's "premature close".
    throw sourceError instanceof Error ? sourceError : e;
  }
}

interface RawRecord {
  record: string[];
  raw: string;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * The positions of the cells written `""` in one record's raw text. csv-parse tells quoting only to a
 * per-cell `cast` hook (about 20x the parse time); records without two quotes in a row (most) need no
 * look, the rest get this walk over their cell boundaries, trusting the quoting the parser checked.
 */
export function quotedEmptyCells(raw: string, delimiter = ','): ReadonlySet<number> {
  if (!raw.includes('""')) return NONE;
  const out = new Set<number>();
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === '\n' || raw[end - 1] === '\r')) end--;
  let cell = 0;
  let i = 0;
  while (i <= end) {
    if (raw[i] === '"') {
      const start = i++;
      while (i < end) {
        if (raw[i] !== '"') i++;
        else if (raw[i + 1] === '"') i += 2;
        else break;
      }
      i++;
      if (i - start === 2) out.add(cell);
    }
    while (i < end && !raw.startsWith(delimiter, i)) i++;
    cell++;
    i += delimiter.length;
  }
  return out;
}

/**
 * A test for the null cells that looks at the length first: hashing every cell for a Set lookup
 * reads whole long cells (notes, addresses) only to find they are not `null`.
 */
function nullTest(nullCells: readonly string[]): (cell: string) => boolean {
  const texts = new Set(nullCells);
  const longest = Math.max(...nullCells.map((c) => c.length));
  return (cell) => cell.length <= longest && texts.has(cell);
}

/**
 * Whether a record's raw text (as csv-parse gives it: ending in the LF of an LF break, the CR of a
 * CRLF, or nothing at the end of the file) holds an LF inside a cell: one before its last character.
 */
function hasInnerLineBreak(raw: string): boolean {
  const lf = raw.indexOf('\n');
  return lf !== -1 && lf !== raw.length - 1;
}

function lineBreaksIn(cells: readonly string[]): number {
  let breaks = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) breaks += 1;
  }
  return breaks;
}

function readHeader(record: string[], options: CsvRowsOptions): string[] {
  const seen = new Set<string>();
  return record.map((h, i) => {
    if (h === '')
      throw new CsvFormatError(`header cell ${i + 1} is empty`, { stream: options.stream, line: 1 });
    const rename = options.headerToField;
    const name = typeof rename === 'function' ? rename(h) : (rename?.[h] ?? h);
    if (seen.has(name))
      throw new CsvFormatError(`column '${name}' appears twice in the header`, {
        stream: options.stream,
        line: 1,
      });
    // A plain object would take `values.__proto__ = …` as a prototype change and drop the column.
    if (name === '__proto__')
      throw new CsvFormatError(`column '__proto__' cannot be read as a field`, {
        stream: options.stream,
        line: 1,
      });
    seen.add(name);
    return name;
  });
}
