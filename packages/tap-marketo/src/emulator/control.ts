import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BulkLimits, JobOutcome } from './bulk-jobs.js';
import type { ExportFeatures } from './export-spec.js';
import type { Fault } from './faults.js';
import { readBody, sendJson } from './http.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** The Marketo error code of a `success:false` answer. */
  code?: string;
  at: string;
  clientId?: string;
}

/** Steering of a running emulator; the same operations are served over HTTP under /__emulator/. */
export interface EmulatorControl {
  now(): Date;
  setNow(time: number | string | Date): void;
  advance(seconds: number): void;
  injectFault(fault: Fault | Fault[]): void;
  clearFaults(): void;
  /** The next bulk jobs created end as listed (fail, cancel, never finish, complete without a file). */
  scriptJobs(outcomes: JobOutcome[]): void;
  setBulkLimits(limits: BulkLimits): void;
  setFeatures(features: Partial<ExportFeatures>): void;
  setDailyCalls(limit: number | null): void;
  /** Records calls other integrations made today (they share the quota). */
  addCalls(n: number, user?: string): void;
  setRateLimit(calls: number | null, windowSeconds?: number): void;
  setConcurrency(limit: number | null): void;
  setAcceptQueryToken(accept: boolean): void;
  expireTokens(): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  state(): Record<string, unknown> & { callsToday: number };
}

/** The control API over HTTP under `/__emulator/` (no auth, not counted). */
export async function handleControl(
  control: EmulatorControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const { text } = await readBody(req);
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const ok = (v: unknown = { ok: true }) => sendJson(res, 200, v);
  const method = req.method ?? 'GET';
  if (path === '/state' && method === 'GET') return ok(control.state());
  if (path === '/clock' && method === 'POST') {
    if (body.now !== undefined) control.setNow(body.now as string);
    if (body.advance !== undefined) control.advance(Number(body.advance));
    return ok({ now: control.now().toISOString() });
  }
  if (path === '/faults' && method === 'POST')
    return ok(control.injectFault((body.faults ?? body) as Fault | Fault[]));
  if (path === '/faults' && method === 'DELETE') return ok(control.clearFaults());
  if (path === '/jobs/script' && method === 'POST')
    return ok(control.scriptJobs(body.outcomes as JobOutcome[]));
  if (path === '/bulk' && method === 'POST') return ok(control.setBulkLimits(body as BulkLimits));
  if (path === '/features' && method === 'POST')
    return ok(control.setFeatures(body as Partial<ExportFeatures>));
  if (path === '/quota' && method === 'POST') {
    if (body.dailyCalls !== undefined) control.setDailyCalls(body.dailyCalls as number | null);
    if (body.addCalls !== undefined) control.addCalls(Number(body.addCalls));
    return ok();
  }
  if (path === '/tokens/expire' && method === 'POST') return ok(control.expireTokens());
  if (path === '/requests' && method === 'GET') return ok({ requests: control.requests() });
  if (path === '/requests' && method === 'DELETE') return ok(control.clearRequests());
  sendJson(res, 404, { error: `no control endpoint ${method} ${path}` });
}
