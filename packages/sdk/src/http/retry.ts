/**
 * The retry loop (p-retry underneath): which failures are worth another attempt, how long to wait,
 * and when to give up. A server's own wait (Retry-After, reset headers, a vendor hint) is honoured
 * exactly; otherwise the wait doubles from `baseDelayMs` with jitter so parallel streams spread out.
 * A rate limit that says when to come back is not a failure: it uses none of `maxAttempts`, does not
 * grow the backoff of a later failure, and is bounded by its own budget, `maxRateLimitWaitMs`.
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
  /**
   * Total time a call may spend waiting out rate limits that said when to come back (a 429 with
   * Retry-After or a reset header, a vendor's rate-limit hint); one hour unless set.
   */
  maxRateLimitWaitMs?: number;
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
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 3_600_000,
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
  /** Set when a wait budget, not the server, ended the call: the wait asked for, and the budget. */
  exhaustedWaitMs: number | undefined;
  exhaustedBudget: { name: 'maxTotalWaitMs' | 'maxRateLimitWaitMs'; ms: number } | undefined;

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

/** A rate limit that says when to come back: waited out, without using up an attempt. */
export function isRateLimitWait(failure: AttemptFailure): boolean {
  return failure.kind === 'rate_limited' && failure.retryAfterMs !== undefined;
}

/**
 * The least a rate-limit wait charges to its budget: a server answering "Retry-After: 0" forever
 * would otherwise be retried forever.
 */
const MIN_RATE_LIMIT_CHARGE_MS = 1_000;

export interface RetryHooks {
  /** Stops retrying (and a wait in progress) when aborted. */
  signal?: AbortSignal;
  /**
   * Called before each wait, for the warning line. `nextAttempt` counts attempts against
   * `maxAttempts`; `rateLimitWaitedMs` is the rate-limit budget used, this wait included, when this
   * wait is one.
   */
  onRetry?: (
    failure: AttemptFailure,
    delayMs: number,
    nextAttempt: number,
    rateLimitWaitedMs?: number,
  ) => void;
  /** Waits `ms` (a test passes a fake clock's); a timer honouring `signal` unless set. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Called as a wait starts; the function it returns, as it ends (progress lines, see progress.ts). */
  whileWaiting?: (failure: AttemptFailure, delayMs: number) => () => void;
}

const defaultSleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  sleep(ms, undefined, { signal });

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
  let rateLimitWaitedMs = 0;
  const sleepFor = hooks.sleep ?? defaultSleep;
  const wait = async (failure: AttemptFailure, ms: number): Promise<void> => {
    const stop = hooks.whileWaiting?.(failure, ms);
    try {
      await sleepFor(ms, hooks.signal);
    } finally {
      stop?.();
    }
  };
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
      // Attempts are counted here, not by p-retry: a rate-limit wait after the last failure that
      // attempts allow must still be waited out, and p-retry ends a call once its retries are used.
      retries: Number.POSITIVE_INFINITY,
      signal: hooks.signal,
      // p-retry's own wait is switched off: the wait depends on the response, see onFailedAttempt.
      minTimeout: 0,
      maxTimeout: 0,
      shouldConsumeRetry: ({ error }) =>
        !(error instanceof AttemptFailure && (error.reauthenticate || isRateLimitWait(error))),
      onFailedAttempt: async ({ error, retriesConsumed }) => {
        const failure = error as AttemptFailure;
        if (failure.reauthenticate) return;
        // Attempts that failed so far, plus the next one; rate-limit waits count in neither.
        const nextAttempt = retriesConsumed + 2;
        if (isRateLimitWait(failure)) {
          const delayMs = failure.retryAfterMs!;
          const charged = Math.max(delayMs, MIN_RATE_LIMIT_CHARGE_MS);
          if (rateLimitWaitedMs + charged > options.maxRateLimitWaitMs) {
            failure.exhaustedWaitMs = delayMs;
            failure.exhaustedBudget = { name: 'maxRateLimitWaitMs', ms: options.maxRateLimitWaitMs };
            throw failure;
          }
          rateLimitWaitedMs += charged;
          hooks.onRetry?.(failure, delayMs, nextAttempt - 1, rateLimitWaitedMs);
          if (delayMs > 0) await wait(failure, delayMs);
          return;
        }
        if (retriesConsumed >= options.maxAttempts - 1) throw failure;
        const delayMs = failure.retryAfterMs ?? backoffMs(retriesConsumed, options);
        if (waitedMs + delayMs > options.maxTotalWaitMs) {
          failure.exhaustedWaitMs = delayMs;
          failure.exhaustedBudget = { name: 'maxTotalWaitMs', ms: options.maxTotalWaitMs };
          throw failure;
        }
        hooks.onRetry?.(failure, delayMs, nextAttempt);
        waitedMs += delayMs;
        if (delayMs > 0) await wait(failure, delayMs);
      },
    },
  );
}

/**
 * Whether and when to re-request a page whose body broke after records were emitted (see
 * record-page.ts): only for a transient failure, at most `maxAttempts - 1` times per page, after the
 * usual backoff. `resumes` counts this re-request.
 */
export function resumeDelayMs(
  error: unknown,
  resumes: number,
  options: ResolvedRetryOptions,
  random = Math.random,
): { delayMs: number; reason: string } | undefined {
  if (resumes > options.maxAttempts - 1) return undefined;
  const failure = error instanceof AttemptFailure ? error : classifyNetworkError(error);
  if (failure === undefined || !failure.retryable) return undefined;
  return {
    delayMs: failure.retryAfterMs ?? backoffMs(resumes - 1, options, random),
    reason: failure.message,
  };
}
