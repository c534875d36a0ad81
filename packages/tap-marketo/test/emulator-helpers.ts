import {
  type MarketoEmulator,
  type MarketoEmulatorOptions,
  startMarketoEmulator,
} from '../src/emulator/index.js';

/** Parsed JSON of a response, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test fixtures read arbitrary JSON
export type J = any;

/** After the generated history (2024), so every generated record is in the past. */
export const NOW = '2025-02-01T12:00:00Z';

export async function start(options: MarketoEmulatorOptions = {}): Promise<MarketoEmulator> {
  return startMarketoEmulator({ leads: 300, rateLimit: false, now: NOW, ...options });
}

export interface Got {
  status: number;
  headers: Headers;
  text: string;
  json: J;
  bytes: Buffer;
}

async function got(res: Response): Promise<Got> {
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: J;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, bytes };
}

export async function tokenFor(
  em: MarketoEmulator,
  clientId = em.clients[0]!.clientId,
  secret = em.clients[0]!.clientSecret,
) {
  const q = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
  });
  return got(await fetch(`${em.url}/identity/oauth/token?${q}`));
}

/** A small API client that fetches its token first and sends it as a Bearer header. */
export class Api {
  token = '';
  constructor(
    readonly em: MarketoEmulator,
    readonly clientId = em.clients[0]!.clientId,
    readonly secret = em.clients[0]!.clientSecret,
  ) {}

  async login(): Promise<this> {
    const r = await tokenFor(this.em, this.clientId, this.secret);
    if (r.status !== 200) throw new Error(`login failed: ${r.text}`);
    this.token = r.json.access_token;
    return this;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Got> {
    return got(
      await fetch(`${this.em.url}${path}`, {
        headers: { Authorization: `Bearer ${this.token}`, ...headers },
      }),
    );
  }

  async post(path: string, body?: unknown): Promise<Got> {
    return got(
      await fetch(`${this.em.url}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }
}

export async function api(em: MarketoEmulator): Promise<Api> {
  return new Api(em).login();
}

/** Runs a bulk job to completion (moving the clock) and returns its status result. */
export async function completeJob(a: Api, kind: 'leads' | 'activities', body: unknown): Promise<J> {
  const created = await a.post(`/bulk/v1/${kind}/export/create.json`, body);
  if (!created.json.success) throw new Error(`create failed: ${created.text}`);
  const id = created.json.result[0].exportId;
  await a.post(`/bulk/v1/${kind}/export/${id}/enqueue.json`);
  for (let i = 0; i < 20; i++) {
    a.em.control.advance(60);
    const s = await a.get(`/bulk/v1/${kind}/export/${id}/status.json`);
    const status = s.json.result[0].status;
    if (status !== 'Queued' && status !== 'Processing') return s.json.result[0];
  }
  throw new Error('job did not finish');
}

export const window = (startAt: string, endAt: string) => ({ startAt, endAt });
