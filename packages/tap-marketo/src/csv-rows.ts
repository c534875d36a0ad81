import type { Readable } from 'node:stream';
import { CsvFormatError, type CsvRow, csvRows as sdkCsvRows } from '@singer-ts/sdk';
import { MarketoCsvError } from './errors.js';

export type ExportFormat = 'CSV' | 'TSV' | 'SSV';
const DELIMITERS: Record<ExportFormat, string> = { CSV: ',', TSV: '\t', SSV: ' ' };

/**
 * Marketo has no empty-but-set field value: it writes empties as the bare word null, and an empty
 * cell ("" or nothing) means the same. (Telling a quoted "null" from a bare one needs a csv-parse
 * cast function, which costs 14x the parse time; Marketo never quotes a plain word anyway.)
 */
const MARKETO_NULLS = ['', 'null'];

export interface CsvRowsOptions {
  stream: string;
  format?: ExportFormat;
  /** Header text → field name, the inverse of the job's `columnHeaderNames`. */
  headerToField?: Record<string, string>;
}

/** Rows of a Marketo bulk export file (the SDK's streamed CSV reader with Marketo's separators and nulls). */
export async function* csvRows(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvRowsOptions,
): AsyncGenerator<CsvRow> {
  try {
    yield* sdkCsvRows(input, {
      stream: options.stream,
      delimiter: DELIMITERS[options.format ?? 'CSV'],
      nullCells: MARKETO_NULLS,
      ...(options.headerToField ? { headerToField: options.headerToField } : {}),
    });
  } catch (e) {
    if (e instanceof CsvFormatError) throw new MarketoCsvError(e.message, e.context, { cause: e });
    throw e;
  }
}
