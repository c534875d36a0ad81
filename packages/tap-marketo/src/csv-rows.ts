import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { MarketoCsvError } from './errors.js';

export type ExportFormat = 'CSV' | 'TSV' | 'SSV';
const DELIMITERS: Record<ExportFormat, string> = { CSV: ',', TSV: '\t', SSV: ' ' };

export interface CsvRowsOptions {
  /** Named in errors. */
  stream: string;
  format?: ExportFormat;
  /** Header text → field name, the inverse of the job's `columnHeaderNames`; other headers are field names. */
  headerToField?: Record<string, string>;
}

export interface CsvRow {
  /** The file line the row ends on (1-based; the header is line 1). */
  line: number;
  /** Field name → cell text; null for Marketo's literal `null` and for empty cells. */
  values: Record<string, string | null>;
}

/**
 * Rows of a Marketo bulk export file, parsed by csv-parse while the bytes arrive (never the whole file in
 * memory). Quoted cells keep their newlines (LF, CRLF), stray CRs, NUL bytes and doubled quotes exactly;
 * multi-byte characters split across chunks are decoded whole; `null`, `""` and an empty cell are null.
 * A header-only file and an empty body both give no rows.
 */
export async function* csvRows(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvRowsOptions,
): AsyncGenerator<CsvRow> {
  const parser = parse({
    delimiter: DELIMITERS[options.format ?? 'CSV'],
    record_delimiter: ['\r\n', '\n'],
    bom: true,
    info: true,
  });
  // pipeline carries backpressure from the parser to the source, a source error into the iteration
  // below, and destroys the source when the reader stops early.
  pipeline(Readable.from(input), parser, () => {});
  let header: string[] | null = null;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const { record, info } = item;
      if (header === null) {
        header = record.map((h, i) => {
          if (h === '') {
            throw new MarketoCsvError(`header cell ${i + 1} is empty`, { stream: options.stream, line: 1 });
          }
          return options.headerToField?.[h] ?? h;
        });
        const seen = new Set<string>();
        for (const h of header) {
          if (seen.has(h))
            throw new MarketoCsvError(`column '${h}' appears twice in the header`, {
              stream: options.stream,
              line: 1,
            });
          seen.add(h);
        }
        continue;
      }
      const values: Record<string, string | null> = {};
      for (let i = 0; i < header.length; i++) {
        const cell = record[i];
        // Marketo has no empty-but-not-null field value: it writes empties as the bare word null, and an
        // empty cell ("" or nothing) means the same. A csv-parse cast function could tell a quoted "null"
        // from a bare one, but costs 14x the parse time, and Marketo never quotes a plain word anyway.
        values[header[i] as string] = cell === undefined || cell === '' || cell === 'null' ? null : cell;
      }
      yield { line: info.lines, values };
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new MarketoCsvError(`${e.message} (${e.code})`, {
        stream: options.stream,
        ...(typeof line === 'number' ? { line } : {}),
      });
    }
    throw e;
  }
}
