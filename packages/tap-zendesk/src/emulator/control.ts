import type { InjectableFault } from '@singer-ts/sdk/testing';

/** A fault to inject into the next matching API requests. */
export interface Fault extends InjectableFault {
  /**
   * - `status`: answer with `status` (default 503) and a body typical for it (`body`/`contentType` override).
   * - `reset`: destroy the connection before any response.
   * - `truncate`: send the real response's headers and about half its body, then destroy the connection.
   * - `delay`: wait `delayMs`, then answer normally.
   */
  kind?: 'status' | 'reset' | 'truncate' | 'delay';
  status?: number;
  /** Seconds for a `Retry-After` header (429 always gets one; default 1). */
  retryAfter?: number;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  delayMs?: number;
}

/** Default bodies of injected statuses, shaped like what Zendesk and its CDN send. */
export function faultBody(status: number): { body: string; contentType: string } {
  const html = (title: string) => ({
    body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
    contentType: 'text/html; charset=utf-8',
  });
  switch (status) {
    case 429:
      return {
        body: 'Number of allowed API requests per minute exceeded',
        contentType: 'text/plain; charset=utf-8',
      };
    case 409:
      return {
        body: JSON.stringify({
          error: 'ConflictError',
          description: 'The request conflicts with a concurrent operation',
        }),
        contentType: 'application/json; charset=utf-8',
      };
    case 500:
      return html('500 Internal Server Error');
    case 502:
      return html('502 Bad Gateway');
    case 503:
      return { body: 'Service Unavailable', contentType: 'text/plain; charset=utf-8' };
    case 504:
      return html('504 Gateway Time-out');
    case 520:
      return html('520: Web server is returning an unknown error');
    case 524:
      return html('524: A timeout occurred');
    default:
      return {
        body: JSON.stringify({ error: `Error${status}` }),
        contentType: 'application/json; charset=utf-8',
      };
  }
}
