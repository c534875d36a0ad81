/**
 * Zendesk's incremental export API, both flavours, as RESTStreams:
 *
 * - cursor exports (tickets, users): `start_time` on the first call, then `cursor`; the cursor is a
 *   stream position, so nothing repeats across pages. The last `after_cursor` is kept in the
 *   bookmark once its page is handed out, and the next run resumes from it, so a change made during
 *   a run (it moves to the end of the stream) is picked up by the next run.
 * - time exports (organizations, ticket_events): inclusive `start_time`, `end_time` = the last
 *   item's timestamp, so the items stamped `end_time` come again at the top of the next page; they
 *   are dropped by (id, timestamp), also across runs. A page that does not move `start_time`
 *   forward fails the run instead of looping.
 *
 * Both stop at `end_of_stream`, clamp `start_time` to the freshness window and take a slot of the
 * incremental budget (10 requests a minute unless the High Volume add-on raises it) before every
 * request.
 */
import {
  HttpClientError,
  type HttpRequest,
  type PageInfo,
  PaginationLoopError,
  Paginator,
  type QueryValue,
  type RateLimiter,
  type RecordPage,
  type StreamContext,
} from '@singer-ts/sdk';
import { statusOf } from '../client.js';
import { clampStartTime, field, resumeValue, toEpochSeconds, ZendeskStream } from './base.js';

/** Whether an error is Zendesk's 422 "Too recent start_time" (or the 400 some accounts see). */
function isTooRecent(error: unknown): boolean {
  const status = statusOf(error);
  return (
    (status === 422 || status === 400) &&
    error instanceof HttpClientError &&
    /too recent/i.test(error.message)
  );
}

abstract class ExportStream<R extends object> extends ZendeskStream<R> {
  override endpointBudget(): RateLimiter {
    return this.tap.incrementalBudget;
  }

  /** Query parameters besides paging (`include`). */
  protected exportQuery(_context: StreamContext): Record<string, QueryValue> {
    return {};
  }

  /** Unix seconds to start from: the bookmark (ours or singer-io's), else start_date, else the epoch. */
  protected startTime(context: StreamContext): number {
    return clampStartTime(toEpochSeconds(resumeValue(this.replicationKey, context)) ?? 0);
  }

  override async *getRecords(context: StreamContext): AsyncGenerator<R> {
    try {
      yield* super.getRecords(context);
    } catch (error) {
      if (!isTooRecent(error)) throw error;
      // This clock runs ahead of Zendesk's, or the export reached the freshness window: caught up.
      this.logger.info(
        `${this.name}: start_time is inside Zendesk's freshness window; nothing more to export now`,
        {
          stream: this.name,
        },
      );
    }
  }
}

/** `start_time` first, then the `after_cursor` of each page, until `end_of_stream`. */
class ExportCursorPaginator extends Paginator<string> {
  constructor(
    start: string | undefined,
    private readonly stream: string,
  ) {
    super(start);
  }
  protected override hasMore(page: PageInfo): boolean {
    if (field(page.body, 'end_of_stream') === true) return false;
    const next = field(page.body, 'after_cursor');
    if (typeof next !== 'string' || next === '') {
      throw new PaginationLoopError(
        `${this.stream}: the export page has no after_cursor and no end_of_stream; cannot continue`,
        { stream: this.stream },
      );
    }
    return true;
  }
  protected nextToken(page: PageInfo): string | undefined {
    const next = field(page.body, 'after_cursor');
    return typeof next === 'string' ? next : undefined;
  }
  protected applyToken(request: HttpRequest, cursor: string | undefined): HttpRequest {
    if (cursor === undefined) return request;
    const { start_time: _start, ...query } = request.query ?? {};
    return { ...request, query: { ...query, cursor } };
  }
}

/** Cursor-based export; records are yielded in export order. */
export abstract class CursorExportStream<R extends object> extends ExportStream<R> {
  override request(context: StreamContext): HttpRequest {
    return {
      url: this.path,
      query: {
        per_page: this.config.export_page_size,
        ...this.exportQuery(context),
        start_time: this.startTime(context),
      },
    };
  }

  override paginator(context: StreamContext): ExportCursorPaginator {
    const saved = context.bookmark.cursor;
    return new ExportCursorPaginator(
      typeof saved === 'string' && saved !== '' ? saved : undefined,
      this.name,
    );
  }

  /** Only once every record of the page has been handed out: a resumed run repeats at most this page. */
  override afterPage(page: RecordPage<Record<string, unknown>>, context: StreamContext): void {
    const next = field(page.envelope, 'after_cursor');
    if (typeof next === 'string' && next !== '') context.bookmark.cursor = next;
  }
}

/** `start_time` of the next page: the `end_time` of this one; a page that does not move it fails. */
class ExportTimePaginator extends Paginator<number> {
  constructor(
    start: number,
    private readonly stream: string,
    private readonly perPage: number,
    private readonly timestampOf: (record: Record<string, unknown>) => number | undefined,
  ) {
    super(start);
  }
  protected override hasMore(page: PageInfo): boolean {
    const endOfStream = field(page.body, 'end_of_stream');
    return typeof endOfStream === 'boolean' ? !endOfStream : page.recordCount >= this.perPage;
  }
  protected nextToken(page: PageInfo): number {
    const start = this.current ?? 0;
    const last = page.lastRecord;
    const lastTs = typeof last === 'object' && last !== null ? this.timestampOf({ ...last }) : undefined;
    const endTime = toEpochSeconds(field(page.body, 'end_time')) ?? lastTs ?? start;
    if (endTime <= start) {
      throw new PaginationLoopError(
        `${this.stream}: more than ${page.recordCount} records share the timestamp ${new Date(start * 1000).toISOString()}, so the time-based export cannot move past it (next_page repeats start_time=${start}); raise export_page_size (max 1000) or export this resource with a cursor-based endpoint`,
        { stream: this.stream, start_time: start },
      );
    }
    return endTime;
  }
  protected applyToken(request: HttpRequest, start: number | undefined): HttpRequest {
    return start === undefined ? request : { ...request, query: { ...request.query, start_time: start } };
  }
}

/** Ids already emitted at the latest timestamp, so neither the next page nor the next run emits them. */
class Boundary {
  ts = -1;
  seen = new Map<string, number | string>();
  pageTs = -1;
  pageIds = new Map<string, number | string>();

  constructor(saved: unknown, start: number) {
    if (typeof saved !== 'object' || saved === null || !('ts' in saved) || !('ids' in saved)) return;
    const { ts, ids } = saved;
    if (typeof ts !== 'number' || !Array.isArray(ids) || ts < start) return;
    this.ts = ts;
    for (const id of ids) if (typeof id === 'number' || typeof id === 'string') this.seen.set(String(id), id);
  }

  /** Notes a record of the current page; false when it was emitted before. */
  admit(ts: number | undefined, id: unknown): boolean {
    if (ts === undefined || (typeof id !== 'number' && typeof id !== 'string')) return true;
    if (ts !== this.pageTs) {
      this.pageTs = ts;
      this.pageIds = new Map();
    }
    this.pageIds.set(String(id), id);
    return !(ts === this.ts && this.seen.has(String(id)));
  }

  /** Once a page is handed out: the boundary moves to its last timestamp. */
  commit(): { ts: number; ids: (number | string)[] } | undefined {
    if (this.pageTs < 0) return undefined;
    if (this.pageTs === this.ts) for (const [key, id] of this.pageIds) this.seen.set(key, id);
    else {
      this.ts = this.pageTs;
      this.seen = this.pageIds;
    }
    this.pageTs = -1;
    this.pageIds = new Map();
    return { ts: this.ts, ids: [...this.seen.values()] };
  }
}

/**
 * Time-based export. `timestampOf` reads the compared timestamp of a record (Unix seconds). The
 * bookmark keeps `boundary: {ts, ids}`.
 */
export abstract class TimeExportStream<R extends object> extends ExportStream<R> {
  private readonly boundaries = new WeakMap<StreamContext, Boundary>();

  protected abstract timestampOf(record: Record<string, unknown>): number | undefined;

  override request(context: StreamContext): HttpRequest {
    return {
      url: this.path,
      query: { ...this.exportQuery(context), per_page: this.config.export_page_size },
    };
  }

  override paginator(context: StreamContext): ExportTimePaginator {
    const start = this.startTime(context);
    this.boundaries.set(context, new Boundary(context.bookmark.boundary, start));
    return new ExportTimePaginator(start, this.name, this.config.export_page_size, (record) =>
      this.timestampOf(record),
    );
  }

  override postProcess(record: Record<string, unknown>, context: StreamContext): R | undefined {
    const boundary = this.boundaries.get(context);
    if (boundary && !boundary.admit(this.timestampOf(record), record.id)) return undefined;
    return super.postProcess(record, context);
  }

  override afterPage(_page: RecordPage<Record<string, unknown>>, context: StreamContext): void {
    const committed = this.boundaries.get(context)?.commit();
    if (committed) context.bookmark.boundary = committed;
  }
}
