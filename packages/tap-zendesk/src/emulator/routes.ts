import type { AuthResult, AuthStore } from './auth.js';
import { COUNT_ROUTES, type CountCache } from './counts.js';
import {
  type Ctx,
  FORBIDDEN_PLAN,
  FORBIDDEN_RESTRICTED,
  HttpError,
  NOT_FOUND_RECORD,
  send,
  streamCollection,
} from './http.js';
import { arrayList, serveCursorExport, servePage, serveTimeExport, type VList } from './pagination.js';
import type { Tenant } from './tenant.js';
import { type Json, lowerBoundBy } from './util.js';

/** Features that depend on the plan or add-ons; a disabled one answers 403. */
export interface Features {
  slaPolicies: boolean;
  ticketForms: boolean;
  satisfactionRatings: boolean;
  talk: boolean;
  /** User and organization field definitions (/user_fields, /organization_fields). */
  customFields: boolean;
}

export type Plan = 'team' | 'growth' | 'professional' | 'enterprise' | 'enterprise_plus';

export function planFeatures(plan: Plan): Features {
  const high = plan === 'enterprise' || plan === 'enterprise_plus';
  return {
    slaPolicies: plan !== 'team',
    ticketForms: high,
    satisfactionRatings: true,
    talk: false,
    customFields: true,
  };
}

export interface RouteEnv {
  tenant: Tenant;
  auth: AuthStore;
  features: Features;
  freshnessSeconds: number;
  timeoutAbove: number | null;
  counts: CountCache;
}

export interface Route {
  pattern: RegExp;
  /** Incremental exports count against the separate incremental budget. */
  incremental?: boolean;
  /** Resource for fine-grained OAuth scopes (`<resource>:read`); null = only the global `read` scope works. */
  scope: string | null;
  adminOnly?: boolean;
  gate?: keyof Features;
  /** Which 403 body a disabled feature gets. */
  gateBody?: unknown;
  handle(ctx: Ctx, env: RouteEnv, m: RegExpExecArray, auth: AuthResult): Promise<void>;
}

const includes = (ctx: Ctx): Set<string> =>
  new Set(
    (ctx.url.searchParams.get('include') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

function ticketIndexOrThrow(env: RouteEnv, raw: string | undefined, allowDeleted = false): number {
  const i = env.tenant.ticketIndex(Number(raw));
  if (i < 0 || (!allowDeleted && env.tenant.ticketIsDeleted(i))) throw new HttpError(404, NOT_FOUND_RECORD);
  return i;
}

function byId(items: Json[]): Json[] {
  return [...items].sort((a, b) => (a.id as number) - (b.id as number));
}

function show(items: Json[], raw: string | undefined, key: string, ctx: Ctx): void {
  const item = items.find((x) => x.id === Number(raw));
  if (!item) throw new HttpError(404, NOT_FOUND_RECORD);
  send(ctx, 200, { [key]: item });
}

export const ROUTES: Route[] = [
  // ------------------------------------------------------------ counts (counts.ts)
  ...COUNT_ROUTES,

  // ------------------------------------------------------------ incremental exports
  {
    pattern: /^\/incremental\/tickets\/cursor$/,
    incremental: true,
    scope: 'tickets',
    adminOnly: true,
    handle: (ctx, env) => {
      const metric = includes(ctx).has('metric_sets');
      return serveCursorExport(ctx, 'tickets', (ts, seq) => env.tenant.ticketRows(ts, seq, metric), {
        freshnessSeconds: env.freshnessSeconds,
        timeoutAbove: env.timeoutAbove,
        deletable: true,
      });
    },
  },
  {
    pattern: /^\/incremental\/users\/cursor$/,
    incremental: true,
    scope: 'users',
    adminOnly: true,
    handle: (ctx, env) =>
      serveCursorExport(ctx, 'users', (ts, seq) => env.tenant.userRows(ts, seq), {
        freshnessSeconds: env.freshnessSeconds,
        timeoutAbove: env.timeoutAbove,
      }),
  },
  {
    pattern: /^\/incremental\/tickets$/,
    incremental: true,
    scope: 'tickets',
    adminOnly: true,
    handle: (ctx, env) => {
      const metric = includes(ctx).has('metric_sets');
      return serveTimeExport(ctx, 'tickets', (ts, seq) => env.tenant.ticketRows(ts, seq, metric), {
        freshnessSeconds: env.freshnessSeconds,
        timeoutAbove: env.timeoutAbove,
        deletable: true,
      });
    },
  },
  {
    pattern: /^\/incremental\/users$/,
    incremental: true,
    scope: 'users',
    adminOnly: true,
    handle: (ctx, env) =>
      serveTimeExport(ctx, 'users', (ts, seq) => env.tenant.userRows(ts, seq), {
        freshnessSeconds: env.freshnessSeconds,
        timeoutAbove: env.timeoutAbove,
      }),
  },
  {
    pattern: /^\/incremental\/organizations$/,
    incremental: true,
    scope: 'organizations',
    adminOnly: true,
    handle: (ctx, env) =>
      serveTimeExport(ctx, 'organizations', (ts, seq) => env.tenant.orgRows(ts, seq), {
        freshnessSeconds: env.freshnessSeconds,
        timeoutAbove: env.timeoutAbove,
      }),
  },
  {
    pattern: /^\/incremental\/ticket_events$/,
    incremental: true,
    scope: 'tickets',
    adminOnly: true,
    handle: (ctx, env) => {
      const comments = includes(ctx).has('comment_events');
      return serveTimeExport(
        ctx,
        'ticket_events',
        (ts, seq) => env.tenant.ticketEventRows(ts, seq, comments),
        {
          freshnessSeconds: env.freshnessSeconds,
          timeoutAbove: env.timeoutAbove,
        },
      );
    },
  },
  {
    pattern: /^\/incremental\/ticket_metric_events$/,
    incremental: true,
    scope: 'tickets',
    adminOnly: true,
    handle: (ctx, env) =>
      serveTimeExport(ctx, 'ticket_metric_events', (ts, seq) => env.tenant.metricEventRows(ts, seq), {
        freshnessSeconds: env.freshnessSeconds,
        timeoutAbove: env.timeoutAbove,
        endOfStream: false,
      }),
  },

  // ------------------------------------------------------------ tickets and their children
  {
    pattern: /^\/tickets$/,
    scope: 'tickets',
    handle: (ctx, env) => {
      const t = env.tenant;
      const list: VList = {
        size: t.ticketCount,
        at: (k) => (t.isListableTicket(k) ? t.ticketForList(k) : null),
        count: () => t.listableTickets(),
      };
      return servePage(ctx, 'tickets', list, { timeoutAbove: env.timeoutAbove });
    },
  },
  {
    pattern: /^\/tickets\/(\d+)$/,
    scope: 'tickets',
    handle: async (ctx, env, m) => {
      const i = ticketIndexOrThrow(env, m[1]);
      send(ctx, 200, { ticket: env.tenant.ticketForList(i) });
    },
  },
  {
    pattern: /^\/tickets\/(\d+)\/audits$/,
    scope: null,
    handle: async (ctx, env, m) => {
      const i = ticketIndexOrThrow(env, m[1]);
      const audits = env.tenant.audits(i);
      if (env.tenant.isArchived(i)) {
        // Audits of archived tickets come back all at once, unpaginated.
        await streamCollection(ctx, 'audits', audits, {
          next_page: null,
          previous_page: null,
          count: audits.length,
        });
        return;
      }
      await servePage(ctx, 'audits', arrayList(audits), { timeoutAbove: env.timeoutAbove });
    },
  },
  {
    pattern: /^\/tickets\/(\d+)\/comments$/,
    scope: 'tickets',
    handle: (ctx, env, m) => {
      const i = ticketIndexOrThrow(env, m[1]);
      const comments = env.tenant.comments(i);
      if (
        ctx.url.searchParams.get('sort') === '-created_at' ||
        ctx.url.searchParams.get('sort_order') === 'desc'
      ) {
        comments.reverse();
      }
      return servePage(ctx, 'comments', arrayList(comments), { timeoutAbove: env.timeoutAbove });
    },
  },
  {
    pattern: /^\/tickets\/(\d+)\/metrics$/,
    scope: 'tickets',
    handle: async (ctx, env, m) => {
      const i = ticketIndexOrThrow(env, m[1]);
      send(ctx, 200, { ticket_metric: env.tenant.metricSet(i) });
    },
  },
  {
    pattern: /^\/ticket_metrics$/,
    scope: 'tickets',
    handle: (ctx, env) => {
      const t = env.tenant;
      const n = t.ticketCount;
      const list: VList = {
        size: n,
        at: (k) => (t.isListableTicket(n - 1 - k) ? t.metricSet(n - 1 - k) : null),
        count: () => t.listableTickets(),
      };
      return servePage(ctx, 'ticket_metrics', list, { timeoutAbove: env.timeoutAbove });
    },
  },

  // ------------------------------------------------------------ users and organizations
  {
    pattern: /^\/users$/,
    scope: 'users',
    handle: (ctx, env) => {
      const t = env.tenant;
      return servePage(ctx, 'users', { size: t.userCount, at: (k) => t.userAt(k), count: () => t.userCount });
    },
  },
  {
    pattern: /^\/users\/(\d+)$/,
    scope: 'users',
    handle: async (ctx, env, m) => {
      const u = env.tenant.userIndex(Number(m[1]));
      if (u < 0) throw new HttpError(404, NOT_FOUND_RECORD);
      send(ctx, 200, { user: env.tenant.userAt(u) });
    },
  },
  {
    pattern: /^\/organizations$/,
    scope: 'organizations',
    handle: (ctx, env) => {
      const t = env.tenant;
      const list: VList = {
        size: t.orgCount,
        at: (k) => {
          const o = t.orgAt(k);
          return o.deleted_at ? null : o;
        },
      };
      return servePage(ctx, 'organizations', list);
    },
  },
  {
    pattern: /^\/organizations\/(\d+)$/,
    scope: 'organizations',
    handle: async (ctx, env, m) => {
      const k = env.tenant.orgIndex(Number(m[1]));
      if (k < 0 || env.tenant.orgAt(k).deleted_at) throw new HttpError(404, NOT_FOUND_RECORD);
      send(ctx, 200, { organization: env.tenant.orgAt(k) });
    },
  },

  // ------------------------------------------------------------ small collections
  {
    pattern: /^\/groups$/,
    scope: 'groups',
    handle: (ctx, env) => {
      const all = ctx.url.searchParams.get('exclude_deleted') === 'false';
      const groups = env.tenant.groups().filter((g) => all || g.deleted !== true);
      return servePage(ctx, 'groups', arrayList(groups));
    },
  },
  {
    pattern: /^\/groups\/(\d+)$/,
    scope: 'groups',
    handle: async (ctx, env, m) => show(env.tenant.groups(), m[1], 'group', ctx),
  },
  {
    pattern: /^\/group_memberships$/,
    scope: 'groups',
    handle: (ctx, env) => servePage(ctx, 'group_memberships', arrayList(env.tenant.groupMemberships())),
  },
  {
    pattern: /^\/ticket_fields$/,
    scope: 'tickets',
    handle: (ctx, env) => {
      const sp = ctx.url.searchParams;
      if (sp.has('page[size]') || sp.has('page[after]') || sp.has('page[before]')) {
        return servePage(ctx, 'ticket_fields', arrayList(byId(env.tenant.ticketFields())));
      }
      return servePage(ctx, 'ticket_fields', arrayList(env.tenant.ticketFields()), { offset: false });
    },
  },
  {
    pattern: /^\/ticket_fields\/(\d+)$/,
    scope: 'tickets',
    handle: async (ctx, env, m) => show(env.tenant.ticketFields(), m[1], 'ticket_field', ctx),
  },
  {
    pattern: /^\/ticket_forms$/,
    scope: 'tickets',
    gate: 'ticketForms',
    gateBody: FORBIDDEN_PLAN,
    handle: (ctx, env) => {
      const active = ctx.url.searchParams.get('active');
      const forms = env.tenant.ticketForms().filter((f) => active === null || String(f.active) === active);
      return servePage(ctx, 'ticket_forms', arrayList(forms), { cursor: false, offset: false });
    },
  },
  {
    pattern: /^\/macros$/,
    scope: 'macros',
    handle: (ctx, env) => {
      const active = ctx.url.searchParams.get('active');
      const macros = env.tenant.macros().filter((x) => active === null || String(x.active) === active);
      return servePage(ctx, 'macros', arrayList(macros));
    },
  },
  {
    pattern: /^\/tags$/,
    scope: 'tickets',
    handle: (ctx, env) => servePage(ctx, 'tags', arrayList(env.tenant.tags())),
  },
  {
    pattern: /^\/slas\/policies$/,
    scope: null,
    adminOnly: true,
    gate: 'slaPolicies',
    gateBody: FORBIDDEN_PLAN,
    handle: (ctx, env) =>
      servePage(ctx, 'sla_policies', arrayList(env.tenant.slaPolicies()), { cursor: false, offset: false }),
  },
  {
    pattern: /^\/satisfaction_ratings$/,
    scope: 'satisfaction_ratings',
    adminOnly: true,
    gate: 'satisfactionRatings',
    gateBody: FORBIDDEN_PLAN,
    handle: (ctx, env) => {
      const t = env.tenant;
      const sp = ctx.url.searchParams;
      const num = (name: string): number | null => {
        const raw = sp.get(name);
        if (raw === null || raw === '') return null;
        if (!/^\d+$/.test(raw))
          throw new HttpError(400, { error: 'InvalidValue', description: `${name} is invalid` });
        return Number(raw);
      };
      const startTime = num('start_time');
      const endTime = num('end_time');
      const lo = startTime === null ? 0 : lowerBoundBy(t.ratingCount, (r) => t.ratingCreated(r), startTime);
      const hi =
        endTime === null
          ? t.ratingCount
          : lowerBoundBy(t.ratingCount, (r) => t.ratingCreated(r), endTime + 1);
      const score = sp.get('score');
      const matches = (r: Json): boolean => {
        if (!score) return true;
        const base = score.replace(/_with(out)?_comment$/, '');
        if (base === 'received' ? r.score === 'offered' || r.score === 'unoffered' : base !== r.score)
          return false;
        if (score.endsWith('_without_comment')) return r.comment === null;
        if (score.endsWith('_with_comment')) return r.comment !== null;
        return true;
      };
      const list: VList = {
        size: hi,
        start: lo,
        at: (k) => {
          if (k < lo) return null;
          const r = t.rating(k);
          return matches(r) ? r : null;
        },
        ...(score ? {} : { count: () => Math.max(0, hi - lo) }),
      };
      return servePage(ctx, 'satisfaction_ratings', list, { timeoutAbove: env.timeoutAbove });
    },
  },
  {
    pattern: /^\/user_fields$/,
    scope: 'users',
    gate: 'customFields',
    gateBody: FORBIDDEN_PLAN,
    handle: (ctx, env) => servePage(ctx, 'user_fields', arrayList(env.tenant.userFields())),
  },
  {
    pattern: /^\/organization_fields$/,
    scope: 'organizations',
    gate: 'customFields',
    gateBody: FORBIDDEN_PLAN,
    handle: (ctx, env) => servePage(ctx, 'organization_fields', arrayList(env.tenant.organizationFields())),
  },
  {
    pattern: /^\/channels\/voice\/phone_numbers$/,
    scope: null,
    gate: 'talk',
    gateBody: FORBIDDEN_RESTRICTED,
    handle: (ctx, env) =>
      servePage(ctx, 'phone_numbers', arrayList(env.tenant.phoneNumbers()), { cursor: false }),
  },

  // ------------------------------------------------------------ OAuth introspection
  {
    pattern: /^\/oauth\/tokens\/current$/,
    scope: '*',
    handle: async (ctx, env, _m, auth) => {
      if (!auth.ok || auth.kind !== 'bearer' || !auth.token) throw new HttpError(404, NOT_FOUND_RECORD);
      send(ctx, 200, env.auth.describe(auth.token, ctx.base, env.tenant.userId(0)));
    },
  },
];

export function matchRoute(path: string): { route: Route; m: RegExpExecArray } | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, m };
  }
  return null;
}
