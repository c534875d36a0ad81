import { afterEach, describe, expect, test } from 'vitest';
import { SnowflakeAuthenticator } from '../src/auth/authenticator.js';
import {
  SnowflakeAuthenticationError,
  SnowflakeStatementError,
  SnowflakeStatementTooLargeError,
} from '../src/errors.js';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { clientFor, jwtFor, keyPair, startEmulator } from './support.js';

const CREATE = 'CREATE TABLE IF NOT EXISTS "ACCOUNT" ("ID" VARCHAR, "N" NUMBER(38,0))';
const INSERT = `INSERT INTO "ACCOUNT" ("ID", "N")
  SELECT f.value:"id"::VARCHAR, f.value:"n"::NUMBER(38,0) FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`;
const records = (ids: string[]) => [{ type: 'TEXT', value: JSON.stringify(ids.map((id, n) => ({ id, n }))) }];

let emulator: SnowflakeEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function rowCount(): Promise<number> {
  const rows = await emulator!.sql('SELECT COUNT(*) FROM "ACCOUNT"', 'RAW', 'ZUORA');
  return Number(rows[0]![0]);
}

describe('SQL API client against the emulator', () => {
  test('a statement whose answer is lost is resubmitted with retry=true and applied once', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator);
    await client.execute(CREATE);
    emulator.injectFault({ on: 'submit', dropAfterExecute: true });
    const result = await client.execute(INSERT, { bindings: records(['a', 'b']) });

    expect(result.stats?.numRowsInserted).toBe(2);
    expect(await rowCount()).toBe(2);
    expect(emulator.appliedCount(result.requestId)).toBe(1);
    const sent = emulator.requests.filter((request) => request.requestId === result.requestId);
    expect(sent.map((request) => request.retry)).toEqual([false, true]);
    expect(client.resubmissions).toBe(1);
    await client.close();
  });

  test('503 and 504 answers are retried with the same requestId and the rows land once', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator);
    await client.execute(CREATE);
    emulator.injectFault({ on: 'submit', status: 503 });
    emulator.injectFault({ on: 'submit', status: 504 });
    const result = await client.execute(INSERT, { bindings: records(['a', 'b', 'c']) });
    expect(await rowCount()).toBe(3);
    expect(emulator.appliedCount(result.requestId)).toBe(1);
    expect(emulator.statements.appliedMoreThanOnce()).toEqual([]);
    await client.close();
  });

  test('parallel statements through one client, with resets and 5xx among them, each land once', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator);
    await client.execute(CREATE);
    emulator.injectFault({ on: 'submit', dropAfterExecute: true, times: 2 });
    emulator.injectFault({ on: 'submit', status: 503, times: 2 });
    const batches = Array.from({ length: 8 }, (_, batch) =>
      Array.from({ length: 5 }, (_, i) => `b${batch}-${i}`),
    );
    const results = await Promise.all(
      batches.map((ids) => client.execute(INSERT, { bindings: records(ids) })),
    );
    expect(await rowCount()).toBe(40);
    expect(await emulator.sql('SELECT COUNT(DISTINCT "ID") FROM "ACCOUNT"', 'RAW', 'ZUORA')).toEqual([
      ['40'],
    ]);
    for (const result of results) expect(emulator.appliedCount(result.requestId)).toBe(1);
    expect(emulator.statements.appliedMoreThanOnce()).toEqual([]);
    expect(client.resubmissions).toBe(4);
    await client.close();
  });

  test('a 429 burst is waited out as Retry-After asks', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator);
    emulator.injectFault({ on: 'submit', status: 429, retryAfterSeconds: 1, times: 2 });
    const started = Date.now();
    const result = await client.execute('SELECT 1 AS "ONE"');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(await result.scalar()).toBe('1');
    const statuses = emulator.requests
      .filter((request) => request.path === '/api/v2/statements')
      .map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
    await client.close();
  });

  test('a statement slower than the sync window answers 202 and is polled to its result', async () => {
    emulator = await startEmulator({
      syncWindowMs: 20,
      statementDelayMs: (sql) => (sql.includes('SLOW') ? 300 : 0),
    });
    const client = clientFor(emulator);
    const result = await client.execute('SELECT \'done\' AS "SLOW"');
    expect(await result.scalar()).toBe('done');
    expect(client.metrics.polls).toBeGreaterThanOrEqual(1);
    const statuses = emulator.requests.map((request) => request.status);
    expect(statuses[0]).toBe(202);
    expect(statuses.at(-1)).toBe(200);
    await client.close();
  });

  test('a failed statement polled after 202 surfaces Snowflake code, sqlState, message and handle', async () => {
    emulator = await startEmulator({ syncWindowMs: 10, statementDelayMs: 100 });
    const client = clientFor(emulator);
    const failure = await client
      .execute('SELECT * FROM "MISSING"', { context: { stream: 'Account' } })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(SnowflakeStatementError);
    expect(failure.code).toBe('SINGER_SNOWFLAKE_STATEMENT');
    expect(failure.snowflakeCode).toBe('002003');
    expect(failure.sqlState).toBe('42S02');
    expect(failure.snowflakeMessage).toContain("Object 'MISSING' does not exist");
    expect(failure.statementHandle).toMatch(/^[0-9a-f-]{36}$/);
    expect(failure.context.stream).toBe('Account');
    await client.close();
  });

  test('results of several partitions are fetched as they are read, gzip included', async () => {
    emulator = await startEmulator({ partitionRows: 3 });
    const client = clientFor(emulator);
    await client.execute(CREATE);
    await client.execute(INSERT, { bindings: records(Array.from({ length: 10 }, (_, i) => `r${i}`)) });
    const result = await client.execute('SELECT "ID", "N" FROM "ACCOUNT" ORDER BY "N"');
    expect(result.partitionCount).toBe(4);
    expect(client.metrics.partitionsFetched).toBe(0);
    const rows = [];
    for await (const row of result.rows()) rows.push(row);
    expect(rows).toEqual(Array.from({ length: 10 }, (_, i) => [`r${i}`, String(i)]));
    expect(client.metrics.partitionsFetched).toBe(3);
    await client.close();
  });

  test('a key-pair JWT is re-signed before it expires during a long run', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    emulator = await startEmulator({ now: clock });
    const jwt = jwtFor({ now: clock });
    const client = clientFor(emulator, {
      authenticator: new SnowflakeAuthenticator({ type: 'KEYPAIR_JWT', jwt }),
    });
    for (let minute = 0; minute <= 10 * 60; minute += 20) {
      now = Date.parse('2026-01-01T00:00:00Z') + minute * 60_000;
      expect(await (await client.execute('SELECT 1')).scalar()).toBe('1');
    }
    expect(jwt.signed).toBeGreaterThanOrEqual(10);
    expect(emulator.requests.every((request) => request.status === 200)).toBe(true);
    await client.close();
  });

  test('a token the server already finds expired (clock skew) is re-signed once and the statement runs', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    let now = start;
    emulator = await startEmulator({ now: () => now + 30_000 }); // the server's clock is 30 s ahead
    const jwt = jwtFor({ now: () => now, lifetimeSeconds: 60, renewBeforeSeconds: 0 });
    const client = clientFor(emulator, {
      authenticator: new SnowflakeAuthenticator({ type: 'KEYPAIR_JWT', jwt }),
    });
    expect(await (await client.execute('SELECT 1')).scalar()).toBe('1');
    now = start + 45_000; // the cached token has 15 s left by the client's clock, none by the server's
    expect(await (await client.execute('SELECT 2')).scalar()).toBe('2');
    expect(emulator.requests.map((request) => request.status)).toEqual([200, 401, 200]);
    expect(emulator.requests[1]!.authFailure).toBe('expired');
    expect(jwt.signed).toBe(2);
    await client.close();
  });

  test('an unregistered key fails the start-up check with one clear line', async () => {
    emulator = await startEmulator();
    const jwt = jwtFor({ key: keyPair(1).privateKey });
    const client = clientFor(emulator, {
      authenticator: new SnowflakeAuthenticator({ type: 'KEYPAIR_JWT', jwt }),
    });
    const failure = await client.verifyConnection().catch((e) => e);
    expect(failure).toBeInstanceOf(SnowflakeAuthenticationError);
    expect(failure.message).not.toContain('\n');
    expect(failure.message).toContain('MYORG-ANALYTICS.LOADER');
    expect(failure.message).toContain(jwt.fingerprint);
    expect(failure.message).toContain('RSA_PUBLIC_KEY');
    expect(
      emulator.requests.every((request) => request.authFailure === 'fingerprint matches no registered key'),
    ).toBe(true);
    await client.close();
  });

  test('the right key passes the start-up check', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator);
    await expect(client.verifyConnection()).resolves.toBeUndefined();
    await client.close();
  });

  test('a programmatic access token is sent with its type; a wrong one fails the start-up check', async () => {
    emulator = await startEmulator();
    const good = clientFor(emulator, {
      authenticator: new SnowflakeAuthenticator({
        type: 'PROGRAMMATIC_ACCESS_TOKEN',
        token: 'pat-secret-123456',
      }),
    });
    await expect(good.verifyConnection()).resolves.toBeUndefined();
    const bad = clientFor(emulator, {
      authenticator: new SnowflakeAuthenticator({
        type: 'PROGRAMMATIC_ACCESS_TOKEN',
        token: 'pat-wrong-000000',
      }),
    });
    const failure = await bad.verifyConnection().catch((e) => e);
    expect(failure).toBeInstanceOf(SnowflakeAuthenticationError);
    expect(failure.message).toContain('programmatic access token');
    expect(failure.message).not.toContain('pat-wrong-000000');
    await good.close();
    await bad.close();
  });

  test('a body over the size limit is refused before anything is sent', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator, { maxRequestBytes: 10_000 });
    const big = records(Array.from({ length: 1_000 }, (_, i) => `id-${i}`));
    expect(client.requestBytes(INSERT, { bindings: big })).toBeGreaterThan(10_000);
    const failure = await client
      .execute(INSERT, { bindings: big, context: { stream: 'Account' } })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(SnowflakeStatementTooLargeError);
    expect(failure.message).toMatch(/is \d+ bytes, over the 10000 bytes/);
    expect(emulator.requests).toEqual([]);
    await client.close();
  });

  test('a body the server finds too large (413) is a typed error, not retried', async () => {
    emulator = await startEmulator({ maxBodyBytes: 5_000 });
    const client = clientFor(emulator, { maxRequestBytes: 100_000 });
    const big = records(Array.from({ length: 500 }, (_, i) => `id-${i}`));
    const failure = await client.execute(INSERT, { bindings: big }).catch((e) => e);
    expect(failure).toBeInstanceOf(SnowflakeStatementTooLargeError);
    expect(emulator.requests.map((request) => request.status)).toEqual([413]);
    await client.close();
  });

  test('a multi-statement request runs in one transaction and returns one handle per statement', async () => {
    emulator = await startEmulator();
    const client = clientFor(emulator);
    await client.execute(CREATE);
    await client.execute(INSERT, { bindings: records(['a']) });
    const result = await client.executeMany(['BEGIN', 'DELETE FROM "ACCOUNT"', 'COMMIT']);
    expect(result.statementHandles).toHaveLength(3);
    expect(await rowCount()).toBe(0);
    await client.close();
  });
});
