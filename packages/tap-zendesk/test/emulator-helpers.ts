import { type EmulatorOptions, startZendeskEmulator, type ZendeskEmulator } from '../src/emulator/index.js';

/** Parsed JSON of a response, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test fixtures read arbitrary JSON
export type J = any;

/** 2026-06-01T00:00:00Z: after the generated history (which ends 2026-01-01). */
export const NOW = Date.UTC(2026, 5, 1) / 1000;

export async function start(options: EmulatorOptions = {}): Promise<ZendeskEmulator> {
  return startZendeskEmulator({ tickets: 200, rateLimit: false, now: NOW * 1000, ...options });
}

export function basic(
  em: ZendeskEmulator,
  email = em.credentials.email,
  token = em.credentials.apiToken,
): string {
  return `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`;
}

export interface Got<T = J> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** GET with Basic auth unless `auth` overrides it (null: no Authorization header). */
export async function get<T = J>(
  em: ZendeskEmulator,
  pathOrUrl: string,
  auth?: string | null,
): Promise<Got<T>> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${em.url}${pathOrUrl}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const a = auth === undefined ? basic(em) : auth;
  if (a !== null) headers.Authorization = a;
  const res = await fetch(url, { headers });
  const text = await res.text();
  let json: J;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function post<T = J>(
  em: ZendeskEmulator,
  path: string,
  body: unknown,
  method = 'POST',
): Promise<Got<T>> {
  const res = await fetch(`${em.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
