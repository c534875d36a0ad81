import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClock, type InjectableFault, InjectedFaults } from '@singer-ts/sdk/testing';
import { type AquaOptions, AquaStore, type JobFault } from './aqua.js';
import type { FileFault } from './aqua-http.js';
import { type AuthOptions, type Credentials, TokenStore } from './auth.js';
import { QueryCursors } from './cursors.js';
import { type Row, Tenant, type TenantOptions, type Value } from './data.js';
import { HttpError, parseJson, readText, reasons, send, unauthorized } from './http.js';
import { type LimitOptions, Limits } from './limits.js';
import { type ApiEnv, apiRoute } from './routes.js';
import { type SoapOptions, SoapService } from './soap.js';
import { renderWsdl, SOAP_PATH } from './wsdl.js';

export interface EmulatorOptions extends TenantOptions, AuthOptions, AquaOptions, SoapOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Clock: fixed (epoch ms, ISO or Date; only control moves it) or a ms source. Default: real time. */
  now?: number | string | Date | (() => number);
  limits?: LimitOptions;
  /** The tenant's REST host; credentials fail (401) on every other host under `/dc/{host}/`. */
  dataCenter?: string;
}

/** An HTTP-level fault for the next matching requests (`times`, and `path`: text or `/regex/` of path and query). */
export interface Fault extends InjectableFault {
  /** `status` answers `status` (429 gets Retry-After); `business` answers 200 with `success: false`. */
  kind?: 'status' | 'business' | 'reset';
  status?: number;
  /** For `business`: the eight-digit reason code (category in the last two digits). Default 53100061. */
  code?: number;
  retryAfter?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  at: string;
  auth: 'bearer' | 'legacy' | 'none';
}

export interface EmulatorControl {
  now(): Date;
  setNow(time: number | string | Date): void;
  advance(seconds: number): void;
  injectFault(fault: Fault): void;
  injectJobFault(fault: JobFault): void;
  injectFileFault(fault: FileFault): void;
  clearFaults(): void;
  update(object: string, index: number, set?: Record<string, Value>): Row;
  delete(object: string, index: number): Row;
  expireTokens(): void;
  expireSoapSessions(): void;
  requests(): RequestLogEntry[];
  setLimits(limits: LimitOptions): void;
}

export interface ZuoraEmulator {
  /** Base URL of the tenant's REST host (use as `base_url`). */
  url: string;
  /** Base URL of another emulated host: credentials answer 401 there. */
  urlFor(host: string): string;
  /** SOAP endpoint; its WSDL is at `${soapUrl}?wsdl`. */
  soapUrl: string;
  port: number;
  tenant: Tenant;
  aqua: AquaStore;
  credentials: Credentials;
  control: EmulatorControl;
  close(): Promise<void>;
}

const FAULT_BODIES: Record<number, string> = {
  500: '<html><head><title>500 Internal Server Error</title></head><body>Internal Server Error</body></html>',
  502: '<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>',
  503: '<html><head><title>503 Service Unavailable</title></head><body>Service Unavailable</body></html>',
  504: '<html><head><title>504 Gateway Time-out</title></head><body>Gateway Time-out</body></html>',
};

/** Starts the Zuora emulator on 127.0.0.1. */
export async function startZuoraEmulator(options: EmulatorOptions = {}): Promise<ZuoraEmulator> {
  const clock = new EmulatorClock(options.now);
  const tenant = new Tenant(options);
  const tokens = new TokenStore(options);
  const aqua = new AquaStore(tenant, options);
  const soap = new SoapService(tenant, tokens, aqua.timeZone, options);
  const limits = new Limits(options.limits);
  const actionCursors = new QueryCursors(tenant, options.locatorIdleMs ?? 15 * 60_000);
  const homeHost = options.dataCenter ?? 'rest.na.zuora.com';
  const faults = new InjectedFaults<Fault>();
  const fileFaults = new InjectedFaults<FileFault>();
  const log: RequestLogEntry[] = [];
  let origin = '';
  const apiEnv: ApiEnv = {
    tenant,
    aqua,
    actionCursors,
    get origin() {
      return origin;
    },
    // File faults name no path: the next download takes one.
    takeFileFault: () => fileFaults.take('') ?? null,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const now = clock.nowMs();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = url.pathname;
    let host = homeHost;
    const dc = /^\/dc\/([^/]+)(\/.*)$/.exec(path);
    if (dc) {
      host = dc[1]!;
      path = dc[2]!;
    }
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: path + url.search,
      status: 0,
      at: new Date(now).toISOString(),
      auth: 'none',
    };
    if (!path.startsWith('/__emulator')) log.push(entry);
    if (log.length > 10_000) log.shift();
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    let headers: Record<string, string> = {};
    try {
      if (path.startsWith('/__emulator/')) return await controlRoute(req, res, path);
      const fault = faults.take(path + url.search);
      if (fault) {
        if (fault.kind === 'reset') {
          res.destroy();
          return;
        }
        if (fault.kind === 'business') {
          return send(
            res,
            200,
            reasons(fault.code ?? 53100061, 'Operation failed due to a temporary error. Please retry.'),
          );
        }
        const status = fault.status ?? 503;
        const extra: Record<string, string> =
          status === 429 ? { 'Retry-After': String(fault.retryAfter ?? 1) } : {};
        if (FAULT_BODIES[status]) return send(res, status, FAULT_BODIES[status]!, extra, 'text/html');
        return send(res, status, reasons(status === 429 ? 90000070 : 90000060, `Injected ${status}`), extra);
      }
      if (path === '/oauth/token' && req.method === 'POST') return await tokenRoute(req, res, host, now);
      if (path === SOAP_PATH) return await soapRoute(req, res, url, now);
      if (!path.startsWith('/v1/')) throw new HttpError(404, reasons(50000040, `No route for ${path}`));

      const admitted = limits.admit(now);
      headers = admitted.headers;
      if (admitted.limited) {
        throw new HttpError(429, reasons(90000070, 'Too many requests'), undefined, {
          'Retry-After': headers['ratelimit-reset']!,
        });
      }
      if (limits.inFlight >= limits.concurrency) {
        throw new HttpError(429, reasons(90000070, 'Concurrency limit exceeded'), undefined, {
          'Retry-After': '1',
        });
      }
      entry.auth = authenticate(req, host, now);
      limits.inFlight++;
      try {
        await apiRoute(apiEnv, req, res, path, now, headers);
      } finally {
        limits.inFlight--;
      }
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError)
        return send(res, e.status, e.body, { ...headers, ...e.headers }, e.contentType);
      send(res, 500, reasons(90000060, e instanceof Error ? e.message : String(e)), headers);
    }
  };

  const authenticate = (req: IncomingMessage, host: string, now: number): 'bearer' | 'legacy' => {
    if (host !== homeHost) throw unauthorized();
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      if (tokens.validBearer(auth.slice(7), now)) return 'bearer';
      throw unauthorized();
    }
    const id = req.headers.apiaccesskeyid;
    const secret = req.headers.apisecretaccesskey;
    if (
      tokens.validLegacy(
        typeof id === 'string' ? id : undefined,
        typeof secret === 'string' ? secret : undefined,
      )
    ) {
      return 'legacy';
    }
    throw unauthorized();
  };

  const tokenRoute = async (req: IncomingMessage, res: ServerResponse, host: string, now: number) => {
    const form = new URLSearchParams(await readText(req));
    if (!tokens.admitTokenCall(now)) {
      return send(res, 429, reasons(90000070, 'Too many token requests'), { 'Retry-After': '60' });
    }
    if (req.headers.authorization || req.headers.apiaccesskeyid || req.headers.apisecretaccesskey) {
      return send(
        res,
        400,
        reasons(90000022, 'Do not send Authorization or API access keys when requesting a token'),
      );
    }
    if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return send(res, 400, reasons(90000022, 'The token request must be application/x-www-form-urlencoded'));
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant_type must be client_credentials',
      });
    }
    const c = tokens.credentials;
    if (
      host !== homeHost ||
      form.get('client_id') !== c.clientId ||
      form.get('client_secret') !== c.clientSecret
    ) {
      return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    }
    send(res, 200, tokens.issue(now), { 'Cache-Control': 'no-store' });
  };

  const soapRoute = async (req: IncomingMessage, res: ServerResponse, url: URL, now: number) => {
    if (req.method === 'GET' && url.searchParams.has('wsdl')) {
      return send(
        res,
        200,
        renderWsdl(tenant.objects(), `${origin}${SOAP_PATH}`),
        {},
        'text/xml; charset=utf-8',
      );
    }
    const answer = soap.handle(await readText(req), now, `${origin}${SOAP_PATH}`);
    send(res, answer.status, answer.body, {}, 'text/xml; charset=utf-8');
  };

  const controlRoute = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const body = req.method === 'POST' ? (parseJson(await readText(req)) ?? {}) : {};
    if (path === '/__emulator/state') {
      return send(res, 200, {
        now: control.now().toISOString(),
        tokens: tokens.count(),
        jobs: [...aqua.jobs.values()].map((j) => ({ id: j.id, status: aqua.status(j, clock.nowMs()) })),
      });
    }
    if (path === '/__emulator/clock' && req.method === 'POST') {
      if (body.now !== undefined) control.setNow(body.now as string);
      if (typeof body.advance === 'number') control.advance(body.advance);
      return send(res, 200, { now: control.now().toISOString() });
    }
    if (path === '/__emulator/faults' && req.method === 'POST') {
      control.injectFault(body as Fault);
      return send(res, 200, { ok: true });
    }
    if (path === '/__emulator/job-faults' && req.method === 'POST') {
      control.injectJobFault(body as unknown as JobFault);
      return send(res, 200, { ok: true });
    }
    if (path === '/__emulator/requests') return send(res, 200, log);
    send(res, 404, { error: 'unknown control route' });
  };

  const control: EmulatorControl = {
    now: () => new Date(clock.nowMs()),
    setNow: (t) => clock.set(t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t),
    advance: (s) => clock.advance(s),
    injectFault: (f) => faults.inject(f),
    injectJobFault: (f) => aqua.injectJobFault(f),
    injectFileFault: (f) => fileFaults.inject(f),
    clearFaults: () => {
      faults.clear();
      fileFaults.clear();
      aqua.clearJobFaults();
    },
    update: (object, index, set) => tenant.update(object, index, clock.nowMs(), set),
    delete: (object, index) => tenant.delete(object, index, clock.nowMs()),
    expireTokens: () => tokens.expireAll(),
    expireSoapSessions: () => soap.expireSessions(),
    requests: () => [...log],
    setLimits: (l) => {
      if (l.perMinute !== undefined) limits.perMinute = l.perMinute;
      if (l.concurrency !== undefined) limits.concurrency = l.concurrency;
      limits.reset();
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    urlFor: (host) => `${origin}/dc/${host}`,
    soapUrl: `${origin}${SOAP_PATH}`,
    port,
    tenant,
    aqua,
    credentials: tokens.credentials,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
