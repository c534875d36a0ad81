import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatorClock, InjectedFaults } from '@singer-ts/sdk/testing';
import { ASSET_ROUTES } from './asset-routes.js';
import { BulkJobs, type BulkLimits } from './bulk-jobs.js';
import { BULK_ROUTES } from './bulk-routes.js';
import { type EmulatorControl, handleControl, type RequestLogEntry } from './control.js';
import { Dataset, type DatasetOptions } from './dataset.js';
import {
  failureEnvelope,
  HttpFailure,
  MarketoFailure,
  RequestIds,
  successEnvelope,
  UNCOUNTED_CODES,
} from './envelope.js';
import type { ExportFeatures } from './export-spec.js';
import { type Fault, gatewayBody } from './faults.js';
import { MAX_URI_BYTES, readBody, sendJson, sendText } from './http.js';
import { type ApiClient, DEFAULT_CLIENTS, Identity } from './identity.js';
import { LEAD_ROUTES } from './lead-routes.js';
import { DailyUsage, RateWindow } from './limits.js';
import { REST_ROUTES } from './rest-routes.js';
import type { Call, Route, RouteEnv } from './route-types.js';
import { isoSeconds, nextCentralMidnight } from './time-format.js';

export interface MarketoEmulatorOptions extends DatasetOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Freezes the clock at this time (epoch ms, ISO or Date); move it with control.advance. Default: real time. */
  now?: number | string | Date;
  clients?: ApiClient[];
  /** Token life. Default 3600 s. */
  tokenLifetimeSeconds?: number;
  /** Accept the deprecated `?access_token=` parameter. Default false (Marketo is removing it). */
  acceptQueryToken?: boolean;
  /** Calls per window before 606 (default 100 per 20 s); false turns it off. */
  rateLimit?: false | { calls?: number; windowSeconds?: number };
  /** Calls in flight before 615. Default 10; null turns it off. */
  concurrency?: number | null;
  /** Daily call quota before 607, reset at midnight America/Chicago. Default 50,000; null turns it off. */
  dailyCalls?: number | null;
  bulk?: BulkLimits;
  features?: Partial<ExportFeatures>;
  requestLogSize?: number;
}

export interface MarketoEmulator {
  /** Base URL standing in for https://{munchkin}.mktorest.com. */
  url: string;
  port: number;
  dataset: Dataset;
  clients: ApiClient[];
  control: EmulatorControl;
  close(): Promise<void>;
}

const ROUTES: Route[] = [...REST_ROUTES, ...LEAD_ROUTES, ...ASSET_ROUTES, ...BULK_ROUTES];

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? (m[1] as string).trim() : undefined;
}

/** Starts the Marketo emulator on 127.0.0.1. */
export async function startMarketoEmulator(options: MarketoEmulatorOptions = {}): Promise<MarketoEmulator> {
  const clock = new EmulatorClock(options.now);
  const dataset = new Dataset(options);
  // Completed export files are written here, as Marketo writes them, and removed on close.
  const spoolDir = mkdtempSync(join(tmpdir(), 'marketo-emulator-'));
  const clients = options.clients ?? [...DEFAULT_CLIENTS];
  const identity = new Identity(clients, dataset.seed, options.tokenLifetimeSeconds ?? 3600);
  const rl = options.rateLimit === false ? { calls: null } : options.rateLimit;
  const rate = new RateWindow(
    rl?.calls === undefined ? 100 : rl.calls,
    ((rl as { windowSeconds?: number })?.windowSeconds ?? 20) * 1000,
  );
  let concurrency = options.concurrency === undefined ? 10 : options.concurrency;
  let acceptQueryToken = options.acceptQueryToken ?? false;
  const usage = new DailyUsage(options.dailyCalls === undefined ? 50_000 : options.dailyCalls);
  const env: RouteEnv = {
    data: dataset,
    jobs: new BulkJobs(dataset, (exportId) => join(spoolDir, `${exportId}.csv`), options.bulk),
    usage,
    features: { updatedAtFilter: true, ...options.features },
  };
  const ids = new RequestIds(dataset.seed);
  const faults = new InjectedFaults<Fault>();
  const log: RequestLogEntry[] = [];
  const logSize = options.requestLogSize ?? 10_000;
  let inFlight = 0;

  const record = (entry: RequestLogEntry) => {
    log.push(entry);
    if (log.length > logSize) log.splice(0, log.length - logSize);
  };

  const control: EmulatorControl = {
    now: () => new Date(clock.nowMs()),
    setNow: (t) => clock.set(t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t),
    advance: (s) => clock.advance(s),
    injectFault: (f) => faults.inject(f),
    clearFaults: () => faults.clear(),
    scriptJobs: (o) => env.jobs.scriptOutcomes(o),
    setBulkLimits: (l) => env.jobs.setLimits(l),
    setFeatures: (f) => Object.assign(env.features, f),
    setDailyCalls: (n) => {
      usage.limit = n;
    },
    addCalls: (n, user = 'other.integration@example.com') => usage.addCalls(user, n, clock.nowMs()),
    setRateLimit: (calls, windowSeconds) => {
      rate.limit = calls;
      if (windowSeconds !== undefined) rate.windowMs = windowSeconds * 1000;
      rate.clear();
    },
    setConcurrency: (n) => {
      concurrency = n;
    },
    setAcceptQueryToken: (a) => {
      acceptQueryToken = a;
    },
    expireTokens: () => identity.expireAll(clock.nowMs()),
    requests: () => [...log],
    clearRequests: () => {
      log.length = 0;
    },
    state: () => {
      const now = clock.nowMs();
      return {
        now: isoSeconds(now),
        clockFrozen: clock.frozen,
        callsToday: usage.total(now),
        dailyCalls: usage.limit,
        quotaResetsAt: isoSeconds(nextCentralMidnight(now)),
        rateLimit: { calls: rate.limit, windowSeconds: rate.windowMs / 1000 },
        concurrency,
        inFlight,
        features: env.features,
        bulk: env.jobs.limits,
        jobs: env.jobs.state(),
        faults: faults.pending(),
        counts: {
          leads: dataset.leadCount,
          activities: dataset.activityCount,
          deletedLeads: dataset.deletedCount,
          campaigns: dataset.campaignCount,
          lists: dataset.listCount,
          programs: dataset.programCount,
        },
        liveTokens: identity.liveTokens(now).length,
      };
    },
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, now: number): Promise<void> {
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      status: 200,
      at: isoSeconds(now),
    };
    const requestId = ids.next(now);
    let client: ApiClient | undefined;
    let counted = false;
    try {
      const { text, form } = await readBody(req);
      let method = req.method ?? 'GET';
      let query = url.searchParams;
      // Long queries travel as a form body on a POST that says `_method=GET`.
      if (method === 'POST' && form?.get('_method') === 'GET') {
        method = 'GET';
        query = new URLSearchParams([...url.searchParams, ...[...form].filter(([k]) => k !== '_method')]);
      }
      const gateway = faults.take(entry.path, (f) => f.kind === 'reset' || f.kind === 'status');
      if (gateway?.kind === 'reset') {
        entry.status = 0;
        req.socket.destroy();
        return;
      }
      if (gateway?.kind === 'status') {
        const status = gateway.status ?? 502;
        entry.status = status;
        sendText(res, status, gatewayBody(status), 'text/html');
        return;
      }
      const queryToken = query.get('access_token') ?? undefined;
      client = identity.authenticate(bearer(req) ?? (acceptQueryToken ? queryToken : undefined), now);
      entry.clientId = client.clientId;
      const candidates = ROUTES.filter((r) => r.pattern.test(url.pathname));
      if (candidates.length === 0) throw new MarketoFailure('610');
      const route = candidates.find((r) => r.method === method);
      if (!route) throw new MarketoFailure('605');
      inFlight += 1;
      counted = true;
      if (concurrency !== null && inFlight > concurrency) throw new MarketoFailure('615');
      const delay = faults.take(entry.path, (f) => f.kind === 'delay');
      if (delay) await sleep(delay.delayMs ?? 1000);
      if (!rate.admit(now)) throw new MarketoFailure('606');
      if (usage.exhausted(now)) throw new MarketoFailure('607');
      const coded = faults.take(entry.path, (f) => f.kind === 'code');
      if (coded) throw new MarketoFailure(String(coded.code ?? '611'), coded.message);
      if (route.permission && client[route.permission] === false) {
        throw new MarketoFailure(
          '603',
          `Access denied: the API user's role lacks the ${route.permission} permission`,
        );
      }
      let body: Record<string, unknown> = {};
      if (method === 'POST' && text && !form) {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw new MarketoFailure('609');
        }
      }
      const truncate = faults.take(entry.path, (f) => f.kind === 'truncate');
      const call: Call = {
        env,
        client,
        now,
        query,
        body,
        params: (route.pattern.exec(url.pathname) ?? []).slice(1),
        req,
        res,
        ...(truncate ? { cutAfter: truncate.afterBytes ?? 1 } : {}),
      };
      const result = await route.handler(call);
      usage.count(client.user, now);
      if (result === 'streamed') {
        entry.status = res.statusCode;
        return;
      }
      const envelope = successEnvelope(requestId, result);
      if (truncate && !truncate.afterBytes) {
        const buf = Buffer.from(JSON.stringify(envelope));
        res.writeHead(200, {
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': buf.length,
        });
        res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
        return;
      }
      sendJson(res, 200, envelope);
    } catch (e) {
      if (e instanceof MarketoFailure) {
        entry.code = e.code;
        usage.countError(e.code, now);
        if (client && !UNCOUNTED_CODES.has(e.code)) usage.count(client.user, now);
        if (!res.headersSent) sendJson(res, 200, failureEnvelope(requestId, e));
        else res.destroy();
      } else if (e instanceof HttpFailure) {
        entry.status = e.status;
        if (client) usage.count(client.user, now);
        if (typeof e.body === 'string') sendText(res, e.status, e.body, undefined, e.headers);
        else sendJson(res, e.status, e.body);
      } else {
        // An emulator bug, not a simulated failure: say so where the person running it looks.
        process.stderr.write(
          `marketo emulator: ${entry.method} ${entry.path}: ${e instanceof Error ? e.stack : String(e)}\n`,
        );
        entry.status = 500;
        if (!res.headersSent) sendText(res, 500, gatewayBody(500), 'text/html');
        else res.destroy();
      }
    } finally {
      if (counted) {
        // A download stays in flight until its last byte is written.
        if (res.writableFinished || res.destroyed) inFlight -= 1;
        else
          res.once('close', () => {
            inFlight -= 1;
          });
      }
      record(entry);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = clock.nowMs();
    const raw = req.url ?? '/';
    if (Buffer.byteLength(raw) > MAX_URI_BYTES) {
      sendText(res, 414, 'Request-URI Too Long');
      record({ method: req.method ?? 'GET', path: raw.slice(0, 200), status: 414, at: isoSeconds(now) });
      return;
    }
    const url = new URL(raw, 'http://127.0.0.1');
    if (url.pathname.startsWith('/__emulator/'))
      return handleControl(control, req, res, url.pathname.slice('/__emulator'.length));
    if (url.pathname === '/identity/oauth/token') {
      try {
        const { form } = await readBody(req);
        const p = new URLSearchParams([...url.searchParams, ...(form ?? [])]);
        if (p.get('grant_type') !== 'client_credentials') {
          throw new HttpFailure(400, {
            error: 'unsupported_grant_type',
            error_description: 'grant_type must be client_credentials',
          });
        }
        sendJson(res, 200, identity.issue(p.get('client_id'), p.get('client_secret'), now));
      } catch (e) {
        if (!(e instanceof HttpFailure)) throw e;
        sendJson(res, e.status, e.body);
      }
      return;
    }
    return handleApi(req, res, url, now);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataset,
    clients,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(spoolDir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
