/**
 * RESTStream: a Stream whose records come from a paginated HTTP API. A subclass declares the path,
 * where the records sit in each JSON page and how pages follow each other; the shared HttpClient
 * brings auth, retries, rate limiting and streaming parse, so records are yielded while a page is
 * still downloading.
 */
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import type { RecordsPath } from '../http/json-records.js';
import { paginate } from '../http/pages.js';
import type { Paginator } from '../http/paginators.js';
import { RateLimiter } from '../http/rate-limit.js';
import type { RecordPage } from '../http/record-page.js';
import type { HttpRequest, QueryValue } from '../http/types.js';
import type { Logger } from '../logging.js';
import { Stream, type StreamContext, type StreamOptions } from '../tap/stream.js';

export interface RESTStreamOptions<C> extends StreamOptions<C> {
  /** One client per tap: one connection pool, one rate limiter, one token. */
  client: HttpClient;
}

/** Settings every REST tap accepts for its HTTP client (merged into its settings schema). */
export const httpSettingsSchema = {
  type: 'object',
  properties: {
    base_url: { type: 'string', description: 'Overrides the vendor host (a proxy or an emulator)' },
    request_timeout: {
      type: 'number',
      description: 'Seconds to wait for response headers and for each body chunk',
    },
    max_attempts: {
      type: 'integer',
      minimum: 1,
      description: 'Tries per request before failing (retries 5xx, resets, 429s without Retry-After)',
    },
    max_rate_limit_wait: {
      type: 'number',
      minimum: 0,
      default: 3600,
      description:
        'Seconds a request may spend waiting out 429s that say when to come back (Retry-After); such waits use no attempts',
    },
    requests_per_minute: {
      type: 'integer',
      minimum: 1,
      description: 'Client-side request budget shared by all streams',
    },
    max_concurrency: {
      type: 'integer',
      minimum: 1,
      description: 'Requests in flight at once across streams',
    },
    proxy_url: { type: 'string', description: 'HTTP(S) proxy; HTTPS_PROXY is honoured when unset' },
  },
} as const;

export interface HttpSettings {
  base_url?: string;
  request_timeout?: number;
  max_attempts?: number;
  max_rate_limit_wait?: number;
  requests_per_minute?: number;
  max_concurrency?: number;
  proxy_url?: string;
}

/** An HttpClient configured from the shared HTTP settings; `base_url` wins over the vendor default. */
export function createHttpClient(
  settings: HttpSettings,
  defaults: Omit<HttpClientOptions, 'baseUrl'> & { baseUrl: string; logger: Logger },
): HttpClient {
  const timeoutMs = settings.request_timeout !== undefined ? settings.request_timeout * 1000 : undefined;
  const overrides = {
    ...(settings.requests_per_minute !== undefined
      ? { requestsPerWindow: settings.requests_per_minute, windowMs: 60_000 }
      : {}),
    ...(settings.max_concurrency !== undefined ? { maxConcurrency: settings.max_concurrency } : {}),
  };
  // Settings refine the vendor's defaults; a shared RateLimiter instance is used as given.
  const rateLimit =
    Object.keys(overrides).length === 0 || defaults.rateLimit instanceof RateLimiter
      ? defaults.rateLimit
      : { ...defaults.rateLimit, ...overrides };
  return new HttpClient({
    ...defaults,
    baseUrl: settings.base_url ?? defaults.baseUrl,
    ...(timeoutMs !== undefined ? { timeouts: { headersMs: timeoutMs, bodyMs: timeoutMs } } : {}),
    ...(settings.max_attempts !== undefined || settings.max_rate_limit_wait !== undefined
      ? {
          retry: {
            ...defaults.retry,
            ...(settings.max_attempts !== undefined ? { maxAttempts: settings.max_attempts } : {}),
            ...(settings.max_rate_limit_wait !== undefined
              ? { maxRateLimitWaitMs: settings.max_rate_limit_wait * 1000 }
              : {}),
          },
        }
      : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(settings.proxy_url !== undefined ? { proxy: settings.proxy_url } : {}),
  });
}

export abstract class RESTStream<
  R extends Record<string, unknown> = Record<string, unknown>,
  C = Record<string, unknown>,
> extends Stream<R, C> {
  /** Path under the client's base URL, or an absolute URL. */
  abstract readonly path: string;
  /** Where records sit in each JSON page: `tickets.*`, `data.*`, `*` for a top-level array. */
  readonly recordsPath: RecordsPath = '*';
  readonly client: HttpClient;

  constructor(options: RESTStreamOptions<C>) {
    super(options);
    this.client = options.client;
  }

  /** Query parameters of the first request. */
  queryParams(_context: StreamContext<C>): Record<string, QueryValue> {
    return {};
  }

  /** The first request; override for a method, headers or a body. */
  request(context: StreamContext<C>): HttpRequest {
    return { url: this.path, query: this.queryParams(context) };
  }

  /** A fresh paginator for one walk over the endpoint; one page when undefined. */
  paginator(_context: StreamContext<C>): Paginator<unknown> | undefined {
    return undefined;
  }

  /** Shapes or filters one raw record; return undefined to skip it. */
  postProcess(record: Record<string, unknown>, _context: StreamContext<C>): R | undefined {
    return record as R;
  }

  /** Called once a page has been read whole (for example to keep a cursor in the bookmark). */
  afterPage(_page: RecordPage<Record<string, unknown>>, _context: StreamContext<C>): void {}

  async *getRecords(context: StreamContext<C>): AsyncGenerator<R> {
    const paginator = this.paginator(context);
    for await (const page of paginate<Record<string, unknown>>(this.client, {
      request: this.request(context),
      recordsPath: this.recordsPath,
      context: { stream: this.name },
      ...(paginator ? { paginator } : {}),
    })) {
      // Whole batches, then their records: one async step per batch rather than one more per record.
      for await (const batch of page.batches()) {
        for (const raw of batch) {
          const record = this.postProcess(raw, context);
          if (record !== undefined) yield record;
        }
      }
      await page.drain();
      this.afterPage(page, context);
    }
  }
}
