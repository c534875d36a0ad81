import { afterEach, expect, test } from 'vitest';
import { SOAP_PATH, type ZuoraEmulator } from '../src/emulator/index.js';
import { NOW, start } from './helpers.js';
import { collect, context, expectValid, liveRows, soapStream } from './soap-support.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const soapStatuses = (e: ZuoraEmulator) =>
  e.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path === SOAP_PATH)
    .map((r) => r.status);

test('INVALID_SESSION in the middle of paging: logs in again, repeats the call once, loses and repeats nothing', async () => {
  em = await start({ accounts: 120 });
  const { stream, captured } = await soapStream(em, 'Account', { batchSize: 30 });
  const records = [];
  for await (const record of stream.getRecords(context())) {
    records.push(record);
    // The tenant ends the session while the first page is being emitted.
    if (records.length === 30) em.control.expireSoapSessions();
  }
  const live = liveRows(em, 'Account');
  expect(records.map((r) => r.Id)).toEqual(live.map((r) => r.values.Id));
  expectValid(stream, records);
  // login, query, queryMore → INVALID_SESSION (500), login again, the same queryMore repeated, the rest.
  const statuses = soapStatuses(em);
  expect(statuses.slice(0, 5)).toEqual([200, 200, 500, 200, 200]);
  expect(statuses.filter((s) => s === 500)).toHaveLength(1);
  expect(statuses).toHaveLength(2 + Math.ceil(live.length / 30) + 1);
  const log = captured.lines.join('\n');
  expect(log).toContain('logging in again');
  expect(log).not.toContain(em.credentials.password);
});

test('a session idle past the tenant timeout between streams is renewed without failing the run', async () => {
  em = await start({ accounts: 30, sessionIdleMs: 60_000 });
  const { stream } = await soapStream(em, 'Account');
  expect(await collect(stream)).toHaveLength(liveRows(em, 'Account').length);
  em.control.advance(120);
  // Same connection, later call: the idle session answers INVALID_SESSION once, then a new one is used.
  const again = await collect(stream);
  expect(again).toHaveLength(liveRows(em, 'Account').length);
  expect(soapStatuses(em).filter((s) => s === 500)).toHaveLength(1);
});

test('secrets: neither the password nor the session id appears in logs or errors', async () => {
  em = await start({ accounts: 30, now: NOW });
  const { stream, captured } = await soapStream(em, 'Account', { batchSize: 10 });
  const records = [];
  for await (const record of stream.getRecords(context())) {
    records.push(record);
    if (records.length === 10) em.control.expireSoapSessions();
  }
  expect(records.length).toBeGreaterThan(10);
  const log = captured.lines.join('\n');
  expect(log).not.toContain(em.credentials.password);
  expect(log).not.toMatch(/[A-Za-z0-9_-]{64}/);

  const { stream: wrong } = await soapStream(em, 'Account', { password: 'not-the-Passw0rd' });
  const error = await collect(wrong).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(String((error as Error).message)).not.toContain('not-the-Passw0rd');
  expect(JSON.stringify((error as { context: unknown }).context)).not.toContain('not-the-Passw0rd');
});

test('a 503 and a dropped connection in the middle of paging are tried again; nothing lost or repeated', async () => {
  em = await start({ accounts: 60 });
  const { stream, captured } = await soapStream(em, 'Account', { batchSize: 20, retry: { baseDelayMs: 1 } });
  const records = [];
  for await (const record of stream.getRecords(context())) {
    records.push(record);
    if (records.length === 20)
      em.control.injectFault({ kind: 'status', status: 503, path: SOAP_PATH, times: 2 });
    if (records.length === 40) em.control.injectFault({ kind: 'reset', path: SOAP_PATH, times: 1 });
  }
  expect(records.map((r) => r.Id)).toEqual(liveRows(em, 'Account').map((r) => r.values.Id));
  expect(soapStatuses(em).filter((s) => s === 503)).toHaveLength(2);
  expect(captured.lines.filter((l) => /SOAP queryMore failed .*attempt \d of 5/.test(l))).toHaveLength(3);
});

test('retries end after max attempts with the last error, naming the stream', async () => {
  em = await start({ accounts: 10 });
  const { stream } = await soapStream(em, 'Account', { retry: { baseDelayMs: 1, maxAttempts: 2 } });
  await collect(stream).then(() => undefined);
  em.control.injectFault({ kind: 'status', status: 502, path: SOAP_PATH, times: 5 });
  const error = await collect(stream).then(
    () => undefined,
    (e: unknown) => e as Error & { code: string; describe(): string },
  );
  expect(error?.code).toBe('SINGER_SOAP_REQUEST');
  expect(error?.describe()).toMatch(/stream 'Account'.*query failed: HTTP 502/);
  expect(soapStatuses(em).filter((s) => s === 502)).toHaveLength(2);
});
