// Zendesk's count endpoints: GET /api/v2/{tickets,users,organizations}/count answer
// {"count": {"value": N, "refreshed_at": "…Z" | null}}. Small counts are computed on each request.
// Above 100,000 Zendesk serves a cached count refreshed once a day; while it recounts, refreshed_at is
// null and the value is capped at 100,000. Deleted records are not counted: deleted tickets (in the
// trash), deleted users (active: false; Zendesk counts those on /deleted_users/count) and deleted
// organizations. Archived tickets are still the account's tickets and are counted (unverified: the
// reference does not say; the incremental export includes them too).
import { send } from './http.js';
import type { Route } from './routes.js';
import type { Tenant } from './tenant.js';
import { iso } from './util.js';

export interface CountCacheOptions {
  /** Counts above this are cached (and capped at it while a recount runs). Default 100,000. */
  countCacheAbove?: number;
  /** How long a cached count is served before Zendesk recounts. Default 86,400 s (a day). */
  countRefreshSeconds?: number;
  /** How long a recount takes; meanwhile refreshed_at is null. Default 60 s (emulator time). */
  countRecountSeconds?: number;
}

type Resource = 'tickets' | 'users' | 'organizations';

interface Cached {
  value: number;
  /** Emulator seconds; null while the first recount runs. */
  refreshedAt: number | null;
  /** When the running recount started, if one runs. */
  recountStartedAt: number | null;
}

/** What one count endpoint answers, with Zendesk's caching of large counts. */
export class CountCache {
  readonly above: number;
  readonly refreshSeconds: number;
  readonly recountSeconds: number;
  private readonly cache = new Map<Resource, Cached>();

  constructor(
    private readonly tenant: Tenant,
    options: CountCacheOptions = {},
  ) {
    this.above = options.countCacheAbove ?? 100_000;
    this.refreshSeconds = options.countRefreshSeconds ?? 86_400;
    this.recountSeconds = options.countRecountSeconds ?? 60;
  }

  /** The live number of records Zendesk would count now. */
  live(resource: Resource): number {
    const t = this.tenant;
    let n = 0;
    if (resource === 'tickets') {
      for (let i = 0; i < t.ticketCount; i++) if (!t.ticketIsDeleted(i)) n++;
    } else if (resource === 'users') {
      for (let u = 0; u < t.userCount; u++) if (t.userAt(u).active !== false) n++;
    } else {
      for (let k = 0; k < t.orgCount; k++) if (!t.orgAt(k).deleted_at) n++;
    }
    return n;
  }

  answer(resource: Resource, now: number): { value: number; refreshed_at: string | null } {
    const value = this.live(resource);
    let cached = this.cache.get(resource);
    if (value <= this.above && cached === undefined) return { value, refreshed_at: iso(now) };
    if (cached === undefined) {
      // The account just grew past the limit: the first recount starts now.
      cached = { value: this.above, refreshedAt: null, recountStartedAt: now };
      this.cache.set(resource, cached);
    }
    if (cached.recountStartedAt !== null && now - cached.recountStartedAt >= this.recountSeconds) {
      const done = cached.recountStartedAt + this.recountSeconds;
      if (value <= this.above) {
        // Small again: back to counting on each request.
        this.cache.delete(resource);
        return { value, refreshed_at: iso(now) };
      }
      cached.value = value;
      cached.refreshedAt = done;
      cached.recountStartedAt = null;
    }
    if (
      cached.recountStartedAt === null &&
      cached.refreshedAt !== null &&
      now - cached.refreshedAt >= this.refreshSeconds
    ) {
      cached.recountStartedAt = now;
    }
    if (cached.recountStartedAt !== null)
      return { value: Math.min(cached.value, this.above), refreshed_at: null };
    return { value: cached.value, refreshed_at: iso(cached.refreshedAt!) };
  }
}

function countRoute(resource: Resource): Route {
  return {
    pattern: new RegExp(`^/${resource}/count$`),
    scope: resource,
    handle: async (ctx, env) => send(ctx, 200, { count: env.counts.answer(resource, ctx.now) }),
  };
}

export const COUNT_ROUTES: Route[] = [
  countRoute('tickets'),
  countRoute('users'),
  countRoute('organizations'),
];
