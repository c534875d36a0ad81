/** A fault injected into the next matching API calls (identity and control calls excluded). */
export interface Fault {
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
  /** How many matching calls it affects. Default 1. */
  times?: number;
  /** Only calls whose path and query contain this text (or match it as `/regex/`). */
  path?: string;
}

export interface ActiveFault extends Fault {
  remaining: number;
}

export function faultMatches(f: ActiveFault, pathAndQuery: string): boolean {
  if (f.remaining <= 0) return false;
  if (!f.path) return true;
  if (f.path.length > 2 && f.path.startsWith('/') && f.path.endsWith('/')) {
    return new RegExp(f.path.slice(1, -1)).test(pathAndQuery);
  }
  return pathAndQuery.includes(f.path);
}

/** Takes one use of the first live fault matching the call and its stage, if any. */
export function takeFault(
  faults: ActiveFault[],
  pathAndQuery: string,
  kinds: Fault['kind'][],
): ActiveFault | undefined {
  const f = faults.find((x) => kinds.includes(x.kind) && faultMatches(x, pathAndQuery));
  if (f) f.remaining -= 1;
  return f;
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
