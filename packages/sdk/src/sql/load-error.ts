/** A database error as a BatchLoadError naming stream, batch, column, property and input line. */
import type { Batch } from '../target/batcher.js';
import { BatchLoadError } from '../target/errors.js';
import type { SQLColumn } from '../target/sql-sink.js';
import type { DatabaseFault } from './connector.js';

export interface FaultPlace {
  stream: string;
  batch: Batch<unknown> | undefined;
  /** The table's columns, to name the property a blamed column holds. */
  columns: readonly SQLColumn[];
  /** The input line of a load statement's 1-based row, when the dialect can tell. */
  lineOf: (statementRow: number) => number | undefined;
  /** What failed, the message's start. */
  what: string;
}

export function batchLoadError(error: unknown, fault: DatabaseFault, place: FaultPlace): BatchLoadError {
  const context: Record<string, unknown> = { stream: place.stream };
  if (place.batch !== undefined) context.batch = place.batch.number;
  if (fault.column !== undefined) {
    const column = place.columns.find((candidate) => candidate.name === fault.column);
    context.column = fault.column;
    if (column?.property !== undefined && column.property !== fault.column) context.field = column.property;
  }
  if (fault.statementRow !== undefined) {
    const line = place.lineOf(fault.statementRow);
    if (line !== undefined) context.line = line;
  }
  if (fault.code !== undefined) context.sqlstate = fault.code;
  const detail = fault.detail === undefined ? '' : ` (${fault.detail})`;
  return new BatchLoadError(`${place.what}: ${fault.message}${detail}`, context, { cause: error });
}
