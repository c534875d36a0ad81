import { badRequest, type Ctx, HttpError, streamCollection } from './http.js';
import type { Row } from './rows.js';
import type { Json } from './util.js';

// ------------------------------------------------------------------ cursors

/** List cursors look like Zendesk's: base64 of {"o":"id","v":"<base64 position>"} (may contain = + /). */
export function encodeListCursor(position: number): string {
  const v = Buffer.from(`\u0001${position}`).toString('base64');
  return Buffer.from(JSON.stringify({ o: 'id', v })).toString('base64');
}

export function decodeListCursor(cursor: string): number {
  try {
    const o = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { o?: unknown; v?: unknown };
    const raw = Buffer.from(String(o.v), 'base64').toString('utf8');
    const n = Number(raw.slice(1));
    if (o.o === 'id' && raw.startsWith('\u0001') && Number.isSafeInteger(n) && n >= 0) return n;
  } catch {
    // fall through
  }
  throw badRequest('Invalid cursor value', 'InvalidPaginationParameter');
}

/** Export cursors encode a stream position (timestamp and sequence), as Zendesk's `1714557296.0||467|`. */
export function encodeExportCursor(ts: number, seq: number): string {
  return Buffer.from(`${ts}.0||${seq}|`).toString('base64');
}

export function decodeExportCursor(cursor: string): { ts: number; seq: number } {
  const m = /^(-?\d+)\.0\|\|(-?\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw badRequest('Invalid cursor', 'InvalidCursor');
  return { ts: Number(m[1]), seq: Number(m[2]) };
}

// ------------------------------------------------------------------ links

/** A link back to this emulator: same path, the request's other parameters, with `set` applied. */
export function selfLink(ctx: Ctx, set: Record<string, string | number>, keep = true): string {
  const params = new URLSearchParams();
  if (keep) {
    for (const [k, v] of ctx.url.searchParams) {
      if (k === 'page' || k.startsWith('page[') || k in set) continue;
      params.append(k, v);
    }
  }
  for (const [k, v] of Object.entries(set)) params.set(k, String(v));
  return `${ctx.base}${ctx.url.pathname}?${params.toString()}`;
}

function intParam(ctx: Ctx, name: string, def: number, min: number, max: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${name} must be an integer`, 'InvalidPaginationParameter');
  return Math.max(min, Math.min(max, Number(raw)));
}

// ------------------------------------------------------------------ list endpoints

/** A virtual list in its natural order; `at` returns null for hidden items (archived, deleted, filtered out). */
export interface VList {
  size: number;
  at(k: number): Json | null;
  /** Total visible items when known cheaply (offset `count`). */
  count?: () => number;
  /** Positions before this are known to be hidden (a filter's lower bound). */
  start?: number;
}

export const arrayList = (items: Json[]): VList => ({
  size: items.length,
  at: (k) => items[k] ?? null,
  count: () => items.length,
});

export interface ListOptions {
  cursor?: boolean;
  offset?: boolean;
  /** Respond with a size above this with a 504 (fault option). */
  timeoutAbove?: number | null;
}

/** Serves a list endpoint with Zendesk's cursor (`page[size]`) or offset (`page`/`per_page`) pagination. */
export async function servePage(ctx: Ctx, key: string, list: VList, o: ListOptions = {}): Promise<void> {
  const sp = ctx.url.searchParams;
  const wantsCursor = sp.has('page[size]') || sp.has('page[after]') || sp.has('page[before]');
  const checkTimeout = (n: number) => {
    if (o.timeoutAbove != null && n > o.timeoutAbove) {
      throw new HttpError(504, '<html><body><h1>504 Gateway Time-out</h1></body></html>', 'text/html');
    }
  };
  if (wantsCursor && o.cursor !== false) {
    if (sp.has('page[after]') && sp.has('page[before]')) {
      throw badRequest('page[after] and page[before] cannot be used together', 'InvalidPaginationParameter');
    }
    const size = intParam(ctx, 'page[size]', 100, 1, 100);
    checkTimeout(size);
    const items: Json[] = [];
    let firstPos = -1;
    let lastPos = -1;
    let hasMore = false;
    const before = sp.get('page[before]');
    if (before !== null) {
      const end = decodeListCursor(before);
      let k = Math.min(end, list.size) - 1;
      const rev: Array<[number, Json]> = [];
      const floor = list.start ?? 0;
      for (; k >= floor && rev.length < size; k--) {
        const r = list.at(k);
        if (r) rev.push([k, r]);
      }
      for (; k >= floor && !hasMore; k--) if (list.at(k)) hasMore = true;
      rev.reverse();
      for (const [, r] of rev) items.push(r);
      firstPos = rev[0]?.[0] ?? -1;
      lastPos = rev[rev.length - 1]?.[0] ?? -1;
    } else {
      const after = sp.get('page[after]');
      let k = Math.max(list.start ?? 0, after !== null ? decodeListCursor(after) + 1 : 0);
      for (; k < list.size && items.length < size; k++) {
        const r = list.at(k);
        if (!r) continue;
        if (firstPos < 0) firstPos = k;
        lastPos = k;
        items.push(r);
      }
      for (; k < list.size && !hasMore; k++) if (list.at(k)) hasMore = true;
    }
    const afterCursor = lastPos >= 0 ? encodeListCursor(lastPos) : null;
    const beforeCursor = firstPos >= 0 ? encodeListCursor(firstPos) : null;
    await streamCollection(ctx, key, items, {
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        prev: beforeCursor ? selfLink(ctx, { 'page[before]': beforeCursor, 'page[size]': size }) : null,
        next: afterCursor ? selfLink(ctx, { 'page[after]': afterCursor, 'page[size]': size }) : null,
      },
    });
    return;
  }
  if (o.offset === false) {
    // No pagination at all: everything in one response.
    const items: Json[] = [];
    for (let k = 0; k < list.size; k++) {
      const r = list.at(k);
      if (r) items.push(r);
    }
    await streamCollection(ctx, key, items, { next_page: null, previous_page: null, count: items.length });
    return;
  }
  const page = intParam(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const perPage = intParam(ctx, 'per_page', 100, 1, 100);
  checkTimeout(perPage);
  if (page > 100 || (page - 1) * perPage >= 10_000) {
    throw new HttpError(400, {
      error: 'InvalidPaginationParameter',
      description:
        'Offset pagination is limited to the first 100 pages (10,000 records). Use cursor-based pagination (page[size]) instead.',
    });
  }
  const skip = (page - 1) * perPage;
  const items: Json[] = [];
  let seen = 0;
  let k = list.start ?? 0;
  for (; k < list.size && items.length < perPage; k++) {
    const r = list.at(k);
    if (!r) continue;
    if (seen++ >= skip) items.push(r);
  }
  let more = false;
  for (; k < list.size && !more; k++) if (list.at(k)) more = true;
  let count: number;
  if (list.count) count = list.count();
  else {
    count = seen;
    for (let j = k; j < list.size; j++) if (list.at(j)) count++;
    if (more) count++;
  }
  await streamCollection(ctx, key, items, {
    // Like Zendesk, page 100 still links to page 101, which then fails with 400.
    next_page: more ? selfLink(ctx, { page: page + 1, per_page: perPage }) : null,
    previous_page: page > 1 ? selfLink(ctx, { page: page - 1, per_page: perPage }) : null,
    count,
  });
}

// ------------------------------------------------------------------ incremental exports

export interface ExportOptions {
  freshnessSeconds: number;
  timeoutAbove?: number | null;
}

/** start_time validation shared by every incremental export (freshness window, future, malformed). */
export function parseStartTime(ctx: Ctx, freshness: number): number {
  const raw = ctx.url.searchParams.get('start_time');
  if (raw === null || raw === '') throw badRequest('start_time is required');
  if (!/^\d+$/.test(raw)) throw badRequest('start_time must be an integer Unix timestamp (seconds)');
  const start = Number(raw);
  if (start > ctx.now - freshness) {
    throw new HttpError(422, {
      error: 'InvalidValue',
      description: 'Too recent start_time. Use a start_time older than 1 minute',
    });
  }
  return start;
}

function perPage(ctx: Ctx, o: ExportOptions): number {
  const n = intParam(ctx, 'per_page', 1000, 1, 1000);
  if (o.timeoutAbove != null && n > o.timeoutAbove) {
    throw new HttpError(504, '<html><body><h1>504 Gateway Time-out</h1></body></html>', 'text/html');
  }
  return n;
}

interface Collected {
  items: Json[];
  last: { ts: number; seq: number } | null;
  first: { ts: number; seq: number } | null;
  more: boolean;
}

function collect(rows: Iterator<Row>, limit: number, cutoff: number, skipDeleted: boolean): Collected {
  const items: Json[] = [];
  let last: Collected['last'] = null;
  let first: Collected['first'] = null;
  let more = false;
  for (;;) {
    const n = rows.next();
    if (n.done) break;
    const r = n.value;
    if (r.ts > cutoff) break;
    if (skipDeleted && r.deleted) {
      if (items.length < limit) last = { ts: r.ts, seq: r.seq };
      continue;
    }
    if (items.length >= limit) {
      more = true;
      break;
    }
    if (!first) first = { ts: r.ts, seq: r.seq };
    last = { ts: r.ts, seq: r.seq };
    items.push(r.render());
  }
  return { items, last, first, more };
}

/** Cursor-based export (tickets, users): start_time on the first call, then cursor. */
export async function serveCursorExport(
  ctx: Ctx,
  key: string,
  rowsFrom: (ts: number, seq: number) => Iterator<Row>,
  o: ExportOptions & { deletable?: boolean },
): Promise<void> {
  const sp = ctx.url.searchParams;
  const cursor = sp.get('cursor');
  if (cursor !== null && sp.has('start_time')) {
    throw badRequest('start_time and cursor cannot be used together');
  }
  const size = perPage(ctx, o);
  const from =
    cursor !== null ? decodeExportCursor(cursor) : { ts: parseStartTime(ctx, o.freshnessSeconds), seq: -1 };
  const skipDeleted = o.deletable === true && sp.get('exclude_deleted') === 'true';
  const c = collect(rowsFrom(from.ts, from.seq), size, ctx.now - o.freshnessSeconds, skipDeleted);
  const pos = c.last ?? from;
  const afterCursor = encodeExportCursor(pos.ts, pos.seq);
  const beforeCursor = cursor !== null && c.first ? encodeExportCursor(c.first.ts, c.first.seq - 1) : null;
  const link = (cur: string) => {
    const params = new URLSearchParams({ cursor: cur });
    if (sp.has('per_page')) params.set('per_page', String(size));
    return `${ctx.base}${ctx.url.pathname}?${params.toString()}`;
  };
  await streamCollection(ctx, key, c.items, {
    after_url: link(afterCursor),
    after_cursor: afterCursor,
    before_url: beforeCursor ? link(beforeCursor) : null,
    before_cursor: beforeCursor,
    end_of_stream: !c.more,
  });
}

/** Time-based export: inclusive start_time, end_time = last item's timestamp, next_page uses it. */
export async function serveTimeExport(
  ctx: Ctx,
  key: string,
  rowsFrom: (ts: number, seq: number) => Iterator<Row>,
  o: ExportOptions & { deletable?: boolean; endOfStream?: boolean },
): Promise<void> {
  const sp = ctx.url.searchParams;
  const start = parseStartTime(ctx, o.freshnessSeconds);
  const size = perPage(ctx, o);
  const skipDeleted = o.deletable === true && sp.get('exclude_deleted') === 'true';
  const c = collect(rowsFrom(start, -1), size, ctx.now - o.freshnessSeconds, skipDeleted);
  const endTime = c.last ? c.last.ts : start;
  const params = new URLSearchParams({ start_time: String(endTime) });
  if (sp.has('per_page')) params.set('per_page', String(size));
  const tail: Record<string, unknown> = {
    count: c.items.length,
    end_time: endTime,
    next_page: `${ctx.base}${ctx.url.pathname}?${params.toString()}`,
  };
  if (o.endOfStream !== false) tail.end_of_stream = !c.more;
  await streamCollection(ctx, key, c.items, tail);
}
