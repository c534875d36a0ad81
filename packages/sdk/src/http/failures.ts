/**
 * Turning what went wrong into the public error: the class (and so the stable code) from the kind
 * of failure, a message naming the method and the path (never the query), secrets masked.
 */
import { AuthenticationError, type ErrorContext, HttpError, SingerError } from '../errors.js';
import {
  HttpBodyInterruptedError,
  HttpClientError,
  HttpConnectionError,
  HttpInvalidBodyError,
  HttpRateLimitedError,
  HttpServerError,
  HttpTimeoutError,
  VendorApiError,
} from './errors.js';
import { AttemptFailure, classifyNetworkError } from './retry.js';
import type { RequestContext } from './types.js';

export interface FailurePlace {
  method: string;
  /** URL path without the query. */
  path: string;
  context: RequestContext;
  attempts: number;
}

export type Redact = (text: string) => string;

export function toPublicError(
  error: unknown,
  place: FailurePlace,
  redact: Redact,
  maxTotalWaitMs: number,
): Error {
  const { method, path, context, attempts } = place;
  if (error instanceof SingerError) {
    for (const [key, value] of Object.entries(context)) error.context[key] ??= value;
    return error;
  }
  const failure = error instanceof AttemptFailure ? error : classifyNetworkError(error);
  if (failure === undefined) {
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    if (typeof code === 'string' && code.startsWith('UND_ERR'))
      return new HttpError(
        redact(`${method} ${path}: ${(error as Error).message}`),
        { ...context, method, path },
        {
          cause: error,
        },
      );
    return error instanceof Error ? error : new Error(String(error));
  }
  let message = `${method} ${path}: ${failure.message}`;
  if (failure.exhaustedWaitMs !== undefined) {
    const budget = failure.exhaustedBudget ?? { name: 'maxTotalWaitMs', ms: maxTotalWaitMs };
    const which = budget.name === 'maxRateLimitWaitMs' ? 'rate-limit wait budget' : 'retry budget';
    message += `; the server asked to wait ${formatSeconds(failure.exhaustedWaitMs)}, beyond the ${which} (${budget.name} ${formatSeconds(budget.ms)}${budget.name === 'maxRateLimitWaitMs' ? ', setting max_rate_limit_wait' : ''})`;
  } else if (attempts > 1 && failure.kind !== 'auth') message += ` (gave up after ${attempts} attempts)`;
  const fields: ErrorContext = {
    ...context,
    method,
    path,
    attempts,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.vendorCode === undefined ? {} : { vendorCode: failure.vendorCode }),
  };
  const text = redact(message);
  const options = { cause: failure.cause ?? failure };
  switch (failure.kind) {
    case 'rate_limited':
      return new HttpRateLimitedError(text, fields, options);
    case 'timeout':
      return new HttpTimeoutError(text, fields, options);
    case 'connection':
      return new HttpConnectionError(text, fields, options);
    case 'invalid_body':
      return new HttpInvalidBodyError(text, fields, options);
    case 'vendor':
      return new VendorApiError(text, fields, options);
    case 'auth':
      return new AuthenticationError(`${text}; check the credentials`, fields, options);
    case 'interrupted':
      return new HttpBodyInterruptedError(text, fields, options);
    default:
      return failure.status !== undefined && failure.status >= 500
        ? new HttpServerError(text, fields, options)
        : new HttpClientError(text, fields, options);
  }
}

/**
 * A failure after records of the page were handed out that no re-request (see record-page.ts) got
 * past: the body broke where a page is not re-requested, the page changed, or the re-request failed.
 */
export function interruptedError(
  error: unknown,
  handedOut: number,
  place: FailurePlace,
  redact: Redact,
): Error {
  const emitted = `after ${handedOut} records of the page were emitted`;
  if (error instanceof HttpBodyInterruptedError) return error;
  if (error instanceof HttpError) {
    // The re-request gave up; its error already names the request and the attempts.
    return new HttpBodyInterruptedError(
      `${error.message}, ${emitted} and the page was re-requested; a rerun resumes from the last bookmark`,
      error.context,
      { cause: error },
    );
  }
  let failure: AttemptFailure;
  if (error instanceof AttemptFailure) {
    failure = new AttemptFailure(
      error.kind,
      `${error.message}, ${emitted} (set bufferPage to check the whole page before emitting)`,
      {
        retryable: false,
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.vendorCode === undefined ? {} : { vendorCode: error.vendorCode }),
      },
    );
  } else if (error instanceof SyntaxError) {
    failure = new AttemptFailure('invalid_body', `response is not valid ${emitted}: ${error.message}`, {
      retryable: false,
      cause: error,
    });
  } else {
    const network = classifyNetworkError(error);
    if (network === undefined) return error instanceof Error ? error : new Error(String(error));
    failure = new AttemptFailure(
      'interrupted',
      `${network.message} ${emitted}; the page is not retried because that would emit them twice, a rerun resumes from the last bookmark`,
      { retryable: false, cause: error },
    );
  }
  return toPublicError(failure, place, redact, 0);
}

/** The parenthesis of a retry warning: the attempt, or for a rate-limit wait the budget used. */
export function retryNote(
  nextAttempt: number,
  options: { maxAttempts: number; maxRateLimitWaitMs: number },
  rateLimitWaitedMs?: number,
): string {
  if (rateLimitWaitedMs === undefined) return `(attempt ${nextAttempt} of ${options.maxAttempts})`;
  return `as the server asked (rate-limit waits ${formatSeconds(rateLimitWaitedMs)} of ${formatSeconds(options.maxRateLimitWaitMs)}; attempts used ${nextAttempt} of ${options.maxAttempts})`;
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
