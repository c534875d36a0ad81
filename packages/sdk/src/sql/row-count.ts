/**
 * The warehouse side of reconciliation: the rows of a stream's table, live ones apart from those
 * marked deleted (`_sdc_deleted_at`), found by the same naming rule the sink loads with.
 */
import type { WarehouseCount } from '../reconcile/counts.js';
import { type TableLocationRules, tableLocationFor } from '../target/naming.js';
import type { SQLConnector, SQLSession } from './connector.js';

export async function countStreamRows<Session extends SQLSession>(
  connector: SQLConnector<Session>,
  stream: string,
  naming: Omit<TableLocationRules, 'maxBytes'>,
): Promise<WarehouseCount> {
  const location = tableLocationFor(stream, { ...naming, maxBytes: connector.maxIdentifierBytes });
  const label = `${location.schema}.${location.table}`;
  return connector.withSession(stream, async (session): Promise<WarehouseCount> => {
    if (session.selectRows === undefined)
      return { comparable: false, reason: 'the target cannot read query results to count rows' };
    const existing = await connector.readTable(session, location);
    if (existing === undefined) return { comparable: true, table: label, rows: 0, softDeleted: 0 };
    const deleted = existing.columns.has('_sdc_deleted_at')
      ? `count(${connector.quote('_sdc_deleted_at')})`
      : '0';
    const [row] = await session.selectRows(
      `SELECT count(*) - ${deleted} AS live, ${deleted} AS soft_deleted FROM ${connector.qualify(location)}`,
    );
    return {
      comparable: true,
      table: label,
      rows: Number(row?.live ?? 0),
      softDeleted: Number(row?.soft_deleted ?? 0),
    };
  });
}
