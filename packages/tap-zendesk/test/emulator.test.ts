import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import type { J } from './emulator-helpers.js';
import { basic, get, NOW, post, start } from './emulator-helpers.js';

const TICKETS = '/api/v2/incremental/tickets/cursor.json';

async function walkCursor(em: ZendeskEmulator, first: string) {
  const pages: J[] = [];
  let url = first;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await get(em, url);
    expect(r.status).toBe(200);
    pages.push(r.json);
    if (r.json.end_of_stream) break;
    url = r.json.after_url;
  }
  return pages;
}

describe('authentication', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start();
  });
  afterAll(() => em.close());

  it('accepts Basic {email}/token:{api_token}', async () => {
    const r = await get(em, '/api/v2/groups.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(Array.isArray(r.json.groups)).toBe(true);
  });

  it('rejects wrong, password-style or missing credentials with 401 and the documented body', async () => {
    const r0 = await get(em, '/api/v2/groups', null);
    expect(r0.headers.get('x-rate-limit')).toBe('700');
    expect(r0.headers.get('www-authenticate')).toMatch(/^Basic/);
    for (const auth of [
      basic(em, em.credentials.email, 'wrong'),
      `Basic ${Buffer.from(`${em.credentials.email}:${em.credentials.apiToken}`).toString('base64')}`,
      null,
    ]) {
      const r = await get(em, '/api/v2/groups', auth);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: "Couldn't authenticate you" });
    }
  });

  it('accepts the OAuth bearer token and rejects an unknown one with invalid_token', async () => {
    const ok = await get(em, '/api/v2/groups', `Bearer ${em.credentials.accessToken}`);
    expect(ok.status).toBe(200);
    const bad = await get(em, '/api/v2/groups', 'Bearer nope');
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe('invalid_token');
  });

  it('reports the current token (legacy token: expires_at null)', async () => {
    const r = await get(em, '/api/v2/oauth/tokens/current.json', `Bearer ${em.credentials.accessToken}`);
    expect(r.status).toBe(200);
    expect(r.json.token.token).toBe(em.credentials.accessToken.slice(0, 10));
    expect(r.json.token.scopes).toEqual(['read']);
    expect(r.json.token.expires_at).toBeNull();
  });

  it('refresh rotates the pair, invalidates the old tokens, and new tokens expire after expires_in', async () => {
    const e = await start();
    try {
      const c = e.credentials;
      const body = {
        grant_type: 'refresh_token',
        refresh_token: c.refreshToken,
        client_id: c.clientId,
        client_secret: c.clientSecret,
        expires_in: 3600,
      };
      const r = await post(e, '/oauth/tokens', body);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        token_type: 'bearer',
        scope: 'read',
        expires_in: 3600,
        refresh_token_expires_in: 2592000,
      });
      expect(r.json.access_token).not.toBe(c.accessToken);
      expect(r.json.refresh_token).not.toBe(c.refreshToken);
      // The old pair is gone.
      expect((await get(e, '/api/v2/groups', `Bearer ${c.accessToken}`)).status).toBe(401);
      const again = await post(e, '/oauth/tokens', body);
      expect(again.status).toBe(400);
      expect(again.json.error).toBe('invalid_grant');
      // The new token works and reports its expiry.
      const cur = await get(e, '/api/v2/oauth/tokens/current.json', `Bearer ${r.json.access_token}`);
      expect(cur.status).toBe(200);
      expect(cur.json.token.expires_at).toBe(new Date((NOW + 3600) * 1000).toISOString().replace('.000', ''));
      // ...until the clock passes expires_in.
      e.control.advance(3600);
      const expired = await get(e, '/api/v2/groups', `Bearer ${r.json.access_token}`);
      expect(expired.status).toBe(401);
      expect(expired.json.error).toBe('invalid_token');
      // The new refresh token still rotates.
      const r2 = await post(e, '/oauth/tokens', { ...body, refresh_token: r.json.refresh_token });
      expect(r2.status).toBe(200);
      expect((await get(e, '/api/v2/groups', `Bearer ${r2.json.access_token}`)).status).toBe(200);
    } finally {
      await e.close();
    }
  });

  it('validates the refresh request (client, expires_in range)', async () => {
    const c = em.credentials;
    const base = {
      grant_type: 'refresh_token',
      refresh_token: c.refreshToken,
      client_id: c.clientId,
      client_secret: c.clientSecret,
    };
    expect((await post(em, '/oauth/tokens', { ...base, client_secret: 'x' })).status).toBe(401);
    expect((await post(em, '/oauth/tokens', { ...base, expires_in: 300 })).status).toBe(400);
    expect((await post(em, '/oauth/tokens', { ...base, expires_in: 172800 })).status).toBe(400);
    expect((await post(em, '/oauth/tokens', { ...base, refresh_token_expires_in: 100 })).status).toBe(400);
  });

  it('a token without the read scope gets the 403 scope body; tickets:read does not cover audits', async () => {
    const e = await start({ credentials: { scopes: ['tickets:read'] } });
    try {
      const bearer = `Bearer ${e.credentials.accessToken}`;
      expect((await get(e, '/api/v2/tickets', bearer)).status).toBe(200);
      const id = e.tenant.ticketId(1);
      const audits = await get(e, `/api/v2/tickets/${id}/audits`, bearer);
      expect(audits.status).toBe(403);
      expect(audits.json).toEqual({
        error: 'Forbidden',
        description: 'Missing the following required scopes: read',
      });
      expect((await get(e, '/api/v2/users', bearer)).status).toBe(403);
    } finally {
      await e.close();
    }
  });

  it('agents get 403 on incremental exports', async () => {
    const e = await start({ credentials: { role: 'agent' } });
    try {
      const r = await get(e, `${TICKETS}?start_time=0`);
      expect(r.status).toBe(403);
      expect(r.json.error.title).toBe('Forbidden');
    } finally {
      await e.close();
    }
  });
});

describe('cursor-based incremental export (tickets, users)', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start({ tickets: 300 });
  });
  afterAll(() => em.close());

  it('walks every ticket exactly once, in generated_timestamp order, and ends with end_of_stream + after_url', async () => {
    const pages = await walkCursor(em, `${TICKETS}?start_time=0&per_page=37`);
    const tickets = pages.flatMap((p) => p.tickets);
    const ids = tickets.map((t: J) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = Array.from({ length: 300 }, (_, i) => em.tenant.ticketId(i)).sort((a, b) => a - b);
    expect([...ids].sort((a, b) => a - b)).toEqual(all);
    const gts = tickets.map((t: J) => t.generated_timestamp);
    expect(gts).toEqual([...gts].sort((a, b) => a - b));
    expect(pages.length).toBe(Math.ceil(300 / 37));
    const last = pages[pages.length - 1];
    expect(last.end_of_stream).toBe(true);
    expect(last.after_url).toMatch(new RegExp(`^${em.url}/api/v2/incremental/tickets/cursor.json\\?cursor=`));
    expect(last.after_cursor).toEqual(expect.any(String));
    for (const p of pages.slice(0, -1)) expect(p.end_of_stream).toBe(false);
    // Keys of the documented shape.
    expect(Object.keys(pages[0])).toEqual([
      'tickets',
      'after_url',
      'after_cursor',
      'before_url',
      'before_cursor',
      'end_of_stream',
    ]);
  });

  it('after_url carries the cursor only (include/exclude_deleted must be repeated)', async () => {
    const r = await get(em, `${TICKETS}?start_time=0&include=metric_sets&exclude_deleted=true`);
    const u = new URL(r.json.after_url);
    expect([...u.searchParams.keys()]).toEqual(['cursor']);
  });

  it('caps per_page at 1000', async () => {
    const e = await start({ tickets: 1500 });
    try {
      const r = await get(e, `${TICKETS}?start_time=0&per_page=5000`);
      expect(r.json.tickets).toHaveLength(1000);
      const d = await get(e, `${TICKETS}?start_time=0`);
      expect(d.json.tickets).toHaveLength(1000);
    } finally {
      await e.close();
    }
  });

  it('filters on generated_timestamp: a system-updated ticket has updated_at < start_time', async () => {
    const r = await get(em, `${TICKETS}?start_time=0&per_page=1000`);
    const sys = r.json.tickets.find((t: J) => Date.parse(t.updated_at) / 1000 < t.generated_timestamp);
    expect(sys).toBeDefined();
    const again = await get(em, `${TICKETS}?start_time=${sys.generated_timestamp}`);
    const hit = again.json.tickets.find((t: J) => t.id === sys.id);
    expect(hit).toBeDefined();
    expect(Date.parse(hit.updated_at) / 1000).toBeLessThan(sys.generated_timestamp);
  });

  it('rejects start_time together with cursor, and malformed cursors', async () => {
    const r = await get(em, `${TICKETS}?start_time=0`);
    expect(
      (await get(em, `${TICKETS}?start_time=0&cursor=${encodeURIComponent(r.json.after_cursor)}`)).status,
    ).toBe(400);
    expect((await get(em, `${TICKETS}?cursor=garbage`)).status).toBe(400);
  });

  it('include=metric_sets embeds a metric_set per ticket; unknown includes are ignored', async () => {
    const r = await get(em, `${TICKETS}?start_time=0&per_page=5&include=metric_sets,bogus`);
    for (const t of r.json.tickets) {
      expect(t.metric_set.ticket_id).toBe(t.id);
      expect(t.metric_set.reply_time_in_minutes).toHaveProperty('calendar');
    }
    const plain = await get(em, `${TICKETS}?start_time=0&per_page=5&include=bogus`);
    expect(plain.json.tickets[0].metric_set).toBeUndefined();
  });

  it('users export walks every user once, sorted by updated_at', async () => {
    const pages = await walkCursor(em, '/api/v2/incremental/users/cursor.json?start_time=0&per_page=20');
    const users = pages.flatMap((p) => p.users);
    expect(users).toHaveLength(em.tenant.userCount);
    expect(new Set(users.map((u: J) => u.id)).size).toBe(users.length);
    const ts = users.map((u: J) => Date.parse(u.updated_at));
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(users.some((u: J) => u.active === false)).toBe(true);
    expect(users[0].user_fields).toBeTypeOf('object');
  });
});

describe('deleted tickets and mutations', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start({ tickets: 400 });
  });
  afterAll(() => em.close());

  it('deleted tickets appear with status "deleted"; exclude_deleted=true leaves them out; their children 404', async () => {
    const all = (await walkCursor(em, `${TICKETS}?start_time=0`)).flatMap((p) => p.tickets);
    const deleted = all.filter((t: J) => t.status === 'deleted');
    expect(deleted.length).toBeGreaterThan(0);
    const kept = (await walkCursor(em, `${TICKETS}?start_time=0&exclude_deleted=true`)).flatMap(
      (p) => p.tickets,
    );
    expect(kept.length).toBe(all.length - deleted.length);
    expect(kept.some((t: J) => t.status === 'deleted')).toBe(false);
    for (const child of ['audits', 'metrics', 'comments']) {
      const r = await get(em, `/api/v2/tickets/${deleted[0].id}/${child}.json`);
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    }
  });

  it('a stored cursor resumes later and returns only the changes made since (after the freshness window)', async () => {
    const pages = await walkCursor(em, `${TICKETS}?start_time=0`);
    const cursor = pages[pages.length - 1].after_url;
    expect((await get(em, cursor)).json.tickets).toEqual([]);
    const target = pages[0].tickets[3];
    em.control.advance(10);
    const status = target.status === 'pending' ? 'hold' : 'pending';
    em.control.updateTicket(target.id, { status, subject: 'Résolu ✅' });
    const victim = pages[0].tickets[5];
    em.control.deleteTicket(victim.id);
    // Changes from the last 60 seconds are hidden...
    const early = await get(em, cursor);
    expect(early.json.tickets).toEqual([]);
    expect(early.json.end_of_stream).toBe(true);
    // ...and show up once the window has passed.
    em.control.advance(61);
    const later = await get(em, cursor);
    expect(later.json.tickets.map((t: J) => t.id)).toEqual([target.id, victim.id]);
    const [changed, gone] = later.json.tickets;
    expect(changed.status).toBe(status);
    expect(changed.subject).toBe('Résolu ✅');
    expect(changed.updated_at).toBe(new Date((NOW + 10) * 1000).toISOString().replace('.000', ''));
    expect(changed.generated_timestamp).toBe(NOW + 10);
    expect(gone.status).toBe('deleted');
    // The changed ticket moved: a full walk still has it once.
    const again = (await walkCursor(em, `${TICKETS}?start_time=0`)).flatMap((p) => p.tickets);
    expect(again.filter((t: J) => t.id === target.id)).toHaveLength(1);
    // The update is in the audits, the deletion makes children 404.
    const audits = await get(em, `/api/v2/tickets/${target.id}/audits.json`);
    const lastAudit = audits.json.audits[audits.json.audits.length - 1];
    expect(lastAudit.events).toContainEqual(
      expect.objectContaining({ type: 'Change', field_name: 'status', value: status }),
    );
    expect((await get(em, `/api/v2/tickets/${victim.id}/audits.json`)).status).toBe(404);
  });

  it('a system update moves generated_timestamp but not updated_at', async () => {
    const first = (await get(em, `${TICKETS}?start_time=0&per_page=20`)).json.tickets[10];
    const before = em.control.now().getTime() / 1000;
    em.control.updateTicket(first.id, { tags: ['system_touched'] }, { system: true });
    em.control.advance(61);
    const r = await get(em, `${TICKETS}?start_time=${before}`);
    const t = r.json.tickets.find((x: J) => x.id === first.id);
    expect(t.generated_timestamp).toBe(before);
    expect(t.updated_at).toBe(first.updated_at);
    expect(t.tags).toEqual(['system_touched']);
  });

  it('users and organizations can be updated and soft-deleted, over HTTP too', async () => {
    const uid = em.tenant.userId(50);
    const oid = em.tenant.orgId(3);
    const t0 = em.control.now().getTime() / 1000;
    expect((await post(em, `/__emulator/users/${uid}`, { set: { name: 'Ünïcødé Ñame' } })).status).toBe(200);
    expect((await post(em, `/__emulator/organizations/${oid}`, {}, 'DELETE')).status).toBe(200);
    expect((await post(em, '/__emulator/clock', { advance: 61 })).json.now_unix).toBe(t0 + 61);
    const users = await get(em, `/api/v2/incremental/users/cursor.json?start_time=${t0}`);
    expect(users.json.users.map((u: J) => [u.id, u.name])).toEqual([[uid, 'Ünïcødé Ñame']]);
    const orgs = await get(em, `/api/v2/incremental/organizations.json?start_time=${t0}`);
    expect(orgs.json.organizations).toHaveLength(1);
    expect(orgs.json.organizations[0].deleted_at).toBe(new Date(t0 * 1000).toISOString().replace('.000', ''));
    expect((await post(em, '/__emulator/tickets/123', { set: {} })).status).toBe(404);
  });
});

describe('time-based incremental export', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start({ tickets: 200, organizations: 60, ties: { every: 6, size: 4 } });
  });
  afterAll(() => em.close());

  it('inclusive start_time: end_time is the last item, next_page uses it, boundary items repeat', async () => {
    const pages: J[] = [];
    let url = '/api/v2/incremental/organizations.json?start_time=0&per_page=5';
    for (let guard = 0; guard < 100; guard++) {
      const r = await get(em, url);
      expect(r.status).toBe(200);
      pages.push(r.json);
      if (r.json.end_of_stream) break;
      url = r.json.next_page;
    }
    let repeats = 0;
    for (let k = 0; k < pages.length; k++) {
      const p = pages[k];
      const ts = p.organizations.map((o: J) => Date.parse(o.updated_at) / 1000);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
      expect(p.count).toBe(p.organizations.length);
      expect(p.end_time).toBe(ts[ts.length - 1]);
      expect(p.next_page).toBe(
        `${em.url}/api/v2/incremental/organizations.json?start_time=${p.end_time}&per_page=5`,
      );
      if (k > 0) {
        const prev = pages[k - 1];
        const boundary = prev.organizations.filter(
          (o: J) => Date.parse(o.updated_at) / 1000 === prev.end_time,
        );
        expect(p.organizations.slice(0, boundary.length)).toEqual(boundary);
        repeats += boundary.length;
      }
    }
    expect(repeats).toBeGreaterThan(pages.length - 1); // ties at boundaries produce extra repeats
    const unique = new Set(pages.flatMap((p) => p.organizations.map((o: J) => o.id)));
    expect(unique.size).toBe(60);
    const last = pages[pages.length - 1];
    expect(last.end_of_stream).toBe(true);
    expect(last.next_page).toContain(`start_time=${last.end_time}`);
    expect(Object.keys(last)).toEqual(['organizations', 'count', 'end_time', 'next_page', 'end_of_stream']);
  });

  it('a full page sharing one timestamp gives a next_page that does not advance', async () => {
    const e = await start({ organizations: 40, bursts: { organizations: 25 } });
    try {
      const all = await get(e, '/api/v2/incremental/organizations.json?start_time=0');
      const counts = new Map<string, number>();
      for (const o of all.json.organizations) counts.set(o.updated_at, (counts.get(o.updated_at) ?? 0) + 1);
      const [burstAt] = [...counts.entries()].find(([, n]) => n >= 25) ?? [];
      expect(burstAt).toBeDefined();
      const ts = Date.parse(burstAt as string) / 1000;
      const url = `/api/v2/incremental/organizations.json?start_time=${ts}&per_page=10`;
      const r = await get(e, url);
      expect(r.json.count).toBe(10);
      expect(r.json.end_time).toBe(ts);
      expect(r.json.next_page).toBe(`${e.url}${url}`);
      expect(r.json.end_of_stream).toBe(false);
    } finally {
      await e.close();
    }
  });

  it('empty result past the last change: end_of_stream true, next_page still present', async () => {
    const r = await get(em, `/api/v2/incremental/organizations.json?start_time=${NOW - 3600}`);
    expect(r.json).toEqual({
      organizations: [],
      count: 0,
      end_time: NOW - 3600,
      next_page: `${em.url}/api/v2/incremental/organizations.json?start_time=${NOW - 3600}`,
      end_of_stream: true,
    });
  });

  it('ticket_events (with comment_events) are sorted by timestamp', async () => {
    const r = await get(
      em,
      '/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events&per_page=100',
    );
    const ts = r.json.ticket_events.map((e: J) => e.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(r.json.end_time).toBe(ts[ts.length - 1]);
    const comment = r.json.ticket_events[0].child_events.find((c: J) => c.event_type === 'Comment');
    expect(comment.body).toEqual(expect.any(String));
  });

  it('ticket_metric_events carry count/end_time/next_page but no end_of_stream', async () => {
    const r = await get(em, '/api/v2/incremental/ticket_metric_events.json?start_time=0&per_page=50');
    expect(r.json.count).toBe(50);
    expect(r.json).not.toHaveProperty('end_of_stream');
    expect(r.json.next_page).toContain(`start_time=${r.json.end_time}`);
  });

  it('time-based tickets and users variants', async () => {
    const t = await get(em, '/api/v2/incremental/tickets.json?start_time=0&per_page=50');
    expect(t.json.tickets).toHaveLength(50);
    expect(t.json.end_time).toBe(t.json.tickets[49].generated_timestamp);
    const u = await get(em, '/api/v2/incremental/users.json?start_time=0&per_page=5');
    expect(u.json.users).toHaveLength(5);
    expect(u.json.end_time).toBe(Date.parse(u.json.users[4].updated_at) / 1000);
  });
});

describe('freshness window and start_time validation', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start();
  });
  afterAll(() => em.close());

  it.each([
    ['/api/v2/incremental/tickets/cursor.json'],
    ['/api/v2/incremental/users/cursor.json'],
    ['/api/v2/incremental/organizations.json'],
    ['/api/v2/incremental/ticket_events.json'],
  ])('%s: start_time in the last 60 s or in the future → 422 Too recent', async (path) => {
    for (const st of [NOW - 30, NOW, NOW + 3600]) {
      const r = await get(em, `${path}?start_time=${st}`);
      expect(r.status).toBe(422);
      expect(r.json.error).toBe('InvalidValue');
      expect(r.json.description).toMatch(/^Too recent start_time/);
    }
    expect((await get(em, `${path}?start_time=${NOW - 60}`)).status).toBe(200);
  });

  it('missing or malformed start_time → 400', async () => {
    expect((await get(em, '/api/v2/incremental/organizations.json')).status).toBe(400);
    expect((await get(em, '/api/v2/incremental/organizations.json?start_time=yesterday')).status).toBe(400);
  });
});

describe('rate limits', () => {
  let em: ZendeskEmulator;
  afterEach(() => em.close());

  it('incremental budget: over it → 429 JSON APIRateLimitExceeded with Retry-After; recovers after the window', async () => {
    em = await start({ rateLimit: { perMinute: 100, incrementalPerMinute: 3 } });
    for (let k = 0; k < 3; k++) {
      const ok = await get(em, '/api/v2/incremental/organizations.json?start_time=0');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-rate-limit')).toBe('100');
      expect(ok.headers.get('x-rate-limit-remaining')).toBe(String(99 - k));
    }
    const r = await get(em, '/api/v2/incremental/organizations.json?start_time=0');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('60');
    expect(r.json).toEqual({
      error: 'APIRateLimitExceeded',
      description: 'Number of allowed incremental export API requests per minute exceeded',
    });
    // Other endpoints still work.
    expect((await get(em, '/api/v2/groups')).status).toBe(200);
    em.control.advance(20);
    expect(
      (await get(em, '/api/v2/incremental/organizations.json?start_time=0')).headers.get('retry-after'),
    ).toBe('40');
    em.control.advance(40);
    expect((await get(em, '/api/v2/incremental/organizations.json?start_time=0')).status).toBe(200);
  });

  it('account budget: over it → 429 text/plain with Retry-After', async () => {
    em = await start({ rateLimit: { perMinute: 2 } });
    expect((await get(em, '/api/v2/groups')).status).toBe(200);
    em.control.advance(15);
    expect((await get(em, '/api/v2/tags')).status).toBe(200);
    const r = await get(em, '/api/v2/groups');
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('Number of allowed API requests per minute exceeded');
    expect(Buffer.byteLength(r.text)).toBe(50);
    expect(r.headers.get('retry-after')).toBe('45');
    expect(r.headers.get('x-rate-limit-remaining')).toBe('0');
    em.control.advance(45);
    expect((await get(em, '/api/v2/groups')).status).toBe(200);
  });

  it('defaults follow the plan (enterprise 700, team 200) and the incremental limit of 10', async () => {
    em = await startDefault();
    const r = await get(em, '/api/v2/groups');
    expect(r.headers.get('x-rate-limit')).toBe('700');
    for (let k = 0; k < 10; k++)
      expect((await get(em, '/api/v2/incremental/organizations.json?start_time=0')).status).toBe(200);
    expect((await get(em, '/api/v2/incremental/organizations.json?start_time=0')).status).toBe(429);
    em.control.setPlan('team');
    expect((await get(em, '/api/v2/groups')).headers.get('x-rate-limit')).toBe('200');
  });
});

async function startDefault() {
  const { startZendeskEmulator } = await import('../src/emulator/index.js');
  return startZendeskEmulator({ tickets: 50, now: NOW * 1000 });
}

describe('fault injection', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start({ tickets: 1200, largeCommentEvery: 0 });
  });
  afterAll(() => em.close());

  it('injects statuses with Retry-After and typical bodies, then recovers', async () => {
    em.control.injectFault([
      { status: 503, retryAfter: 7 },
      { status: 429, times: 1 },
      { status: 409 },
      { status: 500 },
    ]);
    const a = await get(em, '/api/v2/groups');
    expect(a.status).toBe(503);
    expect(a.headers.get('retry-after')).toBe('7');
    const b = await get(em, '/api/v2/groups');
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBe('1');
    expect(b.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await get(em, '/api/v2/groups')).status).toBe(409);
    const d = await get(em, '/api/v2/groups');
    expect(d.status).toBe(500);
    expect(d.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await get(em, '/api/v2/groups')).status).toBe(200);
  });

  it('matches faults by path, over the HTTP control API too', async () => {
    expect((await post(em, '/__emulator/faults', { status: 502, path: '/tags', times: 2 })).status).toBe(200);
    expect((await get(em, '/api/v2/groups')).status).toBe(200);
    expect((await get(em, '/api/v2/tags')).status).toBe(502);
    expect((await get(em, '/api/v2/tags')).status).toBe(502);
    expect((await get(em, '/api/v2/tags')).status).toBe(200);
  });

  it('resets the connection, or cuts the body mid-way', async () => {
    em.control.injectFault({ kind: 'reset' });
    await expect(fetch(`${em.url}/api/v2/groups`)).rejects.toThrow();
    em.control.injectFault({ kind: 'truncate', path: 'incremental' });
    const res = await fetch(`${em.url}${TICKETS}?start_time=0`, { headers: { Authorization: basic(em) } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect((await get(em, `${TICKETS}?start_time=0`)).status).toBe(200);
  });

  it('delays a response', async () => {
    em.control.injectFault({ kind: 'delay', delayMs: 150 });
    const t0 = performance.now();
    expect((await get(em, '/api/v2/groups')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('504 on pages above a size threshold', async () => {
    em.control.setTimeoutAbovePageSize(500);
    try {
      const r = await get(em, `${TICKETS}?start_time=0&per_page=1000`);
      expect(r.status).toBe(504);
      expect((await get(em, `${TICKETS}?start_time=0&per_page=500`)).status).toBe(200);
    } finally {
      em.control.setTimeoutAbovePageSize(null);
    }
  });
});
