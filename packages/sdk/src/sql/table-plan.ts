/**
 * The table plan: which columns a stream's table must gain, and which existing columns must widen so
 * that they hold what the SCHEMA now says. Columns only ever widen: integer → number → string,
 * date → date-time → string, anything → string; string, json and types the target does not write
 * take any value as they are. Nothing is narrowed or dropped, so no loaded value is ever lost.
 */
import type { LogicalType } from '../target/column-types.js';
import type { SQLColumn } from '../target/sql-sink.js';
import type { ColumnClass, ExistingTable } from './connector.js';

/** The class an existing column must become to hold `wanted` values, or undefined if it holds them. */
export function widenedClass(existing: ColumnClass, wanted: LogicalType): LogicalType | undefined {
  if (existing === wanted || existing === 'string' || existing === 'json' || existing === 'other')
    return undefined;
  if (existing === 'number' && wanted === 'integer') return undefined;
  if (existing === 'integer' && wanted === 'number') return 'number';
  if (existing === 'date-time' && wanted === 'date') return undefined;
  if (existing === 'date' && wanted === 'date-time') return 'date-time';
  return 'string';
}

export interface ColumnChange {
  column: SQLColumn;
  /** The column's type now, as the database prints it; undefined for a column to add. */
  from?: string;
  /** The class it is created as or widened to. */
  to: LogicalType;
}

export interface TablePlan {
  /** Columns the table lacks. */
  add: ColumnChange[];
  /** Existing columns to widen. */
  widen: ColumnChange[];
}

/** What must change in `existing` for it to hold `columns`; `classOf` reads an existing column's type. */
export function planTable(
  columns: readonly SQLColumn[],
  existing: ExistingTable,
  classOf: (type: string) => ColumnClass,
): TablePlan {
  const plan: TablePlan = { add: [], widen: [] };
  for (const column of columns) {
    const current = existing.columns.get(column.name);
    if (current === undefined) {
      plan.add.push({ column, to: column.type });
      continue;
    }
    const to = widenedClass(classOf(current), column.type);
    if (to !== undefined) plan.widen.push({ column, from: current, to });
  }
  return plan;
}
