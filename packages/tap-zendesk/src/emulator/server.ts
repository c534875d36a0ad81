import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClock, InjectedFaults } from '@singer-ts/sdk/testing';
import { AuthStore, type Credentials, DEFAULT_CREDENTIALS } from './auth.js';
import { type Fault, faultBody } from './control.js';
import { CountCache, type CountCacheOptions } from './counts.js';
import {
  type Ctx,
  FORBIDDEN_PLAN,
  FORBIDDEN_SCOPE,
  HttpError,
  NOT_FOUND_ENDPOINT,
  readBody,
  send,
} from './http.js';
import { PLAN_RATE_LIMITS, SlidingWindow } from './ratelimit.js';
import { type Features, matchRoute, type Plan, planFeatures, type RouteEnv } from './routes.js';
import { NotFound, Tenant, type TenantOptions } from './tenant.js';
import { iso, type Json, toSeconds } from './util.js';

export interface RateLimitOptions {
  /** Account-wide requests per minute; null = unlimited. Default: the plan's limit (enterprise: 700). */
  perMinute?: number | null;
  /** Incremental-export requests per minute; null = unlimited. Default 10 (30 with the High Volume add-on). */
  incrementalPerMinute?: number | null;
}

export interface EmulatorOptions extends TenantOptions, CountCacheOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  credentials?: Credentials;
  /** Plan: sets the default rate limit and which plan-gated features answer 403. Default "enterprise". */
  plan?: Plan;
  features?: Partial<Features>;
  /** false turns rate limiting off. */
  rateLimit?: false | RateLimitOptions;
  /** Changes younger than this are hidden from exports and start_time must be older. Default 60. */
  freshnessSeconds?: number;
  /** Clock: a fixed time (epoch ms, ISO string or Date; only control.advance/setNow move it) or a ms source. Default: real time. */
  now?: number | string | Date | (() => number);
  /** Answer 504 when per_page / page[size] is above this (huge pages time out on Zendesk). Default null (off). */
  timeoutAbovePageSize?: number | null;
  /** How many requests the request log keeps. Default 10,000. */
  requestLogSize?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query as requested. */
  path: string;
  status: number;
  /** Emulator time of the request. */
  at: string;
  auth: 'basic' | 'bearer' | 'none';
}

export interface MutationOptions {
  /** A system update: generated_timestamp moves, updated_at doesn't, no audit or ticket event. */
  system?: boolean;
  /** Adds a public comment to the update's audit. */
  comment?: string;
}

/** Steering of a running emulator; the same operations are served over HTTP under /__emulator/. */
export interface EmulatorControl {
  now(): Date;
  setNow(time: number | string | Date): void;
  advance(seconds: number): void;
  injectFault(fault: Fault | Fault[]): void;
  clearFaults(): void;
  setRateLimit(limits: RateLimitOptions): void;
  resetRateLimits(): void;
  setPlan(plan: Plan): void;
  setFeatures(features: Partial<Features>): void;
  setTimeoutAbovePageSize(size: number | null): void;
  updateTicket(id: number, set: Json, opts?: MutationOptions): Json;
  deleteTicket(id: number): Json;
  updateUser(id: number, set: Json): Json;
  deleteUser(id: number): Json;
  updateOrganization(id: number, set: Json): Json;
  deleteOrganization(id: number): Json;
  expireAccessTokens(): void;
  tokens(): { accessTokens: string[]; refreshTokens: string[] };
  requests(): RequestLogEntry[];
  clearRequests(): void;
  state(): Json;
}

export interface ZendeskEmulator {
  /** Base URL (origin) to use instead of https://{subdomain}.zendesk.com. */
  url: string;
  port: number;
  tenant: Tenant;
  control: EmulatorControl;
  credentials: {
    email: string;
    apiToken: string;
    accessToken: string;
    refreshToken: string;
    clientId: string;
    clientSecret: string;
  };
  close(): Promise<void>;
}

function sendError(ctx: Ctx, e: unknown): void {
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  if (e instanceof HttpError) {
    send(ctx, e.status, e.body, e.contentType, e.extraHeaders);
    return;
  }
  send(ctx, 500, { error: 'InternalError', description: e instanceof Error ? e.message : String(e) });
}

/** Starts the emulator on 127.0.0.1. */
export async function startZendeskEmulator(options: EmulatorOptions = {}): Promise<ZendeskEmulator> {
  const clock = new EmulatorClock(options.now);
  const nowSec = () => Math.floor(clock.nowMs() / 1000);
  const creds = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const tenant = new Tenant({ ...options, adminEmail: options.adminEmail ?? creds.email });
  const auth = new AuthStore(creds, options.seed ?? 1, nowSec());
  let plan: Plan = options.plan ?? 'enterprise';
  let features: Features = { ...planFeatures(plan), ...options.features };
  const rl =
    options.rateLimit === false ? { perMinute: null, incrementalPerMinute: null } : options.rateLimit;
  const account = new SlidingWindow(rl?.perMinute === undefined ? PLAN_RATE_LIMITS[plan] : rl.perMinute);
  const incremental = new SlidingWindow(
    rl?.incrementalPerMinute === undefined ? 10 : rl.incrementalPerMinute,
  );
  const faults = new InjectedFaults<Fault>();
  const log: RequestLogEntry[] = [];
  const logSize = options.requestLogSize ?? 10_000;
  const env: RouteEnv = {
    tenant,
    auth,
    features,
    freshnessSeconds: options.freshnessSeconds ?? 60,
    timeoutAbove: options.timeoutAbovePageSize ?? null,
    counts: new CountCache(tenant, options),
  };

  const mutate = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof NotFound)
        throw new HttpError(404, { error: 'RecordNotFound', description: 'Not found' });
      throw e;
    }
  };

  const control: EmulatorControl = {
    now: () => new Date(clock.nowMs()),
    setNow: (t) =>
      clock.set(typeof t === 'number' ? t : t instanceof Date ? t.getTime() : toSeconds(t) * 1000),
    advance: (s) => clock.advance(s),
    injectFault: (f) => faults.inject(f),
    clearFaults: () => faults.clear(),
    setRateLimit: (l) => {
      if (l.perMinute !== undefined) account.limit = l.perMinute;
      if (l.incrementalPerMinute !== undefined) incremental.limit = l.incrementalPerMinute;
    },
    resetRateLimits: () => {
      account.clear();
      incremental.clear();
    },
    setPlan: (p) => {
      plan = p;
      features = { ...planFeatures(p) };
      env.features = features;
      if (account.limit !== null) account.limit = PLAN_RATE_LIMITS[p];
    },
    setFeatures: (f) => {
      features = { ...features, ...f };
      env.features = features;
    },
    setTimeoutAbovePageSize: (n) => {
      env.timeoutAbove = n;
    },
    updateTicket: (id, set, opts) => mutate(() => tenant.updateTicket(id, set, nowSec(), opts)),
    deleteTicket: (id) => mutate(() => tenant.deleteTicket(id, nowSec())),
    updateUser: (id, set) => mutate(() => tenant.updateUser(id, set, nowSec())),
    deleteUser: (id) => mutate(() => tenant.deleteUser(id, nowSec())),
    updateOrganization: (id, set) => mutate(() => tenant.updateOrganization(id, set, nowSec())),
    deleteOrganization: (id) => mutate(() => tenant.deleteOrganization(id, nowSec())),
    expireAccessTokens: () => auth.expireAccessTokens(nowSec()),
    tokens: () => auth.currentTokens(),
    requests: () => [...log],
    clearRequests: () => {
      log.length = 0;
    },
    state: () => ({
      now: iso(nowSec()),
      now_unix: nowSec(),
      clock_frozen: clock.frozen,
      plan,
      features,
      rate_limit: {
        per_minute: account.limit,
        remaining: account.remaining(clock.nowMs()),
        incremental_per_minute: incremental.limit,
        incremental_remaining: incremental.remaining(clock.nowMs()),
      },
      freshness_seconds: env.freshnessSeconds,
      faults: faults.pending(),
      counts: {
        tickets: tenant.ticketCount,
        users: tenant.userCount,
        organizations: tenant.orgCount,
        agents: tenant.agentCount,
      },
      history: { start: iso(tenant.start), end: iso(tenant.end) },
      mutations: {
        tickets: tenant.ticketOverlay.size,
        users: tenant.userOverlay.size,
        organizations: tenant.orgOverlay.size,
      },
      requests: log.length,
    }),
  };

  async function handleControl(ctx: Ctx): Promise<void> {
    const method = ctx.req.method ?? 'GET';
    const p = ctx.url.pathname.replace(/^\/__emulator/, '');
    const body = method === 'GET' || method === 'DELETE' ? {} : await readBody(ctx.req);
    const ok = (v: unknown = { ok: true }) => send(ctx, 200, v);
    if (p === '/state' && method === 'GET') return ok(control.state());
    if (p === '/clock' && method === 'POST') {
      if (body.now !== undefined) control.setNow(body.now as string | number);
      if (body.advance !== undefined) control.advance(Number(body.advance));
      return ok({ now: iso(nowSec()), now_unix: nowSec() });
    }
    if (p === '/faults' && method === 'POST') {
      control.injectFault((Array.isArray(body.faults) ? body.faults : body) as Fault | Fault[]);
      return ok();
    }
    if (p === '/faults' && method === 'DELETE') return ok(control.clearFaults());
    if (p === '/rate-limit' && method === 'POST') {
      control.setRateLimit(body as RateLimitOptions);
      if (body.reset === true) control.resetRateLimits();
      return ok(control.state().rate_limit);
    }
    if (p === '/plan' && method === 'POST') {
      if (typeof body.plan === 'string') control.setPlan(body.plan as Plan);
      if (body.features && typeof body.features === 'object')
        control.setFeatures(body.features as Partial<Features>);
      return ok({ plan, features });
    }
    if (p === '/tokens' && method === 'GET') return ok(control.tokens());
    if (p === '/tokens/expire' && method === 'POST') return ok(control.expireAccessTokens());
    if (p === '/requests' && method === 'GET') return ok({ requests: control.requests() });
    if (p === '/requests' && method === 'DELETE') return ok(control.clearRequests());
    const m = /^\/(tickets|users|organizations)\/(\d+)$/.exec(p);
    if (m) {
      const id = Number(m[2]);
      const set = (body.set ?? {}) as Json;
      let record: Json;
      if (method === 'DELETE') {
        record =
          m[1] === 'tickets'
            ? control.deleteTicket(id)
            : m[1] === 'users'
              ? control.deleteUser(id)
              : control.deleteOrganization(id);
      } else if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
        record =
          m[1] === 'tickets'
            ? control.updateTicket(id, set, {
                system: body.system === true,
                ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
              })
            : m[1] === 'users'
              ? control.updateUser(id, set)
              : control.updateOrganization(id, set);
      } else {
        throw new HttpError(404, NOT_FOUND_ENDPOINT);
      }
      return ok({ record });
    }
    throw new HttpError(404, NOT_FOUND_ENDPOINT);
  }

  function rateHeaders(ctx: Ctx): void {
    const now = clock.nowMs();
    const limit = account.limit ?? PLAN_RATE_LIMITS[plan];
    const remaining = account.limit === null ? limit : account.remaining(now);
    ctx.headers['X-Rate-Limit'] = String(limit);
    ctx.headers['X-Rate-Limit-Remaining'] = String(remaining);
    ctx.headers['ratelimit-limit'] = String(limit);
    ctx.headers['ratelimit-remaining'] = String(remaining);
    ctx.headers['ratelimit-reset'] = String(account.limit === null ? 0 : account.resetIn(now));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const nowMs = clock.nowMs();
    const url = new URL(req.url ?? '/', base);
    const ctx: Ctx = {
      req,
      res,
      url,
      path: '',
      nowMs,
      now: Math.floor(nowMs / 1000),
      base,
      headers: {},
      truncate: false,
    };
    try {
      if (url.pathname.startsWith('/__emulator/')) {
        await handleControl(ctx);
        return;
      }
      const header = req.headers.authorization;
      const entry: RequestLogEntry = {
        method: req.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        status: 0,
        at: iso(ctx.now),
        auth: header?.startsWith('Bearer ') ? 'bearer' : header?.startsWith('Basic ') ? 'basic' : 'none',
      };
      log.push(entry);
      if (log.length > logSize) log.splice(0, log.length - logSize);
      res.on('finish', () => {
        entry.status = ctx.status ?? res.statusCode;
      });

      rateHeaders(ctx);
      const fault = faults.take(entry.path);
      if (fault) {
        const kind = fault.kind ?? 'status';
        if (kind === 'reset') {
          req.socket.destroy();
          return;
        }
        if (kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
        if (kind === 'truncate') ctx.truncate = true;
        if (kind === 'status') {
          const status = fault.status ?? 503;
          const def = faultBody(status);
          const extra: Record<string, string> = {};
          if (fault.retryAfter !== undefined || status === 429)
            extra['Retry-After'] = String(fault.retryAfter ?? 1);
          send(ctx, status, fault.body ?? def.body, fault.contentType ?? def.contentType, extra);
          return;
        }
      }

      if (url.pathname === '/oauth/tokens' && req.method === 'POST') {
        const r = auth.refreshGrant(await readBody(req), ctx.now);
        send(ctx, r.status, r.body, undefined, { 'Cache-Control': 'no-store' });
        return;
      }
      if (!url.pathname.startsWith('/api/v2/')) throw new HttpError(404, NOT_FOUND_ENDPOINT);
      ctx.path = url.pathname
        .slice('/api/v2'.length)
        .replace(/\.json$/, '')
        .replace(/\/$/, '');
      const match = matchRoute(ctx.path);
      if (!match || (req.method !== 'GET' && req.method !== 'HEAD'))
        throw new HttpError(404, NOT_FOUND_ENDPOINT);
      const { route, m } = match;

      const who = auth.authenticate(header, ctx.now);
      if (!who.ok) {
        const challenge = header?.startsWith('Bearer ')
          ? 'Bearer realm="Zendesk", error="invalid_token"'
          : 'Basic realm="Web Password"';
        throw new HttpError(401, who.body, undefined, { 'WWW-Authenticate': challenge });
      }

      if (!account.allows(nowMs)) {
        ctx.headers['X-Rate-Limit-Remaining'] = '0';
        throw new HttpError(
          429,
          'Number of allowed API requests per minute exceeded',
          'text/plain; charset=utf-8',
          {
            'Retry-After': String(account.retryAfter(nowMs)),
          },
        );
      }
      if (route.incremental && !incremental.allows(nowMs)) {
        throw new HttpError(
          429,
          {
            error: 'APIRateLimitExceeded',
            description: 'Number of allowed incremental export API requests per minute exceeded',
          },
          undefined,
          { 'Retry-After': String(incremental.retryAfter(nowMs)) },
        );
      }
      account.record(nowMs);
      if (route.incremental) incremental.record(nowMs);
      rateHeaders(ctx);

      if (route.scope !== '*' && !auth.hasReadScope(who, route.scope))
        throw new HttpError(403, FORBIDDEN_SCOPE);
      if (route.adminOnly && auth.role !== 'admin') throw new HttpError(403, FORBIDDEN_PLAN);
      if (route.gate && !features[route.gate]) throw new HttpError(403, route.gateBody ?? FORBIDDEN_PLAN);
      await route.handle(ctx, env, m, who);
    } catch (e) {
      sendError(ctx, e);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  tenant.base = base;
  tenant.resetCaches();

  return {
    url: base,
    port,
    tenant,
    control,
    credentials: {
      email: auth.email,
      apiToken: auth.apiToken,
      accessToken: creds.accessToken,
      refreshToken: creds.refreshToken,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
