import { InvalidLocatorError, type QueryCursors, type QueryPage } from './cursors.js';
import type { Tenant } from './data.js';
import { planZoql } from './plan.js';
import { crud } from './rest-export.js';
import { formatIsoOffset } from './tz.js';
import { ZoqlSyntaxError } from './zoql.js';

// `POST /v1/action/query` and `/v1/action/queryMore`: the SOAP calls as JSON. Null fields are left out of each
// record; `size` is the whole result's row count; pages of at most 2,000 (`conf.batchSize` lowers it).

function batchSize(body: Record<string, unknown>): number {
  const conf = body.conf as { batchSize?: unknown } | undefined;
  const n = Number(conf?.batchSize ?? 0);
  return n > 0 && n <= 2000 ? n : 2000;
}

function pageJson(page: QueryPage, timeZone: string): Record<string, unknown> {
  const records = page.rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of page.plan.columns) {
      const v = c.read(row);
      if (v === null) continue;
      const f = c.field;
      out[f.name] =
        f.type === 'datetime' && typeof v === 'number'
          ? formatIsoOffset(v, timeZone)
          : f.type === 'decimal' && typeof v === 'string'
            ? Number(v)
            : v;
    }
    return out;
  });
  return {
    records,
    size: page.size,
    done: page.done,
    ...(page.locator ? { queryLocator: page.locator } : {}),
  };
}

export function actionQuery(
  cursors: QueryCursors,
  tenant: Tenant,
  timeZone: string,
  body: Record<string, unknown>,
  now: number,
): Record<string, unknown> {
  try {
    const plan = planZoql(String(body.queryString ?? ''), tenant, timeZone);
    return pageJson(cursors.start(plan, batchSize(body), now), timeZone);
  } catch (e) {
    if (e instanceof ZoqlSyntaxError) throw crud(400, 'MALFORMED_QUERY', e.message);
    throw e;
  }
}

export function actionQueryMore(
  cursors: QueryCursors,
  timeZone: string,
  body: Record<string, unknown>,
  now: number,
): Record<string, unknown> {
  try {
    return pageJson(cursors.more(String(body.queryLocator ?? ''), batchSize(body), now), timeZone);
  } catch (e) {
    if (e instanceof InvalidLocatorError) throw crud(400, 'INVALID_VALUE', e.message);
    throw e;
  }
}
