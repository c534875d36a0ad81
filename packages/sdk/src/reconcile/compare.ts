/**
 * Compares source and warehouse counts per stream: the difference is source rows minus live
 * warehouse rows; a stream either side cannot count is listed as not comparable, never as matching.
 */
import type { SourceCount, WarehouseCount } from './counts.js';

export interface ReconcileRow {
  stream: string;
  status: 'match' | 'differs' | 'not comparable';
  source_rows?: number;
  warehouse_rows?: number;
  soft_deleted?: number;
  /** Source rows minus live warehouse rows. */
  difference?: number;
  approximate?: boolean;
  table?: string;
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
  return {
    stream,
    status: Math.abs(difference) > tolerance ? 'differs' : 'match',
    source_rows: source.rows,
    warehouse_rows: warehouse.rows,
    soft_deleted: warehouse.softDeleted,
    difference,
    table: warehouse.table,
    ...(source.approximate ? { approximate: true } : {}),
    ...(source.approximate && source.refreshedAt
      ? { reason: `source count refreshed at ${source.refreshedAt}` }
      : {}),
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
    row.status === 'not comparable' ? `not comparable: ${row.reason}` : row.status,
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
