import { afterEach, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { Api, api, start, tokenFor } from './emulator-helpers.js';

let em: MarketoEmulator;
afterEach(async () => {
  await em?.close();
});

describe('identity', () => {
  it('issues a 3600 s bearer token on GET and on POST with form parameters', async () => {
    em = await start();
    const r = await tokenFor(em);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ token_type: 'bearer', expires_in: 3599, scope: 'api.user@example.com' });
    expect(r.json.access_token).toMatch(/^[0-9a-f-]{36}:ab$/);
    const c = em.clients[0]!;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: c.clientId,
      client_secret: c.clientSecret,
    });
    const p = await fetch(`${em.url}/identity/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(p.status).toBe(200);
    expect(((await p.json()) as { access_token: string }).access_token).toBe(r.json.access_token);
  });

  it('answers bad credentials with HTTP 401 and an OAuth error body', async () => {
    em = await start();
    const r = await tokenFor(em, em.clients[0]!.clientId, 'wrong');
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'invalid_client', error_description: 'Bad client credentials' });
    expect((await tokenFor(em, 'nobody', 'x')).status).toBe(401);
  });

  it('returns the same token with a shrinking expires_in until it expires, then a new one', async () => {
    em = await start();
    const first = (await tokenFor(em)).json;
    em.control.advance(1000);
    const again = (await tokenFor(em)).json;
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(2599);
    em.control.advance(2600);
    const fresh = (await tokenFor(em)).json;
    expect(fresh.access_token).not.toBe(first.access_token);
    expect(fresh.expires_in).toBe(3599);
  });

  it('does not count identity calls toward the daily quota', async () => {
    em = await start();
    for (let i = 0; i < 5; i++) await tokenFor(em);
    expect(em.control.state().callsToday).toBe(0);
  });

  it('keeps tokens per client id', async () => {
    em = await start({
      clients: [
        { clientId: 'a', clientSecret: 'sa', user: 'a@example.com' },
        { clientId: 'b', clientSecret: 'sb', user: 'b@example.com' },
      ],
    });
    const a = (await tokenFor(em, 'a', 'sa')).json;
    const b = (await tokenFor(em, 'b', 'sb')).json;
    expect(a.access_token).not.toBe(b.access_token);
    expect(b.scope).toBe('b@example.com');
  });
});

describe('token use on data calls', () => {
  it('answers a garbage token with 601 and an expired one with 602, both HTTP 200 success:false', async () => {
    em = await start();
    const a = await api(em);
    const garbage = await new Api(em).get('/rest/v1/activities/types.json', { Authorization: 'Bearer nope' });
    expect(garbage.status).toBe(200);
    expect(garbage.json).toMatchObject({
      success: false,
      errors: [{ code: '601', message: 'Access token invalid' }],
    });
    expect(garbage.json.requestId).toMatch(/^[0-9a-f]{4}#[0-9a-f]+$/);
    expect(garbage.json.result).toBeUndefined();
    em.control.advance(3600);
    const expired = await a.get('/rest/v1/activities/types.json');
    expect(expired.status).toBe(200);
    expect(expired.json.errors).toEqual([{ code: '602', message: 'Access token expired' }]);
    await a.login();
    expect((await a.get('/rest/v1/activities/types.json')).json.success).toBe(true);
  });

  it('expires every live token on demand (token expiry mid-run)', async () => {
    em = await start();
    const a = await api(em);
    expect((await a.get('/rest/v1/lists.json')).json.success).toBe(true);
    em.control.expireTokens();
    expect((await a.get('/rest/v1/lists.json')).json.errors[0].code).toBe('602');
  });

  it('refuses the access_token query parameter unless configured to accept it', async () => {
    em = await start();
    const a = await api(em);
    const path = `/rest/v1/lists.json?access_token=${encodeURIComponent(a.token)}`;
    const refused = await fetch(`${em.url}${path}`).then(
      (r) => r.json() as Promise<{ errors: { code: string }[] }>,
    );
    expect(refused.errors[0]!.code).toBe('601');
    em.control.setAcceptQueryToken(true);
    const ok = await fetch(`${em.url}${path}`).then((r) => r.json() as Promise<{ success: boolean }>);
    expect(ok.success).toBe(true);
  });

  it('does not count 601 and 602 answers toward the daily quota', async () => {
    em = await start();
    const a = await api(em);
    await new Api(em).get('/rest/v1/lists.json', { Authorization: 'Bearer nope' });
    expect(em.control.state().callsToday).toBe(0);
    await a.get('/rest/v1/lists.json');
    expect(em.control.state().callsToday).toBe(1);
  });
});

describe('limits', () => {
  it('answers the 101st call inside 20 s with 606 and admits calls again once the window moves', async () => {
    em = await start({ rateLimit: { calls: 100, windowSeconds: 20 } });
    const a = await api(em);
    for (let i = 0; i < 100; i++) expect((await a.get('/rest/v1/stats/usage.json')).json.success).toBe(true);
    const limited = await a.get('/rest/v1/stats/usage.json');
    expect(limited.status).toBe(200);
    expect(limited.json.errors[0]).toEqual({
      code: '606',
      message: "Max rate limit '100' exceeded with in '20' secs",
    });
    em.control.advance(20);
    expect((await a.get('/rest/v1/stats/usage.json')).json.success).toBe(true);
  });

  it('answers calls beyond 10 in flight with 615', async () => {
    em = await start();
    const a = await api(em);
    em.control.injectFault({ kind: 'delay', delayMs: 400, times: 10, path: 'lists.json' });
    const slow = Array.from({ length: 10 }, () => a.get('/rest/v1/lists.json'));
    // Wait until the ten slow calls are all in flight (events, not a guessed delay).
    while ((em.control.state().inFlight as number) < 10) await new Promise((r) => setTimeout(r, 5));
    const extra = await a.get('/rest/v1/campaigns.json');
    expect(extra.json.errors[0].code).toBe('615');
    const done = await Promise.all(slow);
    expect(done.every((r) => r.json.success)).toBe(true);
    expect((await a.get('/rest/v1/campaigns.json')).json.success).toBe(true);
  });

  it('answers 607 once the daily quota is used and resets at midnight America/Chicago', async () => {
    // 2025-02-01T12:00Z is 06:00 in Chicago (CST, UTC-6): the quota day ends at 2025-02-02T06:00Z.
    em = await start({ dailyCalls: 5 });
    const a = await api(em);
    em.control.addCalls(3);
    expect((await a.get('/rest/v1/lists.json')).json.success).toBe(true);
    expect((await a.get('/rest/v1/lists.json')).json.success).toBe(true);
    const over = await a.get('/rest/v1/lists.json');
    expect(over.json.errors[0]).toEqual({ code: '607', message: 'Daily quota reached' });
    expect(em.control.state().quotaResetsAt).toBe('2025-02-02T06:00:00Z');
    em.control.setNow('2025-02-02T05:59:59Z');
    await a.login();
    expect((await a.get('/rest/v1/lists.json')).json.errors[0].code).toBe('607');
    em.control.setNow('2025-02-02T06:00:00Z');
    expect((await a.get('/rest/v1/lists.json')).json.success).toBe(true);
  });

  it('reports calls per day and user in stats/usage and error counts in stats/errors', async () => {
    em = await start();
    const a = await api(em);
    em.control.addCalls(7, 'crm.sync@example.com');
    await a.get('/rest/v1/lists.json');
    await a.get('/rest/v1/nope.json');
    const usage = await a.get('/rest/v1/stats/usage.json');
    expect(usage.json.result[0].date).toBe('2025-02-01');
    // 7 elsewhere + lists + nope (610 is counted); the usage call counts after it answers.
    expect(usage.json.result[0].total).toBe(9);
    expect(usage.json.result[0].users).toEqual(
      expect.arrayContaining([
        { userId: 'crm.sync@example.com', count: 7 },
        { userId: 'api.user@example.com', count: 2 },
      ]),
    );
    const week = await a.get('/rest/v1/stats/usage/last7days.json');
    expect(week.json.result).toHaveLength(7);
    const errors = await a.get('/rest/v1/stats/errors.json');
    expect(errors.json.result[0].errors).toEqual([{ errorCode: '610', count: 1 }]);
  });
});

describe('faults and request limits', () => {
  it('injects Marketo error codes as HTTP 200 failures, counted or not as the docs say', async () => {
    em = await start();
    const a = await api(em);
    for (const code of ['604', '608', '611', '713']) {
      em.control.injectFault({ kind: 'code', code, path: 'lists.json' });
      const r = await a.get('/rest/v1/lists.json');
      expect(r.status).toBe(200);
      expect(r.json.success).toBe(false);
      expect(r.json.errors[0].code).toBe(code);
    }
    // 604, 608 and 611 are not counted; 713 is.
    expect(em.control.state().callsToday).toBe(1);
    expect((await a.get('/rest/v1/lists.json')).json.success).toBe(true);
  });

  it('injects gateway errors and connection resets', async () => {
    em = await start();
    const a = await api(em);
    em.control.injectFault({ kind: 'status', status: 502 });
    const r = await a.get('/rest/v1/lists.json');
    expect(r.status).toBe(502);
    expect(r.text).toContain('Bad Gateway');
    em.control.injectFault({ kind: 'reset' });
    await expect(a.get('/rest/v1/lists.json')).rejects.toThrow();
    expect((await a.get('/rest/v1/lists.json')).status).toBe(200);
  });

  it('answers 603 when the API role lacks a permission', async () => {
    em = await start({
      clients: [{ clientId: 'c', clientSecret: 's', user: 'u@example.com', readActivity: false }],
    });
    const a = await new Api(em, 'c', 's').login();
    const r = await a.post('/bulk/v1/activities/export/create.json', {
      filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-10T00:00:00Z' } },
    });
    expect(r.json.errors[0].code).toBe('603');
    expect((await a.get('/rest/v1/leads/describe.json')).json.success).toBe(true);
  });

  it('answers 414 for a URI over 8 KB and 413 for a body over 1 MB', async () => {
    em = await start();
    const a = await api(em);
    const long = await a.get(`/rest/v1/activities.json?nextPageToken=${'A'.repeat(9000)}`);
    expect(long.status).toBe(414);
    const big = await a.post('/bulk/v1/leads/export/create.json', {
      fields: ['id'],
      pad: 'x'.repeat(1_100_000),
    });
    expect(big.status).toBe(413);
  });

  it('accepts a POST with _method=GET and the query in a form body', async () => {
    em = await start();
    const a = await api(em);
    const r = await fetch(`${em.url}/rest/v1/lists.json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _method: 'GET', batchSize: '2' }),
    });
    const body = (await r.json()) as { result: unknown[] };
    expect(body.result).toHaveLength(2);
  });

  it('answers unknown paths with 610 and wrong methods with 605', async () => {
    em = await start();
    const a = await api(em);
    expect((await a.get('/rest/v1/unknown.json')).json.errors[0].code).toBe('610');
    expect((await a.post('/rest/v1/lists.json')).json.errors[0].code).toBe('605');
  });
});
