import { randomBytes } from 'node:crypto';
import type { Row, Tenant } from './data.js';
import type { QueryPlan } from './plan.js';

/** A page of a ZOQL query: records, whether it is the last, the locator of the next page, the total size. */
export interface QueryPage {
  plan: QueryPlan;
  rows: Row[];
  done: boolean;
  locator: string | null;
  size: number;
}

interface Cursor {
  plan: QueryPlan;
  /** Next row index to scan, rows delivered so far. */
  next: number;
  delivered: number;
  size: number;
  lastUsedMs: number;
}

export class InvalidLocatorError extends Error {}

/**
 * query/queryMore paging shared by SOAP and the REST query actions: live rows in index order, pages of at most
 * 2,000, locators `<query id>-<rows delivered>` that expire when idle. A cursor holds a position, never rows.
 */
export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();

  constructor(
    private readonly tenant: Tenant,
    private readonly idleMs: number,
  ) {}

  start(plan: QueryPlan, batchSize: number, now: number): QueryPage {
    let size = 0;
    for (const _ of this.scan(plan, 0)) size++;
    return this.page(
      randomBytes(16).toString('hex'),
      { plan, next: 0, delivered: 0, size, lastUsedMs: now },
      batchSize,
      now,
    );
  }

  more(locator: string, batchSize: number, now: number): QueryPage {
    const cursor = this.cursors.get(locator);
    this.cursors.delete(locator);
    if (!cursor || now - cursor.lastUsedMs > this.idleMs)
      throw new InvalidLocatorError(`Invalid query locator: ${locator}`);
    return this.page(locator.split('-')[0]!, cursor, batchSize, now);
  }

  private *scan(plan: QueryPlan, from: number): Generator<{ row: Row; index: number }> {
    const n = this.tenant.count(plan.object);
    for (let i = from; i < n; i++) {
      if (this.tenant.times(plan.object, i).deletedMs !== null) continue;
      const row = this.tenant.row(plan.object, i);
      if (plan.matches(row)) yield { row, index: i };
    }
  }

  private page(queryId: string, cursor: Cursor, batchSize: number, now: number): QueryPage {
    const rows: Row[] = [];
    let next = this.tenant.count(cursor.plan.object);
    for (const { row, index } of this.scan(cursor.plan, cursor.next)) {
      if (rows.length === batchSize) {
        next = index;
        break;
      }
      rows.push(row);
    }
    cursor.delivered += rows.length;
    cursor.next = next;
    cursor.lastUsedMs = now;
    const done = cursor.delivered >= cursor.size;
    const locator = done ? null : `${queryId}-${cursor.delivered}`;
    if (locator) this.cursors.set(locator, cursor);
    return { plan: cursor.plan, rows, done, locator, size: cursor.size };
  }
}
