/**
 * The table plan: which columns a stream's table must gain, and which existing columns must widen so
 * that they hold what the SCHEMA now says. Columns only ever widen: integer → number → string,
 * date → date-time → string, anything → string; string, json and types the target does not write
 * take any value as they are. Nothing is narrowed or dropped, so no loaded value is ever lost.
 */
import type { Logger } from '../logging.js';
import type { LogicalType } from '../target/column-types.js';
import type { SQLColumn } from '../target/sql-sink.js';
import type { ColumnClass, ExistingTable, SQLConnector, SQLSession, TableName } from './connector.js';

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

export interface TableToPrepare {
  stream: string;
  table: TableName;
  columns: readonly SQLColumn[];
  /** Key columns of a new table's primary key (none for append-only streams). */
  primaryKey: readonly string[];
  logger: Logger;
  /** Refuses an existing table whose primary key is not the stream's keys. */
  checkPrimaryKey: (primaryKey: string[]) => void;
}

/**
 * Creates the schema and the table, or adds the columns it lacks and widens the others; returns the
 * table as it now is.
 */
export async function prepareTable<Session extends SQLSession>(
  session: Session,
  connector: SQLConnector<Session>,
  wanted: TableToPrepare,
): Promise<ExistingTable> {
  const { table, stream, logger } = wanted;
  await session.execute(connector.createSchemaSQL(table.schema));
  const existing = await connector.readTable(session, table);
  if (existing === undefined) {
    const columns = wanted.columns.map((column) => ({
      name: column.name,
      type: connector.columnType(column.type),
    }));
    await session.execute(connector.createTableSQL(table, columns, wanted.primaryKey));
  } else {
    wanted.checkPrimaryKey(existing.primaryKey);
    const plan = planTable(wanted.columns, existing, (type) => connector.classOf(type));
    if (plan.add.length === 0 && plan.widen.length === 0) return existing;
    for (const { column, to } of plan.add) {
      const type = connector.columnType(to);
      await session.execute(connector.addColumnSQL(table, { name: column.name, type }));
      logger.info('added column', { stream, column: column.name, type });
    }
    for (const { column, from, to } of plan.widen) {
      const type = connector.columnType(to);
      for (const sql of connector.widenColumnSQL(table, column.name, type)) await session.execute(sql);
      logger.info('widened column', { stream, column: column.name, from, to: type });
    }
  }
  const prepared = await connector.readTable(session, table);
  if (prepared === undefined)
    throw new Error(`table ${connector.qualify(table)} vanished after it was prepared`);
  return prepared;
}
