/**
 * Paginators, in the Meltano SDK's vocabulary: each one shapes the request for its current token
 * (`prepare`) and reads the next token from the finished page (`advance`). They know nothing about
 * Singer and can be composed: TimeWindowPaginator runs an inner paginator inside each window.
 * A paginator that produces the token it has just used fails with PaginationLoopError instead of
 * requesting the same page forever.
 */
import { PaginationLoopError } from './errors.js';
import type { PageInfo } from './record-page.js';
import { headerValue } from './retry-after.js';
import type { HttpRequest, QueryValue, RequestContext } from './types.js';

export interface PaginatorOptions<T> {
  /** Overrides the paginator's own test for another page (`meta.has_more`, `end_of_stream`). */
  hasMore?: (page: PageInfo) => boolean;
  /** Overrides how the token goes into the request (a JSON body field, a header, ...). */
  apply?(request: HttpRequest, token: T | undefined): HttpRequest;
}

export abstract class Paginator<T = unknown> {
  private token: T | undefined;
  private done = false;
  /** Pages advanced past. */
  pageCount = 0;
  /** The context of the latest `advance`, for composed paginators' errors. */
  protected context: RequestContext = {};

  constructor(
    start: T | undefined,
    protected readonly baseOptions: PaginatorOptions<T> = {},
  ) {
    this.token = start;
  }

  /** The token of the page about to be requested (the start value for the first page). */
  get current(): T | undefined {
    return this.token;
  }

  get finished(): boolean {
    return this.done;
  }

  /** The request for the current page. */
  prepare(request: HttpRequest): HttpRequest {
    if (this.baseOptions.apply !== undefined) return this.baseOptions.apply(request, this.token);
    return this.applyToken(request, this.token);
  }

  /** Moves to the next page, or finishes; `context` names the stream in a loop error. */
  advance(page: PageInfo, context: RequestContext = {}): void {
    if (this.done) throw new Error('the paginator has already finished');
    this.pageCount += 1;
    this.context = context;
    const more = this.baseOptions.hasMore ?? ((info: PageInfo) => this.hasMore(info));
    if (!more(page)) {
      this.done = true;
      return;
    }
    const next = this.nextToken(page);
    if (next === undefined || next === null || next === '') {
      this.done = true;
      return;
    }
    if (this.token !== undefined && sameToken(next, this.token)) {
      throw new PaginationLoopError(
        `pagination loop: page ${this.pageCount} gave the token it was requested with (${describeToken(next)}), so the API would serve the same page forever`,
        { ...context, token: describeToken(next), page: this.pageCount },
      );
    }
    this.token = next;
  }

  /** Whether another page exists; most paginators decide by whether a next token exists. */
  protected hasMore(_page: PageInfo): boolean {
    return true;
  }

  /** The next token, or undefined when this was the last page. */
  protected abstract nextToken(page: PageInfo): T | undefined;

  protected abstract applyToken(request: HttpRequest, token: T | undefined): HttpRequest;
}

/** An endpoint that returns everything at once. */
export class SinglePagePaginator extends Paginator<never> {
  constructor() {
    super(undefined);
  }
  protected nextToken(): undefined {
    return undefined;
  }
  protected applyToken(request: HttpRequest): HttpRequest {
    return request;
  }
}

/** Paginators whose token is the URL of the next page: it replaces the request URL and query. */
abstract class UrlPaginator extends Paginator<string> {
  constructor(
    options: PaginatorOptions<string> & { keepQuery?: boolean },
    private readonly keepQuery = options.keepQuery === true,
  ) {
    super(undefined, options);
  }
  protected applyToken(request: HttpRequest, token: string | undefined): HttpRequest {
    if (token === undefined) return request;
    if (this.keepQuery) return { ...request, url: token };
    const { query: _query, ...rest } = request;
    return { ...rest, url: token };
  }
}

/** The next page's URL in the body: Zendesk `next_page`, Zuora `nextPage`, `links.next`. */
export class NextUrlPaginator extends UrlPaginator {
  constructor(private readonly options: PaginatorOptions<string> & { path: string; keepQuery?: boolean }) {
    super(options);
  }
  protected nextToken(page: PageInfo): string | undefined {
    const value = valueAt(page.body, this.options.path);
    return typeof value === 'string' ? value : undefined;
  }
}

/** The next page's URL in a `Link: <...>; rel="next"` header (RFC 8288). */
export class LinkHeaderPaginator extends UrlPaginator {
  private readonly rel: string;
  constructor(options: PaginatorOptions<string> & { rel?: string; keepQuery?: boolean } = {}) {
    super(options);
    this.rel = options.rel ?? 'next';
  }
  protected nextToken(page: PageInfo): string | undefined {
    const raw = page.headers.link;
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const value of values) {
      const url = parseLinkHeader(value)[this.rel];
      if (url !== undefined) return url;
    }
    return undefined;
  }
}

/**
 * Meltano's `next_page_token_jsonpath`: the value at `path` (`next_page`, `$.links.next`) is the next
 * page's URL, followed as is, or with `param` a token sent back as that query parameter.
 */
export class NextPageTokenPaginator extends Paginator<string> {
  constructor(private readonly options: PaginatorOptions<string> & { path: string; param?: string }) {
    super(undefined, options);
  }
  protected nextToken(page: PageInfo): string | undefined {
    const value = valueAt(page.body, this.options.path);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }
  protected applyToken(request: HttpRequest, token: string | undefined): HttpRequest {
    if (token === undefined) return request;
    if (this.options.param !== undefined) return withQuery(request, { [this.options.param]: token });
    const { query: _query, ...rest } = request;
    return { ...rest, url: token };
  }
}

export interface CursorOptions extends PaginatorOptions<string> {
  /** Where the next cursor is in the body (`meta.after_cursor`, `nextPageToken`). */
  path?: string;
  /** Or the header that carries it. */
  header?: string;
  /** Query parameter (or JSON body field with `in: 'json'`) that sends it back (`page[after]`). */
  param: string;
  in?: 'query' | 'json';
  /** A body field that says whether more pages exist (`meta.has_more`, `moreResult`). */
  hasMorePath?: string;
  /** Cursor for the first page (a resumed run); none unless set. */
  start?: string;
}

/** An opaque cursor or "after" token sent back as a parameter. */
export class CursorPaginator extends Paginator<string> {
  constructor(private readonly options: CursorOptions) {
    super(options.start, options);
    if (options.path === undefined && options.header === undefined)
      throw new RangeError('CursorPaginator needs a body path or a header to read the cursor from');
  }
  protected override hasMore(page: PageInfo): boolean {
    if (this.options.hasMorePath === undefined) return true;
    return isTruthy(valueAt(page.body, this.options.hasMorePath));
  }
  protected nextToken(page: PageInfo): string | undefined {
    const value =
      this.options.header !== undefined
        ? headerValue(page.headers, this.options.header)
        : valueAt(page.body, this.options.path!);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }
  protected applyToken(request: HttpRequest, token: string | undefined): HttpRequest {
    if (token === undefined) return request;
    if (this.options.in === 'json') {
      const json = typeof request.json === 'object' && request.json !== null ? request.json : {};
      return { ...request, json: { ...json, [this.options.param]: token } };
    }
    return withQuery(request, { [this.options.param]: token });
  }
}

export interface PageNumberOptions extends PaginatorOptions<number> {
  /** `page` unless set. */
  param?: string;
  /** 1 unless set. */
  start?: number;
  /** Records asked for per page; a shorter page is the last one. */
  pageSize?: number;
  /** The parameter that asks for `pageSize` (`per_page`). */
  sizeParam?: string;
}

/** `?page=1`, `?page=2`, ... until a page comes back short (or empty). */
export class PageNumberPaginator extends Paginator<number> {
  constructor(private readonly options: PageNumberOptions = {}) {
    super(options.start ?? 1, options);
  }
  protected override hasMore(page: PageInfo): boolean {
    return this.options.pageSize === undefined
      ? page.recordCount > 0
      : page.recordCount >= this.options.pageSize;
  }
  protected nextToken(): number {
    return (this.current ?? this.options.start ?? 1) + 1;
  }
  protected applyToken(request: HttpRequest, token: number | undefined): HttpRequest {
    const query: Record<string, QueryValue> = { [this.options.param ?? 'page']: token };
    if (this.options.sizeParam !== undefined) query[this.options.sizeParam] = this.options.pageSize;
    return withQuery(request, query);
  }
}

export interface OffsetOptions extends PaginatorOptions<number> {
  /** Records per page; a shorter page is the last one. */
  limit: number;
  /** `offset` unless set. */
  offsetParam?: string;
  /** `limit` unless set. */
  limitParam?: string;
  /** 0 unless set. */
  start?: number;
  /** A body field with the total number of records, which ends paging exactly. */
  totalPath?: string;
}

/** `?offset=0&limit=100`, moving by the records actually received. */
export class OffsetPaginator extends Paginator<number> {
  constructor(private readonly options: OffsetOptions) {
    super(options.start ?? 0, options);
    if (!(options.limit > 0)) throw new RangeError('OffsetPaginator needs a positive limit');
  }
  protected override hasMore(page: PageInfo): boolean {
    if (page.recordCount === 0) return false;
    if (this.options.totalPath !== undefined) {
      const total = Number(valueAt(page.body, this.options.totalPath));
      if (Number.isFinite(total)) return (this.current ?? 0) + page.recordCount < total;
    }
    return page.recordCount >= this.options.limit;
  }
  protected nextToken(page: PageInfo): number {
    return (this.current ?? 0) + page.recordCount;
  }
  protected applyToken(request: HttpRequest, token: number | undefined): HttpRequest {
    return withQuery(request, {
      [this.options.offsetParam ?? 'offset']: token,
      [this.options.limitParam ?? 'limit']: this.options.limit,
    });
  }
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface TimeWindowToken extends TimeWindow {
  /** The inner paginator's token within this window. */
  inner: unknown;
}

export interface TimeWindowOptions extends PaginatorOptions<TimeWindowToken> {
  start: Date;
  /** The run's upper bound, fixed when the paginator is made; now unless set. */
  end?: Date;
  windowMs: number;
  /** Query parameters for the window's bounds (`startTime`, `endTime`). */
  startParam?: string;
  endParam?: string;
  /** How a bound is written; ISO 8601 unless set. */
  format?: (date: Date) => string;
  /** Pages within each window (a cursor, a page number); one page per window unless set. */
  inner?: () => Paginator;
}

/**
 * Walks `[start, end]` in windows of `windowMs`. Each window starts where the previous ended, so
 * with inclusive bounds a record stamped exactly on a boundary is read twice (harmless for
 * upserts) and never missed.
 */
export class TimeWindowPaginator extends Paginator<TimeWindowToken> {
  private readonly end: Date;
  private inner: Paginator;

  constructor(private readonly options: TimeWindowOptions) {
    const end = options.end ?? new Date();
    if (!(options.windowMs > 0)) throw new RangeError('TimeWindowPaginator needs a positive windowMs');
    const inner = (options.inner ?? (() => new SinglePagePaginator()))();
    const windowEnd = new Date(Math.min(options.start.getTime() + options.windowMs, end.getTime()));
    super({ start: options.start, end: windowEnd, inner: inner.current }, options);
    this.end = end;
    this.inner = inner;
  }

  /** The window the next request covers. */
  get window(): TimeWindow {
    const token = this.current!;
    return { start: token.start, end: token.end };
  }

  override prepare(request: HttpRequest): HttpRequest {
    return this.inner.prepare(super.prepare(request));
  }

  protected override hasMore(page: PageInfo): boolean {
    this.inner.advance(page, this.context);
    return !this.inner.finished || this.current!.end.getTime() < this.end.getTime();
  }

  protected nextToken(): TimeWindowToken {
    const token = this.current!;
    if (!this.inner.finished) return { ...token, inner: this.inner.current };
    const start = token.end;
    const end = new Date(Math.min(start.getTime() + this.options.windowMs, this.end.getTime()));
    this.inner = (this.options.inner ?? (() => new SinglePagePaginator()))();
    return { start, end, inner: this.inner.current };
  }

  protected applyToken(request: HttpRequest, token: TimeWindowToken | undefined): HttpRequest {
    if (token === undefined) return request;
    const format = this.options.format ?? ((date: Date) => date.toISOString());
    return withQuery(request, {
      [this.options.startParam ?? 'start_time']: format(token.start),
      [this.options.endParam ?? 'end_time']: format(token.end),
    });
  }
}

/** A copy of `request` with these query parameters set. */
export function withQuery(request: HttpRequest, query: Record<string, QueryValue>): HttpRequest {
  return { ...request, query: { ...request.query, ...query } };
}

/** The value at a dotted path (`meta.after_cursor`, `links.next`, `items.0.id`). */
export function valueAt(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const segment of path.replace(/^\$\.?/, '').split('.')) {
    if (segment === '') continue;
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** `<https://x/?page=2>; rel="next", <...>; rel="last"` as `{ next, last }`. */
export function parseLinkHeader(value: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1];
    if (rel === undefined) continue;
    for (const name of rel.trim().split(/\s+/)) links[name.toLowerCase()] ??= match[1]!;
  }
  return links;
}

function isTruthy(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

function sameToken(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A token for an error message: a URL loses its query (it may carry a key), long text is cut. */
function describeToken(token: unknown): string {
  let text = typeof token === 'string' ? token : JSON.stringify(token);
  if (typeof token === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(token)) {
    try {
      const url = new URL(token);
      text = `${url.origin}${url.pathname}${url.search === '' ? '' : '?…'}`;
    } catch {
      // Not a URL after all; shown as text.
    }
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
