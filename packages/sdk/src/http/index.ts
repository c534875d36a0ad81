/**
 * Talking HTTP to a vendor, and nothing about Singer.
 *
 * ```ts
 * const client = new HttpClient({
 *   baseUrl: config.api_url ?? `https://${config.subdomain}.zendesk.com/api/v2`,
 *   authenticator: new BasicAuthenticator(`${config.email}/token`, config.api_token),
 *   rateLimit: { requestsPerWindow: 700, windowMs: 60_000, maxConcurrency: 4 },
 *   retry: { maxAttempts: 5, maxTotalWaitMs: 600_000 },
 *   timeouts: { connectMs: 10_000, headersMs: 60_000, bodyMs: 60_000 },
 *   logger,
 * });
 * for await (const page of paginate(client, {
 *   request: { url: '/tickets.json', query: { per_page: 100 } },
 *   recordsPath: 'tickets.*',
 *   paginator: new NextUrlPaginator({ path: 'next_page' }),
 *   context: { stream: 'tickets' },
 * })) {
 *   for await (const record of page) emit(record);   // records arrive while the page downloads
 *   saveBookmark(page.lastRecord);                    // page.envelope, page.headers are complete here
 * }
 * await client.close();
 * ```
 *
 * One client per tap (one connection pool, one rate limiter, one token). Retries happen on status
 * and headers, and on a broken body only while none of its records has been handed out; see
 * record-page.ts.
 */
export type { AgentOptions, HttpTimeouts } from './agent.js';
export {
  type AccessToken,
  ApiKeyAuthenticator,
  type AuthContext,
  type Authenticator,
  BasicAuthenticator,
  BearerTokenAuthenticator,
  OAuth2Authenticator,
  type OAuth2Options,
  readTokenResponse,
  type StaticKeyOptions,
} from './auth.js';
export {
  HttpClient,
  type HttpClientOptions,
  type RecordsOptions,
  type RequestTiming,
  type StreamOptions,
} from './client.js';
export {
  type BodyDecoder,
  CsvDecoder,
  type CsvOptions,
  JsonLinesDecoder,
  LineDecoder,
  type LineOptions,
} from './decoders.js';
export { vendorMessage } from './error-body.js';
export {
  HttpBodyInterruptedError,
  HttpClientError,
  HttpConnectionError,
  type HttpErrorContext,
  HttpInvalidBodyError,
  HttpRateLimitedError,
  HttpServerError,
  HttpTimeoutError,
  PaginationLoopError,
  VendorApiError,
} from './errors.js';
export { JsonRecordParser, parseRecordsPath, type RecordsPath } from './json-records.js';
export { type PaginateOptions, paginate, paginateRecords } from './pages.js';
export {
  type CursorOptions,
  CursorPaginator,
  LinkHeaderPaginator,
  NextUrlPaginator,
  type OffsetOptions,
  OffsetPaginator,
  type PageNumberOptions,
  PageNumberPaginator,
  Paginator,
  type PaginatorOptions,
  parseLinkHeader,
  SinglePagePaginator,
  type TimeWindow,
  type TimeWindowOptions,
  TimeWindowPaginator,
  type TimeWindowToken,
  valueAt,
  withQuery,
} from './paginators.js';
export { RateLimiter, type RateLimitOptions, type Release } from './rate-limit.js';
export { type PageHooks, type PageInfo, RecordPage } from './record-page.js';
export { isRetryableStatusDefault, type RetryOptions } from './retry.js';
export {
  DEFAULT_RESET_HEADERS,
  headerValue,
  parseResetHeader,
  parseRetryAfter,
  type ResponseHeaders,
  requestedDelayMs,
} from './retry-after.js';
export type {
  ErrorBodyParser,
  ErrorVerdict,
  HttpRequest,
  JsonResponse,
  PreparedRequest,
  QueryValue,
  RequestContext,
  ResponseInfo,
} from './types.js';
