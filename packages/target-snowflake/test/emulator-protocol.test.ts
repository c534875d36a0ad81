/** The emulator's SQL API protocol and auth, checked item by item against the reference's checklist. */
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { publicKeyFingerprint } from '../src/auth/private-key.js';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { type AnyJson, call, jwtFor, keyPair, rawRequest, signedJwt, startEmulator } from './support.js';

let emulator: SnowflakeEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const submit = (statement: string, extra: Record<string, unknown> = {}) => ({
  statement,
  database: 'RAW',
  schema: 'ZUORA',
  ...extra,
});

async function poll(path: string): Promise<{ status: number; body: AnyJson }> {
  for (;;) {
    const answer = await call(emulator!, path);
    if (answer.status !== 202) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('emulator: endpoints and headers', () => {
  test('unknown paths are 404, wrong methods 405, unknown handles 404', async () => {
    emulator = await startEmulator();
    expect((await call(emulator, '/api/v2/nothing')).status).toBe(404);
    expect((await call(emulator, '/api/v2/statements')).status).toBe(405);
    expect((await call(emulator, '/api/v2/statements/abc', { method: 'DELETE' })).status).toBe(405);
    expect((await call(emulator, '/api/v2/statements/00000000-0000-0000-0000-000000000000')).status).toBe(
      404,
    );
  });

  test('a missing User-Agent is 400, a non-JSON Content-Type 415, a malformed body 400', async () => {
    emulator = await startEmulator();
    const anonymous = await rawRequest(`${emulator.url}/api/v2/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwtFor().token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(submit('SELECT 1')),
    });
    expect(anonymous.status).toBe(400);
    const form = await call(emulator, '/api/v2/statements', {
      body: submit('SELECT 1'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(form.status).toBe(415);
    expect((await call(emulator, '/api/v2/statements', { body: '{"statement": ' })).status).toBe(400);
    expect((await call(emulator, '/api/v2/statements', { body: { timeout: 5 } })).status).toBe(400);
  });

  test('a body over the size cap draws 413 and runs nothing', async () => {
    emulator = await startEmulator({ maxBodyBytes: 2_000 });
    const answer = await call(emulator, '/api/v2/statements', {
      body: submit(`SELECT '${'x'.repeat(3_000)}'`),
    });
    expect(answer.status).toBe(413);
    expect(emulator.statements.appliedMoreThanOnce()).toEqual([]);
    expect(emulator.requests[0]!.status).toBe(413);
  });
});

describe('emulator: 200, 202, polling, timeout, cancel', () => {
  test('a quick statement answers 200 with the result inline', async () => {
    emulator = await startEmulator();
    const answer = await call(emulator, '/api/v2/statements?requestId=r1', {
      body: submit('SELECT 1 AS "ONE"'),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.code).toBe('090001');
    expect(answer.body.data).toEqual([['1']]);
    expect(answer.body.statementStatusUrl).toBe(
      `/api/v2/statements/${answer.body.statementHandle}?requestId=r1`,
    );
    expect(answer.body.resultSetMetaData.rowType[0]).toMatchObject({
      name: 'ONE',
      type: 'fixed',
      precision: 38,
      scale: 0,
    });
  });

  test('async=true answers 202 at once; polling moves it to 200', async () => {
    emulator = await startEmulator({ statementDelayMs: 50 });
    const first = await call(emulator, '/api/v2/statements?async=true&requestId=r2', {
      body: submit('SELECT 2'),
    });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ code: '333334', statementHandle: expect.any(String) });
    const done = await poll(first.body.statementStatusUrl);
    expect(done.status).toBe(200);
    expect(done.body.data).toEqual([['2']]);
  });

  test('a statement past the sync window answers 202 and a failure polls to 422', async () => {
    emulator = await startEmulator({ syncWindowMs: 10, statementDelayMs: 80 });
    const first = await call(emulator, '/api/v2/statements', { body: submit('SELECT * FROM "NOPE"') });
    expect(first.status).toBe(202);
    const done = await poll(first.body.statementStatusUrl);
    expect(done.status).toBe(422);
    expect(done.body).toMatchObject({
      code: '002003',
      sqlState: '42S02',
      statementHandle: first.body.statementHandle,
    });
  });

  test('a statement past its timeout is cancelled with 408', async () => {
    emulator = await startEmulator({ syncWindowMs: 5_000, statementDelayMs: 1_500 });
    const answer = await call(emulator, '/api/v2/statements', { body: submit('SELECT 1', { timeout: 1 }) });
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ code: '000630', sqlState: '57014' });
    expect(emulator.statements.get(answer.body.statementHandle)!.state).toBe('timedout');
  });

  test('cancel stops a running statement; a finished one cannot be cancelled', async () => {
    emulator = await startEmulator({ statementDelayMs: 5_000 });
    const first = await call(emulator, '/api/v2/statements?async=true', { body: submit('SELECT 1') });
    const handle = first.body.statementHandle;
    const cancelled = await call(emulator, `/api/v2/statements/${handle}/cancel`, {
      method: 'POST',
      body: {},
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ message: 'successfully canceled', statementHandle: handle });
    const after = await call(emulator, `/api/v2/statements/${handle}`);
    expect(after.status).toBe(422);
    expect(after.body.code).toBe('000604');
    const again = await call(emulator, `/api/v2/statements/${handle}/cancel`, { method: 'POST', body: {} });
    expect(again.status).toBe(422);
  });
});

describe('emulator: requestId de-duplication', () => {
  test('retry=true with a known requestId does not run the statement again', async () => {
    emulator = await startEmulator();
    await emulator.sql('CREATE TABLE "T" ("X" NUMBER(38,0))', 'RAW', 'ZUORA');
    const body = submit('INSERT INTO "T" ("X") SELECT 1');
    const first = await call(emulator, '/api/v2/statements?requestId=same', { body });
    const retried = await call(emulator, '/api/v2/statements?requestId=same&retry=true', { body });
    expect(retried.status).toBe(200);
    expect(retried.body.statementHandle).toBe(first.body.statementHandle);
    expect(retried.body.data).toEqual([['1']]);
    expect(emulator.appliedCount('same')).toBe(1);
    expect(await emulator.sql('SELECT COUNT(*) FROM "T"', 'RAW', 'ZUORA')).toEqual([['1']]);
  });

  test('a resubmission without retry=true runs again (the double-insert hazard)', async () => {
    emulator = await startEmulator();
    await emulator.sql('CREATE TABLE "T" ("X" NUMBER(38,0))', 'RAW', 'ZUORA');
    const body = submit('INSERT INTO "T" ("X") SELECT 1');
    await call(emulator, '/api/v2/statements?requestId=twice', { body });
    await call(emulator, '/api/v2/statements?requestId=twice', { body });
    expect(emulator.appliedCount('twice')).toBe(2);
    expect(emulator.statements.appliedMoreThanOnce()).toEqual(['twice']);
    expect(await emulator.sql('SELECT COUNT(*) FROM "T"', 'RAW', 'ZUORA')).toEqual([['2']]);
  });

  test('a statement whose connection drops after it ran is answered from the first run on retry', async () => {
    emulator = await startEmulator();
    await emulator.sql('CREATE TABLE "T" ("X" NUMBER(38,0))', 'RAW', 'ZUORA');
    emulator.injectFault({ on: 'submit', dropAfterExecute: true });
    const body = submit('INSERT INTO "T" ("X") SELECT 1');
    await expect(call(emulator, '/api/v2/statements?requestId=drop', { body })).rejects.toThrow();
    const retried = await call(emulator, '/api/v2/statements?requestId=drop&retry=true', { body });
    expect(retried.status).toBe(200);
    expect(emulator.appliedCount('drop')).toBe(1);
  });
});

describe('emulator: results', () => {
  test('large results come in several partitions; partition 0 inline, the rest gzip when asked', async () => {
    emulator = await startEmulator({ partitionRows: 4 });
    const first = await call(emulator, '/api/v2/statements', {
      body: submit('SELECT * FROM range(10) r(n) ORDER BY n'),
    });
    const meta = first.body.resultSetMetaData;
    expect(meta.numRows).toBe(10);
    expect(meta.partitionInfo.map((part: { rowCount: number }) => part.rowCount)).toEqual([4, 4, 2]);
    expect(first.body.data).toEqual([['0'], ['1'], ['2'], ['3']]);
    const handle = first.body.statementHandle;
    const raw = await rawRequest(`${emulator.url}/api/v2/statements/${handle}?partition=2`, {
      headers: {
        authorization: `Bearer ${jwtFor().token()}`,
        'user-agent': 't/1',
        'accept-encoding': 'gzip',
      },
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw.body).toString())).toEqual({ data: [['8'], ['9']] });
    expect((await call(emulator, `/api/v2/statements/${handle}?partition=3`)).status).toBe(422);
  });

  test('cells are jsonv2 strings per type, rowType lower case; nullable=false writes "null"', async () => {
    emulator = await startEmulator();
    const sql = `SELECT 12.50::NUMBER(10,2) AS "N", 1.5::FLOAT AS "F", TRUE AS "B", '2024-05-01'::DATE AS "D",
      '2024-05-01T00:00:00.123456Z'::TIMESTAMP_TZ AS "TZ", '2024-05-01 00:00:00'::TIMESTAMP_NTZ AS "NTZ",
      PARSE_JSON('{"k": [1, 2]}') AS "V", 'text' AS "T", NULL::VARCHAR AS "Z"`;
    const answer = await call(emulator, '/api/v2/statements', { body: submit(sql) });
    expect(answer.status).toBe(200);
    const [row] = answer.body.data;
    expect(row.slice(0, 6)).toEqual([
      '12.50',
      '1.5',
      'true',
      '19844',
      '1714521600.123456000 1440',
      '1714521600.000000000',
    ]);
    expect(JSON.parse(row[6])).toEqual({ k: [1, 2] });
    expect(row.slice(7)).toEqual(['text', null]);
    expect(answer.body.resultSetMetaData.rowType.map((column: { type: string }) => column.type)).toEqual([
      'fixed',
      'real',
      'boolean',
      'date',
      'timestamp_tz',
      'timestamp_ntz',
      'variant',
      'text',
      'text',
    ]);
    const textNulls = await call(emulator, '/api/v2/statements?nullable=false', {
      body: submit('SELECT NULL::VARCHAR'),
    });
    expect(textNulls.body.data).toEqual([['null']]);
  });

  test('DML answers its row counts and stats', async () => {
    emulator = await startEmulator();
    await emulator.sql('CREATE TABLE "T" ("X" NUMBER(38,0))', 'RAW', 'ZUORA');
    const inserted = await call(emulator, '/api/v2/statements', {
      body: submit('INSERT INTO "T" ("X") SELECT * FROM range(3)'),
    });
    expect(inserted.body.resultSetMetaData.rowType[0].name).toBe('number of rows inserted');
    expect(inserted.body.data).toEqual([['3']]);
    expect(inserted.body.stats).toEqual({ numRowsInserted: 3 });
    const deleted = await call(emulator, '/api/v2/statements', {
      body: submit('DELETE FROM "T" WHERE "X" > 0'),
    });
    expect(deleted.body.data).toEqual([['2']]);
  });
});

describe('emulator: faults on demand', () => {
  test('429 with Retry-After, 500, 503 and 504 are answered as injected, then requests pass', async () => {
    emulator = await startEmulator();
    emulator.injectFault({ on: 'submit', status: 429, retryAfterSeconds: 3, times: 2 });
    emulator.injectFault({ on: 'submit', status: 500 });
    emulator.injectFault({ on: 'submit', status: 503 });
    emulator.injectFault({ on: 'submit', status: 504 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i += 1) {
      const answer = await call(emulator, '/api/v2/statements', { body: submit('SELECT 1') });
      statuses.push(answer.status);
      retryAfter ??= answer.headers.get('retry-after');
    }
    expect(statuses).toEqual([429, 429, 500, 503, 504, 200]);
    expect(retryAfter).toBe('3');
  });
});

describe('emulator: auth', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const fingerprint = () => publicKeyFingerprint(keyPair(0).privateKey);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: `MYORG-ANALYTICS.LOADER.${fingerprint()}`,
    sub: 'MYORG-ANALYTICS.LOADER',
    iat: now(),
    exp: now() + 3000,
    ...overrides,
  });
  const statusWith = async (token: string, type = 'KEYPAIR_JWT') =>
    call(emulator!, '/api/v2/statements', {
      body: submit('SELECT 1'),
      token,
      headers: { 'x-snowflake-authorization-token-type': type },
    });

  test('a JWT signed by the registered key with exact claims passes', async () => {
    emulator = await startEmulator();
    expect((await statusWith(signedJwt(keyPair(0).privateKey, claims()))).status).toBe(200);
  });

  test.each([
    ['signed by another key', () => signedJwt(keyPair(1).privateKey, claims()), 'bad signature'],
    [
      'naming another fingerprint',
      () =>
        signedJwt(
          keyPair(0).privateKey,
          claims({ iss: `MYORG-ANALYTICS.LOADER.${publicKeyFingerprint(keyPair(1).privateKey)}` }),
        ),
      'fingerprint matches no registered key',
    ],
    [
      'with a lower-case account',
      () =>
        signedJwt(
          keyPair(0).privateKey,
          claims({ sub: 'myorg-analytics.LOADER', iss: `myorg-analytics.LOADER.${fingerprint()}` }),
        ),
      "account 'myorg-analytics' is not 'MYORG-ANALYTICS'",
    ],
    [
      'with the region left in the account',
      () =>
        signedJwt(
          keyPair(0).privateKey,
          claims({
            sub: 'MYORG-ANALYTICS.US-EAST-2.LOADER',
            iss: `MYORG-ANALYTICS.US-EAST-2.LOADER.${fingerprint()}`,
          }),
        ),
      "account 'MYORG-ANALYTICS.US-EAST-2' is not 'MYORG-ANALYTICS'",
    ],
    [
      'expired',
      () => signedJwt(keyPair(0).privateKey, claims({ iat: now() - 3000, exp: now() - 10 })),
      'expired',
    ],
    [
      'living longer than an hour',
      () => signedJwt(keyPair(0).privateKey, claims({ exp: now() + 3700 })),
      'lifetime over one hour',
    ],
    ['not RS256', () => signedJwt(keyPair(0).privateKey, claims(), 'HS256'), 'alg HS256'],
  ])('a JWT %s is refused with 401 390144', async (_name, token, reason) => {
    emulator = await startEmulator();
    const answer = await statusWith(token());
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('390144');
    expect(answer.body.message).toMatch(/^JWT token is invalid\. \[[0-9a-f-]+\]$/);
    expect(emulator.requests[0]!.authFailure).toBe(reason);
  });

  test('programmatic access tokens pass; a token sent under another type is refused', async () => {
    emulator = await startEmulator({
      tokens: [
        { token: 'pat-secret-123456', type: 'PROGRAMMATIC_ACCESS_TOKEN', user: 'LOADER' },
        { token: 'oauth-secret-abcdef', type: 'OAUTH', user: 'LOADER', expiresAt: Date.now() + 60_000 },
        { token: 'oauth-old-abcdef', type: 'OAUTH', user: 'LOADER', expiresAt: Date.now() - 1 },
      ],
    });
    expect((await statusWith('pat-secret-123456', 'PROGRAMMATIC_ACCESS_TOKEN')).status).toBe(200);
    expect((await statusWith('oauth-secret-abcdef', 'OAUTH')).status).toBe(200);
    expect((await statusWith('pat-secret-123456', 'OAUTH')).status).toBe(401);
    expect((await statusWith('oauth-old-abcdef', 'OAUTH')).status).toBe(401);
    expect((await statusWith('unknown-token-000', 'OAUTH')).status).toBe(401);
  });

  test('database and schema names are matched case-sensitively', async () => {
    emulator = await startEmulator();
    const lower = await call(emulator, '/api/v2/statements', {
      body: { statement: 'SELECT 1', database: 'raw' },
    });
    expect(lower.status).toBe(422);
    expect(lower.body.message).toContain("Database 'raw'");
    expect(lower.body.code).toBe('390201');
    const schema = await call(emulator, '/api/v2/statements', {
      body: { statement: 'SELECT 1', database: 'RAW', schema: 'zuora' },
    });
    expect(schema.status).toBe(422);
  });
});
