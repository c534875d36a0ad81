/**
 * Rows of an export file (CSV, TSV, …) parsed by csv-parse while the bytes arrive, never the whole
 * file in memory. Quoted cells keep their newlines (LF, CRLF), stray CRs, NUL bytes and doubled
 * quotes exactly; multi-byte characters split across chunks are decoded whole.
 */
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { SingerError } from '../errors.js';

/** A file that is not valid delimited text (bad quoting, a duplicate or empty header). */
export class CsvFormatError extends SingerError {
  override readonly code: string = 'SINGER_CSV_FORMAT';
}

export interface CsvRowsOptions {
  /** Named in errors. */
  stream: string;
  /** `,` unless set. */
  delimiter?: string;
  /** Header text → field name (the inverse of a vendor's column renaming); other headers stay. */
  headerToField?: Readonly<Record<string, string>>;
  /** Cell texts read as null (the empty cell, a vendor's `null`); `['']` unless set. */
  nullCells?: readonly string[];
}

export interface CsvRow {
  /** The file line the row ends on (1-based; the header is line 1). */
  line: number;
  /** Field name → cell text, null for the `nullCells`. */
  values: Record<string, string | null>;
}

/** The rows after the header; a header-only file and an empty body both give none. */
export async function* csvRows(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvRowsOptions,
): AsyncGenerator<CsvRow> {
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    record_delimiter: ['\r\n', '\n'],
    bom: true,
    info: true,
  });
  const nulls = new Set(options.nullCells ?? ['']);
  // pipeline carries backpressure from the parser to the source, a source error into the iteration
  // below, and destroys the source when the reader stops early.
  let sourceError: unknown;
  pipeline(Readable.from(input), parser, (error) => {
    sourceError = error;
  });
  let header: string[] | null = null;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (header === null) {
        header = readHeader(record, options);
        continue;
      }
      const values: Record<string, string | null> = {};
      for (let i = 0; i < header.length; i++) {
        const cell = record[i];
        values[header[i] as string] = cell === undefined || nulls.has(cell) ? null : cell;
      }
      yield { line: info.lines, values };
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new CsvFormatError(`${e.message} (${e.code})`, {
        stream: options.stream,
        ...(typeof line === 'number' ? { line } : {}),
      });
    }
    // The source's own error (a download that failed) says more than the parser's "premature close".
    throw sourceError instanceof Error ? sourceError : e;
  }
}

function readHeader(record: string[], options: CsvRowsOptions): string[] {
  const seen = new Set<string>();
  return record.map((h, i) => {
    if (h === '')
      throw new CsvFormatError(`header cell ${i + 1} is empty`, { stream: options.stream, line: 1 });
    const name = options.headerToField?.[h] ?? h;
    if (seen.has(name))
      throw new CsvFormatError(`column '${name}' appears twice in the header`, {
        stream: options.stream,
        line: 1,
      });
    seen.add(name);
    return name;
  });
}
