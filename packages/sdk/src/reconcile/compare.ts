/**
 * Compares source and warehouse counts per stream: the difference is source rows minus live
 * warehouse rows; a stream either side cannot count is listed as not comparable, never as matching.
 *
 * The rule for a stale source count (a vendor's cached count, older than the rows the last run
 * loaded): the stream is `approximate`, with its difference and the count's age shown, and it never
 * counts as differing, whatever the tolerance. Only an exact count beyond the tolerance is `differs`.
 */
import { describeUncounted, type SourceCount, type WarehouseCount } from './counts.js';

export interface ReconcileRow {
  stream: string;
  status: 'match' | 'differs' | 'approximate' | 'not comparable';
  source_rows?: number;
  warehouse_rows?: number;
  soft_deleted?: number;
  /** Source rows minus live warehouse rows. */
  difference?: number;
  /** The source count is stale: the difference is shown, never alerted on. */
  approximate?: boolean;
  /** When the source computed its count, when it says. */
  refreshed_at?: string;
  /** Live warehouse rows left out because the source's count leaves them out (deleted records). */
  uncounted?: number;
  table?: string;
  /** Why a stream is not comparable or approximate, or what its counts leave out. */
  reason?: string;
}

export function compareCounts(
  stream: string,
  source: SourceCount,
  warehouse: WarehouseCount,
  tolerance: number,
): ReconcileRow {
  if (!source.comparable) {
    // The warehouse's side is still worth showing: what was loaded, and what is marked deleted.
    const loaded = warehouse.comparable
      ? { warehouse_rows: warehouse.rows, soft_deleted: warehouse.softDeleted, table: warehouse.table }
      : {};
    return { stream, status: 'not comparable', ...loaded, reason: `source: ${source.reason}` };
  }
  if (!warehouse.comparable)
    return {
      stream,
      status: 'not comparable',
      source_rows: source.rows,
      reason: `warehouse: ${warehouse.reason}`,
    };
  const difference = source.rows - warehouse.rows;
  const status = source.approximate ? 'approximate' : Math.abs(difference) > tolerance ? 'differs' : 'match';
  const notes: string[] = [];
  if (source.approximate)
    notes.push(
      source.approximateReason ?? `source count refreshed at ${source.refreshedAt ?? 'an unknown time'}`,
    );
  if (source.uncounted) {
    const left = warehouse.uncounted ?? 0;
    notes.push(
      `${left} loaded ${left === 1 ? 'row' : 'rows'} with ${describeUncounted(source.uncounted)} left out, as the source count leaves them out`,
    );
  }
  return {
    stream,
    status,
    source_rows: source.rows,
    warehouse_rows: warehouse.rows,
    soft_deleted: warehouse.softDeleted,
    difference,
    table: warehouse.table,
    ...(source.approximate ? { approximate: true } : {}),
    ...(source.refreshedAt ? { refreshed_at: source.refreshedAt } : {}),
    ...(source.uncounted ? { uncounted: warehouse.uncounted ?? 0 } : {}),
    ...(notes.length > 0 ? { reason: notes.join('; ') } : {}),
  };
}

/** A plain text table, one row per stream, for people and scheduler logs. */
export function formatTable(rows: readonly ReconcileRow[]): string {
  const header = ['stream', 'source rows', 'warehouse rows', 'soft-deleted', 'difference', 'status'];
  const cells = rows.map((row) => [
    row.stream,
    num(row.source_rows, row.approximate),
    num(row.warehouse_rows),
    num(row.soft_deleted),
    row.difference === undefined ? '' : row.difference > 0 ? `+${row.difference}` : String(row.difference),
    row.reason ? `${row.status}: ${row.reason}` : row.status,
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((cell) => (cell[i] ?? '').length)),
  );
  const line = (cell: string[]) =>
    cell
      .map((value, i) =>
        i === 0 || i === cell.length - 1 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function num(value: number | undefined, approximate = false): string {
  if (value === undefined) return '';
  return `${approximate ? '~' : ''}${value}`;
}
