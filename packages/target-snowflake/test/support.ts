/** Shared set-up for the emulator and transport tests: key pairs, a running emulator, a client. */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SnowflakeAuthenticator } from '../src/auth/authenticator.js';
import { KeyPairJwt } from '../src/auth/key-pair-jwt.js';
import { SqlApiClient, type SqlApiClientOptions } from '../src/sql-api/client.js';
import { type EmulatorOptions, SnowflakeEmulator } from '../test-support/emulator/server.js';

export interface KeyPair {
  privateKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

const pairs: KeyPair[] = [];
/** RSA 2048 key pairs, made once per test file (making one takes a while on a loaded machine). */
export function keyPair(index = 0): KeyPair {
  while (pairs.length <= index) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pairs.push({
      privateKey,
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
  }
  return pairs[index]!;
}

export const ACCOUNT = 'myorg-analytics';
export const USER = 'loader';

export function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<SnowflakeEmulator> {
  return SnowflakeEmulator.start({
    account: 'MYORG-ANALYTICS',
    users: [{ name: 'LOADER', publicKeys: [keyPair(0).publicPem] }],
    tokens: [{ token: 'pat-secret-123456', type: 'PROGRAMMATIC_ACCESS_TOKEN', user: 'LOADER' }],
    databases: [{ name: 'RAW', schemas: ['ZUORA'] }],
    syncWindowMs: 2_000,
    ...options,
  });
}

export function jwtFor(
  options: {
    key?: KeyObject;
    now?: () => number;
    account?: string;
    user?: string;
    lifetimeSeconds?: number;
    renewBeforeSeconds?: number;
  } = {},
) {
  return new KeyPairJwt({
    account: options.account ?? ACCOUNT,
    user: options.user ?? USER,
    privateKey: options.key ?? keyPair(0).privateKey,
    ...(options.now ? { now: options.now } : {}),
    ...(options.lifetimeSeconds ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
    ...(options.renewBeforeSeconds !== undefined ? { renewBeforeSeconds: options.renewBeforeSeconds } : {}),
  });
}

export function clientFor(
  emulator: SnowflakeEmulator,
  options: Partial<SqlApiClientOptions> = {},
): SqlApiClient {
  return new SqlApiClient({
    baseUrl: emulator.url,
    authenticator: new SnowflakeAuthenticator({ type: 'KEYPAIR_JWT', jwt: jwtFor() }),
    database: 'RAW',
    schema: 'ZUORA',
    pollInitialMs: 10,
    pollMaxMs: 50,
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    ...options,
  });
}

/** A JWT with any claims, for the emulator's auth checks. */
export function signedJwt(key: KeyObject, claims: Record<string, unknown>, alg = 'RS256'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

/** A JSON answer, read field by field in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: the tests assert on the emulator's JSON fields directly
export type AnyJson = any;

/** A raw request to the emulator, with the API's required headers unless overridden. */
export async function call(
  emulator: SnowflakeEmulator,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<{ status: number; body: AnyJson; headers: Headers }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${init.token ?? jwtFor().token()}`,
    'x-snowflake-authorization-token-type': 'KEYPAIR_JWT',
    'user-agent': 'singer-ts-tests/1.0',
    'content-type': 'application/json',
    accept: 'application/json',
    ...init.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  const response = await fetch(`${emulator.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/** A request through node:http, which sends exactly the headers given (fetch adds its own). */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers ?? {} });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
