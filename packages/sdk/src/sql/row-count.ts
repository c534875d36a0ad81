/**
 * The warehouse side of reconciliation: the rows of a stream's table, live ones apart from those
 * marked deleted (`_sdc_deleted_at`), found by the same naming rule the sink loads with. When the
 * source's count leaves out records kept with a deletion marker, the live rows with that marker are
 * counted apart too.
 */
import type { UncountedRows, WarehouseCount, WarehouseCountOptions } from '../reconcile/counts.js';
import { columnNameFor, type TableLocationRules, tableLocationFor } from '../target/naming.js';
import type { SQLConnector, SQLSession } from './connector.js';

export async function countStreamRows<Session extends SQLSession>(
  connector: SQLConnector<Session>,
  stream: string,
  naming: Omit<TableLocationRules, 'maxBytes'>,
  options: WarehouseCountOptions = {},
): Promise<WarehouseCount> {
  const location = tableLocationFor(stream, { ...naming, maxBytes: connector.maxIdentifierBytes });
  const label = `${location.schema}.${location.table}`;
  return connector.withSession(stream, async (session): Promise<WarehouseCount> => {
    if (session.selectRows === undefined)
      return { comparable: false, reason: 'the target cannot read query results to count rows' };
    const existing = await connector.readTable(session, location);
    if (existing === undefined) return { comparable: true, table: label, rows: 0, softDeleted: 0 };
    const hasDeletedAt = existing.columns.has('_sdc_deleted_at');
    const deleted = hasDeletedAt ? `count(${connector.quote('_sdc_deleted_at')})` : '0';
    const marked = options.uncounted
      ? uncountedPredicate(options.uncounted, existing.columns, connector)
      : undefined;
    const live = hasDeletedAt ? `${connector.quote('_sdc_deleted_at')} IS NULL AND ` : '';
    const uncounted = marked === undefined ? '0' : `sum(CASE WHEN ${live}${marked} THEN 1 ELSE 0 END)`;
    const [row] = await session.selectRows(
      `SELECT count(*) - ${deleted} AS live, ${deleted} AS soft_deleted, ${uncounted} AS uncounted FROM ${connector.qualify(location)}`,
    );
    const left = Number(row?.uncounted ?? 0);
    return {
      comparable: true,
      table: label,
      rows: Number(row?.live ?? 0) - left,
      softDeleted: Number(row?.soft_deleted ?? 0),
      ...(options.uncounted ? { uncounted: left } : {}),
    };
  });
}

/**
 * The SQL test for rows carrying the marker; undefined when the table has no such column (no row
 * can carry it). Values are written as literals: they come from the tap's code, never from data.
 */
function uncountedPredicate(
  rows: UncountedRows,
  columns: ReadonlyMap<string, string>,
  connector: { quote(identifier: string): string; maxIdentifierBytes: number },
): string | undefined {
  const column = columnNameFor(rows.property, connector.maxIdentifierBytes);
  if (!columns.has(column)) return undefined;
  const quoted = connector.quote(column);
  if (!('equals' in rows)) return `${quoted} IS NOT NULL`;
  const value = rows.equals;
  const literal =
    typeof value === 'string'
      ? `'${value.replaceAll("'", "''")}'`
      : typeof value === 'boolean'
        ? String(value).toUpperCase()
        : Number.isFinite(value)
          ? String(value)
          : undefined;
  if (literal === undefined) throw new TypeError(`uncounted rows: ${rows.property} cannot equal ${value}`);
  return `${quoted} = ${literal}`;
}
