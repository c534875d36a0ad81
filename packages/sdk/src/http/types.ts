/** Shapes shared by the client, the authenticators and the paginators. */
import type { ErrorContext } from '../errors.js';
import type { ResponseHeaders } from './retry-after.js';

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];

/** A request as a stream or paginator describes it. */
export interface HttpRequest {
  /** GET unless set. */
  method?: string;
  /** A path joined to the base URL (`/tickets.json` under `https://x/api/v2`), or an absolute URL. */
  url: string;
  /** Added to the URL's query; `undefined` and `null` values are left out, arrays repeat the key. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Sent as JSON (numbers kept exact). */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string | number | boolean | undefined>;
  body?: string | Uint8Array;
  /** Names the endpoint in metrics (`/tickets.json`); the URL path unless set. */
  endpoint?: string;
}

/** The request about to go out; authenticators add headers or query parameters to it. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** Who is asking (`{ stream: 'tickets' }`); lands in errors, logs and metric tags. */
export type RequestContext = ErrorContext;

export interface ResponseInfo {
  status: number;
  /** Lower-cased names. */
  headers: ResponseHeaders;
  url: URL;
}

export interface JsonResponse<T = unknown> extends ResponseInfo {
  body: T;
}

/**
 * A vendor hook's reading of an error body: the message for the final error, and whether another
 * attempt may succeed.
 */
export interface ErrorVerdict {
  message: string;
  /** The vendor's code, kept on the error (`606`, `LIMIT_EXCEEDED`). */
  code?: string;
  /** Retry with backoff (or after `retryAfterMs`). False unless set. */
  retryable?: boolean;
  /** A rate limit: retried like a 429 and reported as SINGER_HTTP_RATE_LIMITED. */
  rateLimited?: boolean;
  retryAfterMs?: number;
  /** Credentials expired (Marketo 601/602): drop the token, fetch a new one and retry once. */
  reauthenticate?: boolean;
}

/**
 * Reads a vendor's error out of a body: the JSON envelope of a 2xx (records left out), or the
 * parsed JSON (or text) of a non-2xx. Returns undefined when the body is not an error; for a
 * non-2xx that means the status decides.
 */
export type ErrorBodyParser = (body: unknown, response: ResponseInfo) => ErrorVerdict | undefined;
