/**
 * Source counts for `singer-reconcile` from Zendesk's count endpoints (`/tickets/count`,
 * `/users/count`, `/organizations/count`): `{"count": {"value": N, "refreshed_at": …}}`.
 *
 * Zendesk counts small accounts on each request but serves counts above 100,000 from a cache it
 * refreshes once a day; while it recounts, `refreshed_at` is null and the value is capped at 100,000.
 * The rule here: a count is exact when its `refreshed_at` is at or after the bookmark the last run
 * reached (it saw every change the warehouse holds), and approximate (shown, never alerted on) when
 * `refreshed_at` is null, older than that bookmark, or, with no STATE to compare with, the value is
 * above 100,000. Zendesk counts no deleted records, while the exports carry them with a marker
 * (`status: "deleted"`, `active: false`, `deleted_at`), so the warehouse leaves those rows out too.
 */
import type { CountWindow, HttpClient, SourceCount, UncountedRows } from '@singer-ts/sdk';
import { toEpochSeconds } from './base.js';

/** Above this Zendesk caches its counts (documented for every count endpoint). */
export const ZENDESK_COUNT_CACHE_ABOVE = 100_000;

export interface ZendeskCountTarget {
  /** `tickets`, `users` or `organizations`. */
  resource: string;
  /** The stream counted (for errors). */
  stream: string;
  uncounted: UncountedRows;
}

export async function zendeskCount(
  http: HttpClient,
  target: ZendeskCountTarget,
  window: CountWindow,
): Promise<SourceCount> {
  const path = `/${target.resource}/count.json`;
  const { body } = await http.json({ url: path }, { stream: target.stream, endpoint: path });
  const count = (body as { count?: { value?: unknown; refreshed_at?: unknown } } | undefined)?.count;
  const value = Number(String(count?.value));
  if (count === undefined || !Number.isInteger(value) || value < 0)
    return { comparable: false, reason: `${path} answered no count.value` };
  const refreshedAt = typeof count.refreshed_at === 'string' ? count.refreshed_at : undefined;
  const method = `GET /api/v2${path}`;
  const base = { comparable: true as const, rows: value, method, uncounted: target.uncounted };
  const stale = staleness(value, refreshedAt, window);
  return {
    ...base,
    ...(refreshedAt ? { refreshedAt } : {}),
    ...(stale ? { approximate: true, approximateReason: stale } : {}),
  };
}

/** Why the count cannot be taken as exact, or undefined when it can. */
function staleness(value: number, refreshedAt: string | undefined, window: CountWindow): string | undefined {
  if (refreshedAt === undefined)
    return `Zendesk is recounting (refreshed_at null; the value is capped at ${ZENDESK_COUNT_CACHE_ABOVE.toLocaleString('en-US')} until it is done)`;
  const through = toEpochSeconds(window.through);
  const refreshed = toEpochSeconds(refreshedAt);
  if (through !== undefined && refreshed !== undefined && refreshed < through)
    return `Zendesk's cached count from ${refreshedAt} is older than the last run's bookmark (${new Date(through * 1000).toISOString().replace('.000Z', 'Z')})`;
  if (through === undefined && value > ZENDESK_COUNT_CACHE_ABOVE)
    return `Zendesk caches counts above ${ZENDESK_COUNT_CACHE_ABOVE.toLocaleString('en-US')} (refreshed at ${refreshedAt}) and no STATE says when the load ran`;
  return undefined;
}
