import { Logger } from '@singer-ts/sdk';
import { afterEach, expect, test } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { SoapMode } from '../src/soap/mode.js';
import { start } from './helpers.js';
import { capturingLogger, collect, liveRows, soapPlan } from './soap-support.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const quiet = new Logger({ name: 'test', sink: () => undefined });
const dc = (base: string) => ({ rest: base, ui: base, incrementalTimeZone: 'UTC' as const });

test('SOAP mode needs username and password, and a page size from 1 to 2,000 (strings accepted)', () => {
  expect(() => new SoapMode({ username: 'u' }, dc('http://127.0.0.1:9'), quiet)).toThrow(
    expect.objectContaining({ code: 'SINGER_ZUORA_CONFIG', context: { setting: 'password' } }),
  );
  expect(() => new SoapMode({ password: 'p' }, dc('http://127.0.0.1:9'), quiet)).toThrow(
    expect.objectContaining({ context: { setting: 'username' } }),
  );
  for (const bad of [0, 2001, '1.5', 'many']) {
    expect(
      () =>
        new SoapMode({ username: 'u', password: 'p', soap_batch_size: bad }, dc('http://127.0.0.1:9'), quiet),
    ).toThrow(
      expect.objectContaining({ code: 'SINGER_ZUORA_CONFIG', context: { setting: 'soap_batch_size' } }),
    );
  }
  expect(
    new SoapMode({ username: 'u', password: 'p', soap_batch_size: '500' }, dc('http://127.0.0.1:9'), quiet)
      .connection.options.wsdl,
  ).toBe('http://127.0.0.1:9/apps/services/a/91.0?wsdl');
});

test('SOAP calls honour the shared max_attempts and request_timeout settings', () => {
  const mode = new SoapMode(
    { username: 'u', password: 'p', max_attempts: 2, request_timeout: 30 },
    dc('http://127.0.0.1:9'),
    quiet,
  );
  expect(mode.connection.options).toMatchObject({ retry: { maxAttempts: 2 }, timeoutMs: 30_000 });
  expect(mode.connection.options.isTransientFault).toBeTypeOf('function');
});

test('streams of one SOAP mode share one login; the catalog selection decides the select list', async () => {
  em = await start({ accounts: 30 });
  const { logger, lines } = capturingLogger();
  const mode = new SoapMode(
    { username: em.credentials.username, password: em.credentials.password, soap_batch_size: '10' },
    dc(em.url),
    logger,
  );
  const host = { config: {}, logger };
  const accounts = mode.stream(host, await soapPlan(em, 'Account'), (p) => p === 'Name');
  const contacts = mode.stream(host, await soapPlan(em, 'Contact'));
  const a = await collect(accounts);
  const c = await collect(contacts);
  expect(a).toHaveLength(liveRows(em, 'Account').length);
  expect(Object.keys(a[0]!).sort()).toEqual(['Id', 'Name', 'UpdatedDate']);
  expect(c).toHaveLength(liveRows(em, 'Contact').length);
  const posts = em.control.requests().filter((r) => r.method === 'POST');
  // One login for both streams, then pages of 10.
  expect(posts).toHaveLength(1 + Math.ceil(a.length / 10) + Math.ceil(c.length / 10));
  expect(lines.join('\n')).toContain('select Id, Name, UpdatedDate from Account');
});
