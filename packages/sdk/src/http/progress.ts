/**
 * Progress lines for a long wait (a request without response headers, a retry or rate-limit wait,
 * the shared limiter): silence for minutes looks like a hang, so once a wait passes `afterMs` an
 * info line says what is waiting and for how long, then again every `everyMs` until it ends.
 */
import type { Logger } from '../logging.js';
import { formatSeconds } from './failures.js';

export interface WaitProgressOptions {
  /** First line after this long; 5 s unless set. */
  afterMs?: number;
  /** Then one line per this interval; 30 s unless set. */
  everyMs?: number;
}

export type StopWatching = () => void;

/**
 * Starts watching a wait described by `what` (`GET /tickets: waiting for the response`); `totalMs`,
 * when known, is how long the wait will last. Call the result when the wait ends.
 */
export function watchWait(
  logger: Logger,
  what: string,
  fields: Record<string, unknown>,
  options: WaitProgressOptions = {},
  totalMs?: number,
): StopWatching {
  const afterMs = options.afterMs ?? 5_000;
  const everyMs = options.everyMs ?? 30_000;
  if (totalMs !== undefined && totalMs <= afterMs) return () => undefined;
  const started = Date.now();
  let interval: NodeJS.Timeout | undefined;
  const report = () => {
    const waited = Date.now() - started;
    const of = totalMs === undefined ? '' : ` of ${formatSeconds(totalMs)}`;
    logger.info(`${what}: still waiting, ${formatSeconds(waited)}${of} so far`, {
      ...fields,
      waited_s: Math.round(waited / 1000),
    });
  };
  const first = setTimeout(() => {
    report();
    interval = setInterval(report, everyMs);
    interval.unref();
  }, afterMs);
  first.unref();
  return () => {
    clearTimeout(first);
    if (interval !== undefined) clearInterval(interval);
  };
}
