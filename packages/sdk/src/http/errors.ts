/**
 * Errors of the HTTP layer. Each has a stable code and names the stream, the method, the URL path
 * (never the query, which may hold an API key) and the status, so one stderr line says what failed.
 */
import { type ErrorContext, HttpError } from '../errors.js';

export interface HttpErrorContext extends ErrorContext {
  method?: string;
  /** URL path without the query string. */
  path?: string;
  status?: number;
  /** The vendor's own error code (Marketo `606`, Zuora `LIMIT_EXCEEDED`), when it sent one. */
  vendorCode?: string;
  /** How many requests were made before giving up. */
  attempts?: number;
}

/** HTTP 429 (or a vendor's rate-limit error) that outlasted the retries or the wait budget. */
export class HttpRateLimitedError extends HttpError {
  override readonly code = 'SINGER_HTTP_RATE_LIMITED';
}

/** A 5xx that outlasted the retries. */
export class HttpServerError extends HttpError {
  override readonly code = 'SINGER_HTTP_SERVER_ERROR';
}

/** A 4xx (other than 401 and 429) or an unexpected status: retrying cannot help. */
export class HttpClientError extends HttpError {
  override readonly code = 'SINGER_HTTP_CLIENT_ERROR';
}

/** Connect, headers or body timeout that outlasted the retries. */
export class HttpTimeoutError extends HttpError {
  override readonly code = 'SINGER_HTTP_TIMEOUT';
}

/** Connection refused or reset, DNS failure, TLS failure. */
export class HttpConnectionError extends HttpError {
  override readonly code = 'SINGER_HTTP_CONNECTION';
}

/**
 * The body broke after records of the page had already been handed out, and re-requesting the page
 * (skipping those records) was not possible, failed, or found the page changed; the run stops and a
 * rerun resumes from the last bookmark.
 */
export class HttpBodyInterruptedError extends HttpError {
  override readonly code = 'SINGER_HTTP_BODY_INTERRUPTED';
}

/** A 2xx body that is not what was expected (not JSON, or the records path holds no array). */
export class HttpInvalidBodyError extends HttpError {
  override readonly code = 'SINGER_HTTP_INVALID_BODY';
}

/** A vendor error reported inside a 2xx body (`{"success":false,"errors":[...]}`). */
export class VendorApiError extends HttpError {
  override readonly code = 'SINGER_HTTP_VENDOR_ERROR';
}

/** A paginator produced the token it had just used, which would request the same page forever. */
export class PaginationLoopError extends HttpError {
  override readonly code = 'SINGER_HTTP_PAGINATION_LOOP';
}
