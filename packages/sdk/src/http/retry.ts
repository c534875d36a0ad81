/**
 * The retry loop (p-retry underneath): which failures are worth another attempt, how long to wait,
 * and when to give up. A server's own wait (Retry-After, reset headers, a vendor hint) is honoured
 * exactly; otherwise the wait doubles from `baseDelayMs` with jitter so parallel streams spread out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';

export interface RetryOptions {
  /** Requests per call, the first included; 5 unless set. 1 disables retrying. */
  maxAttempts?: number;
  /** Total time a call may spend waiting between attempts; 10 minutes unless set. */
  maxTotalWaitMs?: number;
  /** First backoff wait, doubled per attempt; 1 s unless set. */
  baseDelayMs?: number;
  /** Longest single backoff wait (a server's Retry-After is not capped by this); 60 s unless set. */
  maxDelayMs?: number;
  /** Statuses worth retrying; 408, 429 and 5xx except 501 and 505 unless set. */
  isRetryableStatus?: (status: number) => boolean;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function isRetryableStatusDefault(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`retry maxAttempts must be a whole number of at least 1, got ${maxAttempts}`);
  return {
    maxAttempts,
    maxTotalWaitMs: options.maxTotalWaitMs ?? 600_000,
    baseDelayMs: options.baseDelayMs ?? 1_000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    isRetryableStatus: options.isRetryableStatus ?? isRetryableStatusDefault,
  };
}

export type FailureKind =
  | 'status'
  | 'rate_limited'
  | 'timeout'
  | 'connection'
  | 'invalid_body'
  | 'vendor'
  | 'auth'
  | 'interrupted';

/** What one failed attempt learnt; the client turns the last one into a public HttpError. */
export class AttemptFailure extends Error {
  readonly kind: FailureKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly reauthenticate: boolean;
  readonly vendorCode: string | undefined;
  /** Set when the retry budget, not the server, ended the call. */
  exhaustedWaitMs: number | undefined;

  constructor(
    kind: FailureKind,
    message: string,
    fields: {
      retryable: boolean;
      status?: number;
      retryAfterMs?: number;
      reauthenticate?: boolean;
      vendorCode?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: fields.cause });
    this.kind = kind;
    this.retryable = fields.retryable;
    this.status = fields.status;
    this.retryAfterMs = fields.retryAfterMs;
    this.reauthenticate = fields.reauthenticate ?? false;
    this.vendorCode = fields.vendorCode;
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);
const TRANSIENT_CONNECTION_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'Z_BUF_ERROR',
  'Z_DATA_ERROR',
]);

/** A network-level error as a failure, or undefined when it is not one (a bug, an abort). */
export function classifyNetworkError(error: unknown): AttemptFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TIMEOUT_CODES.has(code))
        return new AttemptFailure('timeout', describeTimeout(code), { retryable: true, cause: error });
      if (TRANSIENT_CONNECTION_CODES.has(code))
        return new AttemptFailure('connection', `connection failed (${code})`, {
          retryable: true,
          cause: error,
        });
      if (code === 'ENOTFOUND')
        return new AttemptFailure('connection', 'host not found; check the base URL', {
          retryable: false,
          cause: error,
        });
      if (/CERT|TLS|SSL/.test(code))
        return new AttemptFailure('connection', `TLS failure (${code})`, { retryable: false, cause: error });
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeTimeout(code: string): string {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'no response headers within the headers timeout';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'response body stalled longer than the body timeout';
  return `timed out (${code})`;
}

/** Exponential backoff with "equal jitter": between half and all of the doubled delay. */
export function backoffMs(retryIndex: number, options: ResolvedRetryOptions, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryHooks {
  /** Stops retrying (and a wait in progress) when aborted. */
  signal?: AbortSignal;
  /** Called before each wait, for the warning line. */
  onRetry?: (failure: AttemptFailure, delayMs: number, nextAttempt: number) => void;
}

/**
 * Runs `attempt` until it succeeds, throws a failure that is not retryable, or the budget is spent.
 * An attempt signals a retryable problem by throwing a retryable AttemptFailure; anything else ends
 * the loop at once, rejecting with that error (an AttemptFailure is still to be turned into a public
 * error by the caller, which knows the request).
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: ResolvedRetryOptions,
  hooks: RetryHooks = {},
): Promise<T> {
  let waitedMs = 0;
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt(attemptNumber);
      } catch (error) {
        if (error instanceof AttemptFailure && error.retryable) throw error;
        throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      }
    },
    {
      retries: options.maxAttempts - 1,
      signal: hooks.signal,
      // p-retry's own wait is switched off: the wait depends on the response, see onFailedAttempt.
      minTimeout: 0,
      maxTimeout: 0,
      shouldConsumeRetry: ({ error }) => !(error instanceof AttemptFailure && error.reauthenticate),
      onFailedAttempt: async ({ error, attemptNumber, retriesConsumed, retriesLeft }) => {
        const failure = error as AttemptFailure;
        if (failure.reauthenticate) return;
        if (retriesLeft <= 0) return;
        const delayMs = failure.retryAfterMs ?? backoffMs(retriesConsumed, options);
        if (waitedMs + delayMs > options.maxTotalWaitMs) {
          failure.exhaustedWaitMs = delayMs;
          throw failure;
        }
        hooks.onRetry?.(failure, delayMs, attemptNumber + 1);
        waitedMs += delayMs;
        if (delayMs > 0) await sleep(delayMs, undefined, { signal: hooks.signal });
      },
    },
  );
}
