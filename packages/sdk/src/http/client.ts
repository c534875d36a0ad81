/**
 * The HTTP client a tap shares across its streams: one undici agent (keep-alive, timeouts, proxy),
 * one rate limiter, one authenticator, and the retry loop. Bodies are read as streams; see
 * record-page.ts for how a retry is kept from emitting a record twice.
 *
 * Usage, nothing about Singer:
 *
 * ```ts
 * const client = new HttpClient({
 *   baseUrl: config.base_url ?? `https://${config.subdomain}.zendesk.com/api/v2`,
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
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { parseJson } from '../json/lossless-json.js';
import { Logger } from '../logging.js';
import { type AgentOptions, buildAgent, decompress, loadUndici } from './agent.js';
import type { AuthContext, Authenticator } from './auth.js';
import {
  type BodyDecoder,
  CsvDecoder,
  type CsvOptions,
  JsonLinesDecoder,
  type LineOptions,
} from './decoders.js';
import { readErrorBody, vendorMessage } from './error-body.js';
import { formatSeconds, interruptedError, toPublicError } from './failures.js';
import { JsonRecordParser, type RecordsPath } from './json-records.js';
import { prepareRequest, resolveUrl } from './prepare.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { RecordPage } from './record-page.js';
import {
  AttemptFailure,
  classifyNetworkError,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  withRetries,
} from './retry.js';
import {
  DEFAULT_RESET_HEADERS,
  headerValue,
  parseRetryAfter,
  type ResponseHeaders,
  requestedDelayMs,
} from './retry-after.js';
import type {
  ErrorBodyParser,
  HttpRequest,
  JsonResponse,
  PreparedRequest,
  RequestContext,
  ResponseInfo,
} from './types.js';

export interface HttpClientOptions extends AgentOptions {
  /** Joined in front of relative request URLs; a tap's `base_url` setting overrides its default here. */
  baseUrl: string;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** `singer-ts` unless set. */
  userAgent?: string;
  /** Applied to requests to the base URL's origin only, never to other hosts a link points at. */
  authenticator?: Authenticator;
  retry?: RetryOptions;
  /** One limiter for the whole tap; pass the same instance to share it across clients. */
  rateLimit?: RateLimiter | RateLimitOptions;
  /** Headers read for the wait after a 429 when Retry-After is absent. */
  resetHeaders?: readonly string[];
  /** Vendor errors inside bodies, 2xx included (Marketo, Zuora `{"success":false}`). */
  parseErrorBody?: ErrorBodyParser;
  /** Warnings, debug lines and METRIC lines; a logger named `http` on stderr unless set. */
  logger?: Logger;
  /** Called after every request (every attempt) with its timing. */
  onRequest?: (timing: RequestTiming) => void;
  /** Ask for gzip/deflate/br and decompress while streaming; true unless set. */
  compression?: boolean;
  /** Values to mask in errors and logs besides the authenticator's. */
  secrets?: readonly string[];
  /** Aborts requests in flight and retry waits, for a graceful shutdown. */
  signal?: AbortSignal;
  /** A dispatcher to use instead of building one (tests, or one agent shared by several clients). */
  dispatcher?: Dispatcher;
}

export interface RequestTiming {
  method: string;
  /** URL path without the query. */
  path: string;
  endpoint: string;
  /** Undefined when no response arrived. */
  status: number | undefined;
  /** Until the body was read to the end, or failed. */
  durationMs: number;
  ok: boolean;
  attempt: number;
  context: RequestContext;
}

export interface RecordsOptions {
  /** Where the records are in the JSON body: `tickets.*`, `data.*`, `*`, `$`. */
  recordsPath: RecordsPath;
  context?: RequestContext;
  /** Read the whole page inside the retry loop before handing out records (see record-page.ts). */
  bufferPage?: boolean;
}

export interface ResponseStreamOptions {
  context?: RequestContext;
  bufferPage?: boolean;
}

interface SendOptions {
  authenticate: boolean;
  accept: string;
}

interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly info: ResponseInfo;
  /** Idempotent: releases the limiter slot and reports the timing. */
  finish(ok: boolean): void;
}

const MAX_REDIRECTIONS = 5;

export class HttpClient {
  readonly baseUrl: URL;
  readonly logger: Logger;
  readonly limiter: RateLimiter;
  private readonly dispatcher: Dispatcher;
  private readonly ownedAgent: Dispatcher | undefined;
  private readonly retry: ResolvedRetryOptions;
  private readonly secretValues: string[] = [];
  private readonly authContext: AuthContext;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = new URL(options.baseUrl);
    this.logger = options.logger ?? new Logger({ name: 'http' });
    this.limiter =
      options.rateLimit instanceof RateLimiter ? options.rateLimit : new RateLimiter(options.rateLimit);
    this.retry = resolveRetryOptions(options.retry);
    this.addSecrets(options.secrets ?? []);
    if (options.dispatcher !== undefined) {
      this.dispatcher = options.dispatcher;
    } else {
      this.ownedAgent = buildAgent(options, (values) => this.addSecrets(values));
      this.dispatcher = this.ownedAgent.compose(
        loadUndici().interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }),
      );
    }
    this.authContext = {
      fetchJson: (request) =>
        this.send(request, {}, { authenticate: false, accept: 'application/json' }, (exchange, body) =>
          this.readJson(exchange, body),
        ),
    };
  }

  /** The whole body parsed as JSON (numbers kept exact); for small responses. */
  json<T = unknown>(request: HttpRequest, context: RequestContext = {}): Promise<JsonResponse<T>> {
    return this.send(request, context, { authenticate: true, accept: 'application/json' }, (exchange, body) =>
      this.readJson(exchange, body),
    ) as Promise<JsonResponse<T>>;
  }

  /** The whole body as text (XML, HTML, a small CSV). */
  text(request: HttpRequest, context: RequestContext = {}): Promise<JsonResponse<string>> {
    return this.send(request, context, { authenticate: true, accept: '*/*' }, readText);
  }

  /** A JSON page whose records stream out while it arrives; see RecordPage. */
  records<T = Record<string, unknown>>(
    request: HttpRequest,
    options: RecordsOptions,
  ): Promise<RecordPage<T>> {
    const decoder = () => new JsonRecordParser(options.recordsPath) as unknown as BodyDecoder<T>;
    return this.streamWith(request, decoder, options, 'application/json');
  }

  /** JSON lines (JSONL, NDJSON), one record per line. */
  jsonLines<T = Record<string, unknown>>(
    request: HttpRequest,
    options: ResponseStreamOptions & LineOptions = {},
  ): Promise<RecordPage<T>> {
    return this.streamWith(
      request,
      () => new JsonLinesDecoder(options) as unknown as BodyDecoder<T>,
      options,
      '*/*',
    );
  }

  /** CSV rows: objects keyed by the header row unless `header` says otherwise. */
  csv<T = Record<string, string>>(
    request: HttpRequest,
    options: ResponseStreamOptions & CsvOptions = {},
  ): Promise<RecordPage<T>> {
    return this.streamWith(
      request,
      () => new CsvDecoder(options) as unknown as BodyDecoder<T>,
      options,
      'text/csv, */*',
    );
  }

  /** Any body format: `decoder` is called once per attempt for a fresh decoder. */
  stream<T>(
    request: HttpRequest,
    decoder: () => BodyDecoder<T>,
    options: ResponseStreamOptions = {},
  ): Promise<RecordPage<T>> {
    return this.streamWith(request, decoder, options, '*/*');
  }

  /** Masks these values (with `***`) in errors and in every line of the logger. */
  addSecrets(values: readonly string[]): void {
    for (const value of values) {
      if (value.length >= 4 && !this.secretValues.includes(value)) {
        this.secretValues.push(value);
        const encoded = encodeURIComponent(value);
        if (encoded !== value && !this.secretValues.includes(encoded)) this.secretValues.push(encoded);
      }
    }
    this.logger.addSecrets(values);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secretValues) out = out.split(secret).join('***');
    return this.logger.redact(out);
  }

  /** Closes idle connections; waits for requests in flight. */
  async close(): Promise<void> {
    await this.ownedAgent?.close();
  }

  private streamWith<T>(
    request: HttpRequest,
    decoder: () => BodyDecoder<T>,
    options: ResponseStreamOptions,
    accept: string,
  ): Promise<RecordPage<T>> {
    const context = options.context ?? {};
    return this.send(request, context, { authenticate: true, accept }, async (exchange, body) => {
      const page = new RecordPage<T>(exchange.info, body, decoder(), {
        finish: (ok) => exchange.finish(ok),
        verify: (envelope) => this.verifyEnvelope(envelope, exchange.info),
        interrupted: (error, handedOut) =>
          interruptedError(
            error,
            handedOut,
            { method: exchange.method, path: exchange.path, context, attempts: 1 },
            (text) => this.redact(text),
          ),
      });
      await page.prime(options.bufferPage === true);
      return page;
    });
  }

  /**
   * The retry loop around one request. `consume` runs inside it on a 2xx and reads as much of the
   * body as must be read before the result can be handed out; it owns calling `exchange.finish`.
   */
  private async send<T>(
    request: HttpRequest,
    context: RequestContext,
    options: SendOptions,
    consume: (exchange: Exchange, body: AsyncIterable<Buffer | Uint8Array>) => Promise<T>,
  ): Promise<T> {
    const reauthenticated = { done: false };
    let attempts = 0;
    let method = (request.method ?? 'GET').toUpperCase();
    let path = '';
    try {
      return await withRetries(
        async (attemptNumber) => {
          attempts = attemptNumber;
          const prepared = prepareRequest(this.baseUrl, request, {
            accept: options.accept,
            userAgent: this.options.userAgent ?? 'singer-ts',
            compression: this.options.compression !== false,
            headers: this.options.headers ?? {},
          });
          method = prepared.method;
          path = prepared.url.pathname;
          return await this.attempt(
            prepared,
            request,
            context,
            options,
            attemptNumber,
            reauthenticated,
            consume,
          );
        },
        this.retry,
        {
          signal: this.options.signal,
          onRetry: (failure, delayMs, nextAttempt) =>
            this.logger.warn(
              this.redact(
                `${method} ${path}: ${failure.message}; retrying in ${formatSeconds(delayMs)} (attempt ${nextAttempt} of ${this.retry.maxAttempts})`,
              ),
              { ...context },
            ),
        },
      );
    } catch (error) {
      throw toPublicError(
        error,
        { method, path, context, attempts },
        (text) => this.redact(text),
        this.retry.maxTotalWaitMs,
      );
    }
  }

  private async attempt<T>(
    prepared: PreparedRequest,
    request: HttpRequest,
    context: RequestContext,
    options: SendOptions,
    attemptNumber: number,
    reauthenticated: { done: boolean },
    consume: (exchange: Exchange, body: AsyncIterable<Buffer | Uint8Array>) => Promise<T>,
  ): Promise<T> {
    const authenticated = options.authenticate && this.authenticates(prepared.url);
    if (authenticated) {
      const authenticator = this.options.authenticator!;
      this.addSecrets(authenticator.secrets());
      await authenticator.authenticate(prepared, this.authContext);
      this.addSecrets(authenticator.secrets());
    }
    const release = await this.limiter.acquire();
    const path = prepared.url.pathname;
    const endpoint = request.endpoint ?? path;
    const started = performance.now();
    const info: ResponseInfo = { status: 0, headers: {}, url: prepared.url };
    let finished = false;
    const exchange: Exchange = {
      method: prepared.method,
      path,
      info,
      finish: (ok) => {
        if (finished) return;
        finished = true;
        release();
        this.report({
          method: prepared.method,
          path,
          endpoint,
          status: info.status === 0 ? undefined : info.status,
          durationMs: performance.now() - started,
          ok,
          attempt: attemptNumber,
          context,
        });
      },
    };

    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: prepared.url.origin,
        path: `${prepared.url.pathname}${prepared.url.search}`,
        method: prepared.method as Dispatcher.HttpMethod,
        headers: prepared.headers,
        body: prepared.body ?? null,
        signal: this.options.signal,
      });
    } catch (error) {
      exchange.finish(false);
      throw classifyNetworkError(error) ?? error;
    }
    info.status = response.statusCode;
    info.headers = response.headers as ResponseHeaders;
    this.observeQuota(info.headers);

    if (info.status >= 200 && info.status < 300) {
      const body = decompress(response.body, info.headers);
      try {
        return await consume(exchange, body);
      } catch (error) {
        exchange.finish(false);
        response.body.destroy();
        if (error instanceof AttemptFailure)
          throw this.markReauthentication(error, authenticated, reauthenticated);
        if (error instanceof SyntaxError)
          throw new AttemptFailure('invalid_body', `response is not valid: ${error.message}`, {
            retryable: false,
            status: info.status,
            cause: error,
          });
        throw classifyNetworkError(error) ?? error;
      }
    }

    const errorBody = await readErrorBody(response.body);
    response.body.destroy();
    exchange.finish(false);
    const failure = this.statusFailure(info, errorBody, reauthenticated.done);
    if (info.status === 401 && authenticated && this.options.authenticator?.invalidate !== undefined) {
      if (!reauthenticated.done && this.options.authenticator.invalidate(prepared)) {
        reauthenticated.done = true;
        throw new AttemptFailure('auth', failure.message, {
          retryable: true,
          reauthenticate: true,
          status: 401,
        });
      }
    }
    throw failure;
  }

  /** A vendor's "token expired" inside a body gets the same single retry as a 401. */
  private markReauthentication(
    failure: AttemptFailure,
    authenticated: boolean,
    reauthenticated: { done: boolean },
  ): AttemptFailure {
    if (!failure.reauthenticate) return failure;
    if (authenticated && !reauthenticated.done && this.options.authenticator?.invalidate?.()) {
      reauthenticated.done = true;
      return new AttemptFailure('auth', failure.message, {
        retryable: true,
        reauthenticate: true,
        status: failure.status,
      });
    }
    const tried = reauthenticated.done ? ' (a fresh token was tried)' : '';
    return new AttemptFailure('auth', `${failure.message}${tried}`, {
      retryable: false,
      status: failure.status,
    });
  }

  private statusFailure(info: ResponseInfo, body: unknown, reauthenticated: boolean): AttemptFailure {
    const verdict = this.options.parseErrorBody?.(body, info);
    const message = `HTTP ${info.status}${describeVendor(verdict?.message ?? vendorMessage(body))}`;
    if (info.status === 401 || info.status === 407) {
      const tried = reauthenticated ? ' (a fresh token was tried)' : '';
      return new AttemptFailure('auth', `${message}${tried}`, { retryable: false, status: info.status });
    }
    const rateLimited = info.status === 429 || verdict?.rateLimited === true;
    // Reset headers describe the quota window and often come with every response, so they set the
    // wait only for a rate limit; any other retryable status waits for Retry-After or the backoff.
    const retryAfterMs =
      verdict?.retryAfterMs ??
      (rateLimited
        ? requestedDelayMs(info.headers, this.options.resetHeaders ?? DEFAULT_RESET_HEADERS)
        : parseRetryAfter(headerValue(info.headers, 'retry-after')));
    if (rateLimited && retryAfterMs !== undefined) this.limiter.pauseUntil(Date.now() + retryAfterMs);
    return new AttemptFailure(rateLimited ? 'rate_limited' : 'status', message, {
      retryable: verdict?.retryable ?? (rateLimited || this.retry.isRetryableStatus(info.status)),
      status: info.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(verdict?.code === undefined ? {} : { vendorCode: verdict.code }),
      reauthenticate: verdict?.reauthenticate === true,
    });
  }

  private async readJson(
    exchange: Exchange,
    body: AsyncIterable<Buffer | Uint8Array>,
  ): Promise<JsonResponse> {
    const text = await readAll(body);
    const parsed = text.trim() === '' ? undefined : parseJson(text);
    this.verifyEnvelope(parsed, exchange.info);
    exchange.finish(true);
    return { ...exchange.info, body: parsed };
  }

  private verifyEnvelope(envelope: unknown, info: ResponseInfo): void {
    const verdict = this.options.parseErrorBody?.(envelope, info);
    if (verdict === undefined) return;
    const rateLimited = verdict.rateLimited === true;
    if (rateLimited && verdict.retryAfterMs !== undefined)
      this.limiter.pauseUntil(Date.now() + verdict.retryAfterMs);
    throw new AttemptFailure(
      rateLimited ? 'rate_limited' : 'vendor',
      `vendor error${describeVendor(verdict.message)}`,
      {
        retryable: verdict.retryable === true || rateLimited,
        status: info.status,
        ...(verdict.retryAfterMs === undefined ? {} : { retryAfterMs: verdict.retryAfterMs }),
        ...(verdict.code === undefined ? {} : { vendorCode: verdict.code }),
        reauthenticate: verdict.reauthenticate === true,
      },
    );
  }

  /** Absolute URLs as they are; anything else appended to the base URL's path. */
  resolveUrl(url: string): URL {
    return resolveUrl(this.baseUrl, url);
  }

  private authenticates(url: URL): boolean {
    return this.options.authenticator !== undefined && url.origin === this.baseUrl.origin;
  }

  /** A response saying the quota is used up holds every stream until the reset. */
  private observeQuota(headers: ResponseHeaders): void {
    const remaining =
      headerValue(headers, 'ratelimit-remaining') ??
      headerValue(headers, 'x-ratelimit-remaining') ??
      headerValue(headers, 'x-rate-limit-remaining');
    if (remaining === undefined || remaining.trim() !== '0') return;
    const delay = requestedDelayMs(headers, this.options.resetHeaders ?? DEFAULT_RESET_HEADERS);
    if (delay !== undefined && delay > 0)
      this.limiter.pauseUntil(Date.now() + Math.min(delay, this.retry.maxTotalWaitMs));
  }

  private report(timing: RequestTiming): void {
    this.options.onRequest?.(timing);
    const status = timing.status === undefined ? 'no response' : String(timing.status);
    this.logger.debug(`${timing.method} ${timing.path} ${status} in ${Math.round(timing.durationMs)} ms`);
    // Seconds, as the Meltano SDK reports http_request_duration, so existing dashboards read it.
    this.logger.metric({
      type: 'timer',
      metric: 'http_request_duration',
      value: Math.round(timing.durationMs) / 1000,
      tags: {
        ...timing.context,
        endpoint: timing.endpoint,
        http_method: timing.method,
        http_status_code: timing.status,
        status: timing.ok ? 'succeeded' : 'failed',
      },
    });
  }
}

async function readAll(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

async function readText(
  exchange: Exchange,
  body: AsyncIterable<Buffer | Uint8Array>,
): Promise<JsonResponse<string>> {
  const text = await readAll(body);
  exchange.finish(true);
  return { ...exchange.info, body: text };
}

function describeVendor(message: string | undefined): string {
  return message === undefined || message === '' ? '' : `: ${message}`;
}
