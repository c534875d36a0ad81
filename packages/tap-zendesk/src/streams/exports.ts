/**
 * Zendesk's incremental export API, both flavours:
 *
 * - cursor exports (tickets, users): `start_time` on the first call, then `cursor`; the cursor is a
 *   stream position, so nothing repeats across pages. The last `after_cursor` is kept in the
 *   bookmark and the next run resumes from it, so a change made during a run (it moves to the end of
 *   the stream) is picked up by the next run.
 * - time exports (organizations, ticket_events): inclusive `start_time`, `end_time` = the last
 *   item's timestamp, so the items stamped `end_time` come again at the top of the next page; they
 *   are dropped by (id, timestamp), also across runs. A page that does not move `start_time`
 *   forward fails the run instead of looping.
 *
 * Both stop at `end_of_stream`, clamp `start_time` to the freshness window and take a slot of the
 * incremental budget before every request.
 */
import {
  HttpClientError,
  type HttpRequest,
  type Logger,
  PaginationLoopError,
  type QueryValue,
  type RecordPage,
} from '@singer-ts/sdk';
import { statusOf, takeIncrementalSlot, type ZendeskClients } from '../client.js';
import { clampStartTime, toEpochSeconds } from './base.js';

export interface ExportOptions {
  clients: ZendeskClients;
  logger: Logger;
  stream: string;
  /** `/incremental/tickets/cursor.json` */
  path: string;
  /** Collection key in the body (`tickets`). */
  key: string;
  /** The stream's bookmark object; `cursor` / `boundary` are kept in it. */
  bookmark: Record<string, unknown>;
  /** Where to start when there is no cursor (Unix seconds). */
  startTime: number;
  perPage: number;
  query?: Record<string, QueryValue>;
  signal: AbortSignal;
  /** Shapes each record as it is read, before it waits in the read-ahead buffer. */
  transform?: (record: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Records read ahead of the one being yielded, so work for them (child requests) can start early.
   * The buffer is emptied before a page's cursor is committed to the bookmark.
   */
  readAhead?: number;
}

/** Whether an error is Zendesk's 422 "Too recent start_time" (or the 400 some accounts see). */
function isTooRecent(error: unknown): boolean {
  const status = statusOf(error);
  return (
    (status === 422 || status === 400) &&
    error instanceof HttpClientError &&
    /too recent/i.test(error.message)
  );
}

async function openPage(
  options: ExportOptions,
  request: HttpRequest,
): Promise<RecordPage<Record<string, unknown>> | undefined> {
  await takeIncrementalSlot(options.clients.incrementalBudget);
  try {
    return await options.clients.http.records<Record<string, unknown>>(request, {
      recordsPath: `${options.key}.*`,
      context: { stream: options.stream },
    });
  } catch (error) {
    if (isTooRecent(error)) {
      // This clock runs ahead of Zendesk's, or the cursor reached the freshness window: caught up.
      options.logger.info(
        `${options.stream}: start_time is inside Zendesk's freshness window; nothing more to export now`,
        { stream: options.stream },
      );
      return undefined;
    }
    throw error;
  }
}

function envelopeOf(page: RecordPage<unknown>): Record<string, unknown> {
  const envelope = page.envelope;
  return typeof envelope === 'object' && envelope !== null ? (envelope as Record<string, unknown>) : {};
}

/** Cursor-based export; records are yielded in export order. */
export async function* cursorExport(
  options: ExportOptions,
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  const { bookmark } = options;
  let cursor = typeof bookmark.cursor === 'string' && bookmark.cursor !== '' ? bookmark.cursor : undefined;
  const base = { per_page: options.perPage, ...options.query };
  for (;;) {
    const query: Record<string, QueryValue> = cursor
      ? { ...base, cursor }
      : { ...base, start_time: clampStartTime(options.startTime) };
    const page = await openPage(options, { url: options.path, query });
    if (page === undefined) return;
    const queue: Record<string, unknown>[] = [];
    const ahead = options.readAhead ?? 0;
    try {
      for await (const raw of page) {
        const record = options.transform ? options.transform(raw) : raw;
        if (ahead === 0) {
          yield record;
          continue;
        }
        queue.push(record);
        if (queue.length > ahead) yield queue.shift()!;
      }
      await page.drain();
    } finally {
      await page.close();
    }
    while (queue.length > 0) yield queue.shift()!;
    const envelope = envelopeOf(page);
    const next = envelope.after_cursor;
    if (typeof next === 'string' && next !== '') {
      cursor = next;
      // Only once every record of the page has been handed out: a resumed run repeats at most this page.
      bookmark.cursor = next;
    }
    if (envelope.end_of_stream === true || options.signal.aborted) return;
    if (typeof next !== 'string' || next === '') {
      throw new PaginationLoopError(
        `${options.stream}: the export page has no after_cursor and no end_of_stream; cannot continue`,
        { stream: options.stream },
      );
    }
  }
}

interface Boundary {
  ts: number;
  ids: (number | string)[];
}

function readBoundary(value: unknown): Boundary | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { ts, ids } = value as Record<string, unknown>;
  if (typeof ts !== 'number' || !Array.isArray(ids)) return undefined;
  return { ts, ids: ids.filter((id) => typeof id === 'number' || typeof id === 'string') };
}

/**
 * Time-based export. `timestampOf` reads the compared timestamp of a record (Unix seconds). The
 * bookmark keeps `boundary: {ts, ids}`: the ids already emitted at the latest timestamp, so neither
 * the next page nor the next run emits them again.
 */
export async function* timeExport(
  options: ExportOptions & { timestampOf: (record: Record<string, unknown>) => number | undefined },
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  const { bookmark } = options;
  let start = clampStartTime(options.startTime);
  const saved = readBoundary(bookmark.boundary);
  let boundaryTs = saved?.ts ?? -1;
  // Keyed by String(id); the original ids go back into the bookmark.
  let seen = new Map<string, number | string>(
    saved && saved.ts >= start ? saved.ids.map((id) => [String(id), id]) : [],
  );
  if (!saved || saved.ts < start) boundaryTs = -1;
  for (;;) {
    const query = { ...options.query, per_page: options.perPage, start_time: start };
    const page = await openPage(options, { url: options.path, query });
    if (page === undefined) return;
    let lastTs = -1;
    let lastIds = new Map<string, number | string>();
    let count = 0;
    try {
      for await (const record of page) {
        count += 1;
        const ts = options.timestampOf(record);
        const id = String(record.id);
        if (ts !== undefined) {
          if (ts !== lastTs) {
            lastTs = ts;
            lastIds = new Map();
          }
          lastIds.set(id, record.id as number | string);
          if (ts === boundaryTs && seen.has(id)) continue;
        }
        yield record;
      }
      await page.drain();
    } finally {
      await page.close();
    }
    const envelope = envelopeOf(page);
    const endTime = toEpochSeconds(envelope.end_time) ?? (lastTs >= 0 ? lastTs : start);
    if (lastTs >= 0) {
      if (lastTs === boundaryTs) for (const [key, id] of lastIds) seen.set(key, id);
      else {
        boundaryTs = lastTs;
        seen = lastIds;
      }
      bookmark.boundary = { ts: boundaryTs, ids: [...seen.values()] };
    }
    const endOfStream =
      typeof envelope.end_of_stream === 'boolean' ? envelope.end_of_stream : count < options.perPage;
    if (endOfStream || options.signal.aborted) return;
    if (endTime <= start) {
      throw new PaginationLoopError(
        `${options.stream}: more than ${count} records share the timestamp ${new Date(start * 1000).toISOString()}, so the time-based export cannot move past it (next_page repeats start_time=${start}); raise export_page_size (max 1000) or export this resource with a cursor-based endpoint`,
        { stream: options.stream, start_time: start },
      );
    }
    start = endTime;
  }
}
