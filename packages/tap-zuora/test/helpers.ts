import { type EmulatorOptions, startZuoraEmulator, type ZuoraEmulator } from '../src/emulator/index.js';

// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export type J = any;

/** 2026-06-01T00:00:00Z: after the generated history (which ends 2026-01-01). */
export const NOW = Date.UTC(2026, 5, 1);

export function start(options: EmulatorOptions = {}): Promise<ZuoraEmulator> {
  return startZuoraEmulator({ accounts: 50, now: NOW, ...options });
}

export function legacy(em: ZuoraEmulator): Record<string, string> {
  return { apiAccessKeyId: em.credentials.username, apiSecretAccessKey: em.credentials.password };
}

/** POST /oauth/token with the emulator's client, `form` overriding fields, `headers` added. */
export async function token(
  em: ZuoraEmulator,
  base = em.url,
  form: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({
      client_id: em.credentials.clientId,
      client_secret: em.credentials.clientSecret,
      grant_type: 'client_credentials',
      ...form,
    }),
  });
}

export async function call(
  em: ZuoraEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = legacy(em),
): Promise<{ status: number; headers: Headers; text: string; json: J }> {
  const res = await fetch(`${em.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: J;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The payload singer-io/tap-zuora submits (make_aqua_payload), with an optional deleted column. */
export function aquaPayload(
  project: string,
  query: string,
  extra: Record<string, unknown> = {},
  deleted = false,
): J {
  return {
    name: project,
    partner: 'singer-ts',
    project,
    format: 'csv',
    version: '1.2',
    encrypted: 'none',
    useQueryLabels: 'true',
    dateTimeUtc: 'true',
    queries: [
      {
        name: project,
        query,
        type: 'zoqlexport',
        ...(deleted ? { deleted: { column: 'Deleted', format: 'Boolean' } } : {}),
      },
    ],
    ...extra,
  };
}

/** Submits, advances the frozen clock past execution, and returns the completed job. */
export async function runJob(em: ZuoraEmulator, payload: J): Promise<J> {
  const submitted = await call(em, 'POST', '/v1/batch-query/', payload);
  if (submitted.json.errorCode)
    throw new Error(`rejected: ${submitted.json.errorCode} ${submitted.json.message}`);
  em.control.advance(60);
  const job = await call(em, 'GET', `/v1/batch-query/jobs/${submitted.json.id}`);
  return job.json;
}

export async function download(em: ZuoraEmulator, fileId: string): Promise<string> {
  const res = await call(em, 'GET', `/v1/file/${fileId}`);
  if (res.status !== 200) throw new Error(`file ${fileId}: ${res.status} ${res.text}`);
  return res.text;
}
