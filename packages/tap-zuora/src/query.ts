import { toUtcTimestamp } from '@singer-ts/sdk';
import type { DataCentre } from './environments.js';
import type { PropertyPlan, StreamPlan } from './stream-schema.js';

/**
 * Export ZOQL and AQuA job bodies for a stream. The select list holds the selected and automatic properties
 * (never `Deleted`, which AQuA adds from the `deleted` block); joined ids are queried as `Related.Id`.
 */
export function selectList(plan: StreamPlan, selected: ReadonlySet<string>): string[] {
  return plan.properties
    .filter(
      (p: PropertyPlan) =>
        p.type !== 'deleted' &&
        p.inclusion !== 'unsupported' &&
        (p.inclusion === 'automatic' || selected.has(p.property)),
    )
    .map((p) => p.query);
}

/** A UTC instant as a ZOQL date-time literal with an explicit offset (`2024-05-01T10:00:00Z`). */
export function zoqlDateTime(isoUtc: string): string {
  const utc = toUtcTimestamp(isoUtc);
  if (!utc) throw new RangeError(`not an ISO-8601 date-time: ${isoUtc}`);
  return `${utc.slice(0, 19)}Z`;
}

export interface QueryWindow {
  /** Inclusive start and exclusive end, ISO-8601. */
  from: string;
  to?: string;
}

/**
 * `select … from X [where rk >= 'from' and rk < 'to'] [order by rk asc]`. The window filters on the replication
 * key itself, so a change stamped just before the run is in this run (no safety lag), and the bounds are UTC.
 */
export function exportQuery(plan: StreamPlan, fields: string[], window?: QueryWindow): string {
  let q = `select ${fields.join(', ')} from ${plan.stream}`;
  const rk = plan.replicationKey;
  if (rk && window) {
    q += ` where ${rk} >= '${zoqlDateTime(window.from)}'`;
    if (window.to) q += ` and ${rk} < '${zoqlDateTime(window.to)}'`;
  }
  if (rk) q += ` order by ${rk} asc`;
  return q;
}

/** `YYYY-MM-DD HH:MM:SS` wall time of a UTC instant in `timeZone`, the only `incrementalTime` format AQuA takes. */
export function incrementalTime(isoUtc: string, timeZone: DataCentre['incrementalTimeZone']): string {
  const utc = toUtcTimestamp(isoUtc);
  if (!utc) throw new RangeError(`not an ISO-8601 date-time: ${isoUtc}`);
  // The Swedish locale writes exactly `YYYY-MM-DD HH:MM:SS`; Node ships the full ICU data it needs.
  return new Date(utc).toLocaleString('sv-SE', { timeZone, hourCycle: 'h23' });
}

export interface AquaJobOptions {
  query: string;
  /** Stateful mode: `partner` + `project` make Zuora remember the session (singer-io: project `{stream}_{version}`). */
  partner?: string | undefined;
  project?: string | undefined;
  /** Ask for deleted rows in a `Deleted` column (stateful; stateless needs forceExport). */
  deleted?: boolean;
  /** Stateful only: read changes since this instant without moving the session. */
  incrementalTime?: string | undefined;
  /** Job and query name (≤ 32 chars on Zuora). */
  name: string;
}

/** The body of `POST /v1/batch-query/`, shaped as singer-io/tap-zuora sends it (version 1.2, API names, UTC). */
export function aquaJobBody(o: AquaJobOptions): Record<string, unknown> {
  const stateful = Boolean(o.partner && o.project);
  const query: Record<string, unknown> = { name: o.name, query: o.query, type: 'zoqlexport' };
  if (o.deleted)
    query.deleted = { column: 'Deleted', format: 'Boolean', ...(stateful ? {} : { forceExport: true }) };
  return {
    name: o.name.slice(0, 32),
    format: 'csv',
    version: '1.2',
    encrypted: 'none',
    useQueryLabels: 'true',
    dateTimeUtc: 'true',
    ...(stateful ? { partner: o.partner, project: o.project } : {}),
    ...(stateful && o.incrementalTime ? { incrementalTime: o.incrementalTime } : {}),
    queries: [query],
  };
}

/**
 * `select Id from X [where rk < 'through + 1 s']`, whose count (SOAP's `size`, an AQuA job's `recordCount`)
 * is the rows a run that reached `through` has read. ZOQL literals and values are whole seconds, so the bound takes in the bookmark's whole second: a
 * row stamped within it (shown as that second) is never left out of the count.
 */
export function zoqlCountQuery(plan: StreamPlan, through: string | undefined): string {
  let query = `select Id from ${plan.stream}`;
  if (plan.replicationKey && through !== undefined) {
    const next = new Date(Date.parse(zoqlDateTime(through)) + 1000).toISOString();
    query += ` where ${plan.replicationKey} < '${zoqlDateTime(next)}'`;
  }
  return query;
}
