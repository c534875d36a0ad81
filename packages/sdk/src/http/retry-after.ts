/**
 * How long a server asked us to wait: `Retry-After` (delta seconds or an HTTP date) and the reset
 * headers vendors send with a 429 (`X-Rate-Limit-Reset`, `RateLimit-Reset`: delta seconds, or an
 * epoch timestamp in seconds or milliseconds).
 */
export type HeaderValue = string | string[] | undefined;
export type ResponseHeaders = Record<string, HeaderValue>;

/** Reset headers consulted after `Retry-After`, in order. */
export const DEFAULT_RESET_HEADERS: readonly string[] = [
  'ratelimit-reset',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];

/** One value of a (lower-cased) header; the first when it repeats. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

// Delta-seconds below this, epoch timestamps above: 10^9 seconds is 2001-09-09.
const EPOCH_SECONDS_FROM = 1e9;
const EPOCH_MILLISECONDS_FROM = 1e12;

/** A reset header in milliseconds from `now`. */
export function parseResetHeader(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return parseRetryAfter(text, now);
  const number = Number(text);
  if (number >= EPOCH_MILLISECONDS_FROM) return Math.max(0, Math.round(number - now));
  if (number >= EPOCH_SECONDS_FROM) return Math.max(0, Math.round(number * 1000 - now));
  return Math.round(number * 1000);
}

/** The wait a response asks for: `Retry-After` first, then the reset headers. */
export function requestedDelayMs(
  headers: ResponseHeaders,
  resetHeaders: readonly string[] = DEFAULT_RESET_HEADERS,
  now: number = Date.now(),
): number | undefined {
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  for (const name of resetHeaders) {
    const delay = parseResetHeader(headerValue(headers, name), now);
    if (delay !== undefined) return delay;
  }
  return undefined;
}
