import type { InjectableFault } from '@singer-ts/sdk/testing';

/** A fault injected into the next matching API calls (identity and control calls excluded). */
export interface Fault extends InjectableFault {
  /**
   * - `code`: answer HTTP 200 `success:false` with Marketo `code` (604, 608, 611, 713, 603, 1029, …).
   * - `status`: answer a gateway HTTP error (`status`, default 502) with an HTML body.
   * - `reset`: destroy the connection before answering.
   * - `truncate`: send the headers and `afterBytes` of the body (default half), then destroy the
   *   connection: a download broken mid-file.
   * - `delay`: hold the call `delayMs` (real time) before answering, so calls pile up in flight.
   */
  kind: 'code' | 'status' | 'reset' | 'truncate' | 'delay';
  delayMs?: number;
  code?: string | number;
  message?: string;
  status?: number;
  afterBytes?: number;
}

export function gatewayBody(status: number): string {
  const titles: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Time-out',
  };
  const title = `${status} ${titles[status] ?? 'Error'}`;
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
}
