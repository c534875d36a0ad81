/**
 * RESTStream: a Stream whose records come from a paginated HTTP API. A subclass declares the path,
 * where the records sit in each JSON page and how pages follow each other (`nextPagePath` covers the
 * common case); the tap's shared HttpClient brings auth, retries, rate limiting and streaming parse,
 * so records are yielded while a page is still downloading.
 */
import type { RecordsPath } from '../http/json-records.js';
import { paginate } from '../http/pages.js';
import { NextPageTokenPaginator, type Paginator } from '../http/paginators.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { RecordPage } from '../http/record-page.js';
import type { HttpRequest, QueryValue } from '../http/types.js';
import type { Partition } from '../tap/state.js';
import { Stream, type StreamContext } from '../tap/stream.js';

export abstract class RESTStream<
  R extends object = Record<string, unknown>,
  C = Record<string, unknown>,
  P extends Partition = Partition,
> extends Stream<R, C> {
  /** Path under the client's base URL, or an absolute URL. */
  abstract readonly path: string;
  /** Where records sit in each JSON page: `tickets.*`, `data.*`, `*` for a top-level array. */
  readonly recordsPath: RecordsPath = '*';
  /**
   * Where the next page's URL or token is in each JSON page (`next_page`, `$.meta.next`), as
   * Meltano's `next_page_token_jsonpath`: a URL is followed, a token is sent as `nextPageParam`.
   * The walk ends when it is missing, null or empty.
   */
  readonly nextPagePath: string | undefined = undefined;
  /** Query parameter that sends a next-page token back (`page`, `cursor`); none for next-page URLs. */
  readonly nextPageParam: string | undefined = undefined;

  /**
   * Records read (and `postProcess`ed) ahead of the one being yielded, so work for them (child
   * requests) starts early; none by default. The buffer is emptied before `afterPage` runs.
   */
  readAhead(_context: StreamContext<P>): number {
    return 0;
  }

  /**
   * A budget of this endpoint on top of the client's (an export API's lower limit, shared by the
   * streams that use it): a slot is taken before every page request. None by default.
   */
  endpointBudget(): RateLimiter | undefined {
    return undefined;
  }

  /** Query parameters of the first request. */
  queryParams(_context: StreamContext<P>): Record<string, QueryValue> {
    return {};
  }

  /** The first request; override for a method, headers or a body. */
  request(context: StreamContext<P>): HttpRequest {
    return { url: this.path, query: this.queryParams(context) };
  }

  /** A fresh paginator for one walk over the endpoint; from `nextPagePath`, else one page. */
  paginator(_context: StreamContext<P>): Paginator<unknown> | undefined {
    if (this.nextPagePath === undefined) return undefined;
    return new NextPageTokenPaginator({
      path: this.nextPagePath,
      ...(this.nextPageParam !== undefined ? { param: this.nextPageParam } : {}),
    });
  }

  /**
   * Shapes or filters one raw record; return undefined to skip it. The default passes records as the
   * API sent them: `R` describes what the schema promises, and the Tap conforms records to it.
   */
  postProcess(record: Record<string, unknown>, _context: StreamContext<P>): R | undefined {
    return record as R;
  }

  /**
   * Called once a page has been read whole and all its records handed out: the place to keep a
   * cursor in `context.bookmark`, so a resumed run repeats at most one page.
   */
  afterPage(_page: RecordPage<Record<string, unknown>>, _context: StreamContext<P>): void {}

  async *getRecords(context: StreamContext<P>): AsyncGenerator<R> {
    const paginator = this.paginator(context);
    const budget = this.endpointBudget();
    const ahead = Math.max(0, this.readAhead(context));
    const queue: R[] = [];
    for await (const page of paginate<Record<string, unknown>>(this.http, {
      request: this.request(context),
      recordsPath: this.recordsPath,
      context: { stream: this.name },
      ...(paginator ? { paginator } : {}),
      ...(budget ? { beforeRequest: () => budget.acquire().then((release) => release()) } : {}),
    })) {
      // Whole batches, then their records: one async step per batch rather than one more per record.
      for await (const batch of page.batches()) {
        for (const raw of batch) {
          const record = this.postProcess(raw, context);
          if (record === undefined) continue;
          if (ahead === 0) yield record;
          else {
            queue.push(record);
            if (queue.length > ahead) yield queue.shift()!;
          }
        }
      }
      await page.drain();
      while (queue.length > 0) yield queue.shift()!;
      this.afterPage(page, context);
      if (context.signal.aborted) return;
    }
  }
}
