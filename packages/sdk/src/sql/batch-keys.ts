/**
 * Key de-duplication within a batch: the last record of each key wins, as records arrive, so a load
 * never holds two rows of one key (a merge could not apply both, and a direct load would conflict).
 */
import { isExactNumber, numberText, serializeJson } from '../json/lossless-json.js';
import type { RecordContext } from '../target/sink.js';
import type { SQLColumn } from '../target/sql-sink.js';

/**
 * A record's key within a batch: text, or for an integer the number itself (cheaper to hash, and
 * nothing for the garbage collector). Values a column stores alike give the same key: 7, "7" and 7n.
 */
export type BatchKey = string | number;

/** Integer text that is exactly a safe JS integer, so it and that number are the same key. */
const SAFE_INTEGER_TEXT = /^-?(?:0|[1-9]\d{0,14})$/;

/** One key value's part of a batch key. */
export function keyPart(value: unknown): BatchKey {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : numberText(value);
  if (typeof value === 'string') return SAFE_INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof value === 'bigint' || isExactNumber(value)) return keyPart(value.toString());
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return serializeJson(value);
}

/** The open batch's keys: which row holds each key last, and the rows a later one replaced. */
export class BatchKeys {
  private last = new Map<BatchKey, number>();
  private replaced: number[] = [];

  /** Notes that row `index` holds `key`; an earlier row of the same key is replaced. */
  add(key: BatchKey, index: number): void {
    const previous = this.last.get(key);
    if (previous !== undefined) this.replaced.push(previous);
    this.last.set(key, index);
  }

  /** The replaced rows of the batch so far, and starts the next batch empty. */
  take(): number[] {
    const replaced = this.replaced;
    this.last = new Map();
    this.replaced = [];
    return replaced;
  }
}

/** Ascending indexes of the rows to load, or undefined when no row was replaced (load them all). */
export function keptRows(count: number, replaced: readonly number[]): number[] | undefined {
  if (replaced.length === 0) return undefined;
  const gone = new Uint8Array(count);
  for (const index of replaced) gone[index] = 1;
  const kept: number[] = [];
  for (let index = 0; index < count; index += 1) if (gone[index] === 0) kept.push(index);
  return kept;
}

/** The batch key of a record from its key columns' values (`columnValue` reads a column's value). */
export function keyReader(
  columns: readonly SQLColumn[],
  columnValue: (column: SQLColumn, record: Record<string, unknown>, context: RecordContext) => unknown,
): (record: Record<string, unknown>, context: RecordContext) => BatchKey {
  const [single] = columns;
  if (columns.length === 1 && single !== undefined) {
    return (record, context) => keyPart(columnValue(single, record, context));
  }
  return (record, context) => {
    let key = '';
    for (const column of columns) key += `${keyPart(columnValue(column, record, context))}\u0001`;
    return key;
  };
}
