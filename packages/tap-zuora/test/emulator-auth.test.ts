import { afterEach, describe, expect, test } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { call, start, token } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

describe('OAuth client credentials', () => {
  test('issues a bearer token with Zuora fields that works until expires_in, then answers 401', async () => {
    em = await start({ tokenLifetimeSeconds: 5 });
    const res = await token(em);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'jti', 'scope', 'token_type']);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(5);
    const bearer = { Authorization: `Bearer ${body.access_token}` };
    expect((await call(em, 'GET', '/v1/describe', undefined, bearer)).status).toBe(200);
    em.control.advance(4);
    expect((await call(em, 'GET', '/v1/describe/Account', undefined, bearer)).status).toBe(200);
    em.control.advance(1);
    const expired = await call(em, 'GET', '/v1/describe', undefined, bearer);
    expect(expired.status).toBe(401);
    expect(expired.json.success).toBe(false);
    expect(expired.json.reasons[0].code).toBe(90000011);
  });

  test('rejects a bad client with 401 and a wrong grant with 400', async () => {
    em = await start();
    const bad = await token(em, em.url, { client_secret: 'nope' });
    expect(bad.status).toBe(401);
    const grant = await token(em, em.url, { grant_type: 'password' });
    expect(grant.status).toBe(400);
  });

  test('rejects a token request that also carries Authorization', async () => {
    em = await start();
    const res = await token(em, em.url, {}, { Authorization: 'Bearer x' });
    expect(res.status).toBe(400);
  });

  test('answers 429 after the per-IP burst of token requests', async () => {
    em = await start({ tokenRequestsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await token(em)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    em.control.advance(61);
    expect((await token(em)).status).toBe(200);
  });

  test('an unknown bearer is refused on /v1 routes and file downloads', async () => {
    em = await start();
    const h = { Authorization: 'Bearer not-a-token' };
    expect((await call(em, 'GET', '/v1/describe', undefined, h)).status).toBe(401);
    expect((await call(em, 'GET', '/v1/file/whatever', undefined, h)).status).toBe(401);
    expect((await call(em, 'GET', '/v1/batch-query/jobs/x', undefined, h)).status).toBe(401);
  });
});

describe('legacy credentials and data centres', () => {
  test('accepts apiAccessKeyId/apiSecretAccessKey when enabled and refuses them when not', async () => {
    em = await start();
    expect((await call(em, 'GET', '/v1/describe')).status).toBe(200);
    expect(
      (
        await call(em, 'GET', '/v1/describe', undefined, {
          apiAccessKeyId: em.credentials.username,
          apiSecretAccessKey: 'bad',
        })
      ).status,
    ).toBe(401);
    await em.close();
    em = await start({ legacyHeaders: false });
    expect((await call(em, 'GET', '/v1/describe')).status).toBe(401);
  });

  test('credentials work on the tenant host only: every other data centre answers 401', async () => {
    em = await start({ dataCenter: 'rest.apisandbox.zuora.com' });
    expect((await token(em)).status).toBe(200);
    expect((await token(em, em.urlFor('rest.apisandbox.zuora.com'))).status).toBe(200);
    expect((await token(em, em.urlFor('rest.sandbox.na.zuora.com'))).status).toBe(401);
    const other = await fetch(`${em.urlFor('rest.na.zuora.com')}/v1/describe`, {
      headers: { apiAccessKeyId: em.credentials.username, apiSecretAccessKey: em.credentials.password },
    });
    expect(other.status).toBe(401);
  });
});

describe('limits and errors', () => {
  test('sends ratelimit-* and Concurrency-Limit-* headers and answers 429 past the rate', async () => {
    em = await start({ limits: { perMinute: 2 } });
    const a = await call(em, 'GET', '/v1/describe');
    expect(a.headers.get('ratelimit-limit')).toBe('2, 2;w=60');
    expect(a.headers.get('ratelimit-remaining')).toBe('1');
    expect(a.headers.get('concurrency-limit-limit')).toBe('40');
    expect(a.headers.get('concurrency-limit-type')).toBe('Default');
    await call(em, 'GET', '/v1/describe');
    const limited = await call(em, 'GET', '/v1/describe');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    em.control.advance(61);
    expect((await call(em, 'GET', '/v1/describe')).status).toBe(200);
  });

  test('rejects requests beyond the concurrency limit with 429 and Retry-After', async () => {
    em = await start({ limits: { concurrency: 0 } });
    const res = await call(em, 'GET', '/v1/describe');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.json.reasons[0].code % 100).toBe(70);
  });

  test('injects 5xx answers and 200 bodies that are not success', async () => {
    em = await start();
    em.control.injectFault({ status: 502, path: '/v1/describe' });
    em.control.injectFault({ kind: 'business', code: 53100050, path: '/v1/describe' });
    const gateway = await call(em, 'GET', '/v1/describe');
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toContain('text/html');
    const business = await call(em, 'GET', '/v1/describe');
    expect(business.status).toBe(200);
    expect(business.json).toMatchObject({ success: false, reasons: [{ code: 53100050 }] });
    expect((await call(em, 'GET', '/v1/describe')).status).toBe(200);
  });
});
