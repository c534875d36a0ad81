import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import type { J } from './emulator-helpers.js';
import { get, ISO_SECONDS, NOW, start } from './emulator-helpers.js';

async function walkLinks(em: ZendeskEmulator, first: string, key: string) {
  const pages: J[] = [];
  let url = first;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await get(em, url);
    expect(r.status).toBe(200);
    pages.push(r.json);
    if (!r.json.meta.has_more) break;
    url = r.json.links.next;
  }
  return { pages, items: pages.flatMap((p) => p[key]) };
}

describe('list endpoints', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start({ tickets: 600 });
  });
  afterAll(() => em.close());

  it('cursor pagination: page[size], meta.has_more/after_cursor, links.next back at the emulator', async () => {
    const { pages, items } = await walkLinks(em, '/api/v2/groups.json?page[size]=3', 'groups');
    expect(items).toHaveLength(10);
    expect(pages).toHaveLength(4);
    expect(pages[0].links.next.startsWith(`${em.url}/api/v2/groups.json?`)).toBe(true);
    expect(pages[0].links.next).toContain('page%5Bafter%5D=');
    expect(pages[0].meta).toEqual({
      has_more: true,
      after_cursor: expect.any(String),
      before_cursor: expect.any(String),
    });
    expect(pages[3].meta.has_more).toBe(false);
    expect(items.every((g: J) => g.deleted === false)).toBe(true);
    // page[before] walks back.
    const back = await get(em, pages[1].links.prev);
    expect(back.json.groups).toEqual(pages[0].groups);
  });

  it('deleted groups are visible only with exclude_deleted=false', async () => {
    const r = await get(em, '/api/v2/groups?exclude_deleted=false&page[size]=100');
    expect(r.json.groups).toHaveLength(12);
    expect(r.json.groups.filter((g: J) => g.deleted)).toHaveLength(2);
  });

  it('page[size] is capped at 100', async () => {
    const r = await get(em, '/api/v2/tickets?page[size]=500');
    expect(r.json.tickets).toHaveLength(100);
    expect(r.json.meta.has_more).toBe(true);
  });

  it('/tickets: ordered by id, updated_at out of order, no archived/deleted tickets', async () => {
    const { items } = await walkLinks(em, '/api/v2/tickets?page[size]=100', 'tickets');
    const ids = items.map((t: J) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const updated = items.map((t: J) => t.updated_at);
    expect(updated).not.toEqual([...updated].sort());
    expect(items.some((t: J) => t.status === 'deleted')).toBe(false);
    expect(items[0]).not.toHaveProperty('generated_timestamp');
    const archived = Array.from({ length: 600 }, (_, i) => i).filter((i) => em.tenant.isArchived(i));
    expect(archived.length).toBeGreaterThan(0);
    const listed = new Set(ids);
    for (const i of archived) expect(listed.has(em.tenant.ticketId(i))).toBe(false);
    // ...but archived tickets are in the incremental export, and their audits come unpaginated.
    const aid = em.tenant.ticketId(archived[0] as number);
    const exp = await get(em, '/api/v2/incremental/tickets/cursor.json?start_time=0');
    expect(exp.json.tickets.some((t: J) => t.id === aid)).toBe(true);
    const audits = await get(em, `/api/v2/tickets/${aid}/audits.json?page[size]=1`);
    expect(audits.status).toBe(200);
    expect(audits.json.audits.length).toBeGreaterThanOrEqual(1);
    expect(audits.json.next_page).toBeNull();
    expect(audits.json).not.toHaveProperty('meta');
  });

  it('offset pagination: next_page/previous_page/count, and 400 beyond page 100', async () => {
    const p1 = await get(em, '/api/v2/tickets.json?per_page=50');
    expect(p1.json.tickets).toHaveLength(50);
    expect(p1.json.previous_page).toBeNull();
    expect(p1.json.count).toBe(em.tenant.listableTickets());
    expect(p1.json.next_page).toBe(`${em.url}/api/v2/tickets.json?page=2&per_page=50`);
    const p2 = await get(em, p1.json.next_page);
    expect(p2.json.previous_page).toBe(`${em.url}/api/v2/tickets.json?page=1&per_page=50`);
    expect(p2.json.tickets[0].id).toBeGreaterThan(p1.json.tickets[49].id);
    const tooFar = await get(em, '/api/v2/tickets.json?page=101&per_page=10');
    expect(tooFar.status).toBe(400);
    expect(tooFar.json.error).toBe('InvalidPaginationParameter');
    const e = await start({ tickets: 0, organizations: 10_500 });
    try {
      const last = await get(e, '/api/v2/organizations.json?page=100&per_page=100');
      expect(last.status).toBe(200);
      expect(last.json.next_page).toContain('page=101');
      expect((await get(e, last.json.next_page)).status).toBe(400);
    } finally {
      await e.close();
    }
  });

  it('group memberships include rows with updated_at null; tags are keyed by name, most popular first', async () => {
    const gm = await get(em, '/api/v2/group_memberships?page[size]=100');
    expect(gm.json.group_memberships.some((m: J) => m.updated_at === null)).toBe(true);
    const tags = await get(em, '/api/v2/tags?page[size]=100');
    const counts = tags.json.tags.map((t: J) => t.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(Object.keys(tags.json.tags[0])).toEqual(['name', 'count']);
  });

  it('ticket_fields: unpaginated by position, cursor by id; custom field types', async () => {
    const all = await get(em, '/api/v2/ticket_fields.json');
    const types = all.json.ticket_fields.map((f: J) => f.type);
    for (const t of [
      'text',
      'textarea',
      'integer',
      'decimal',
      'checkbox',
      'date',
      'tagger',
      'multiselect',
      'regexp',
      'lookup',
    ]) {
      expect(types).toContain(t);
    }
    expect(all.json.next_page).toBeNull();
    const cur = await get(em, '/api/v2/ticket_fields.json?page[size]=5');
    expect(cur.json.ticket_fields).toHaveLength(5);
    expect(cur.json.meta.has_more).toBe(true);
  });

  it('per-ticket audits, comments and metrics', async () => {
    const id = em.tenant.ticketId(2);
    const audits = await get(em, `/api/v2/tickets/${id}/audits.json`);
    expect(audits.status).toBe(200);
    const a = audits.json.audits[0];
    expect(Object.keys(a)).toEqual([
      'id',
      'ticket_id',
      'created_at',
      'author_id',
      'metadata',
      'via',
      'events',
    ]);
    expect(a.ticket_id).toBe(id);
    expect(['Comment', 'VoiceComment']).toContain(a.events[0].type);
    expect(a.events[0]).toMatchObject({ audit_id: a.id, attachments: expect.any(Array) });
    const comments = await get(em, `/api/v2/tickets/${id}/comments?page[size]=100`);
    expect(comments.json.comments.length).toBe(audits.json.audits.length);
    const desc = await get(em, `/api/v2/tickets/${id}/comments?sort=-created_at`);
    expect(desc.json.comments.map((c: J) => c.id)).toEqual(
      comments.json.comments.map((c: J) => c.id).reverse(),
    );
    const m = await get(em, `/api/v2/tickets/${id}/metrics.json`);
    expect(m.json.ticket_metric.ticket_id).toBe(id);
    const list = await get(em, '/api/v2/ticket_metrics?page[size]=10');
    expect(list.json.ticket_metrics).toHaveLength(10);
  });

  it('404 bodies: unknown endpoint and unknown record', async () => {
    for (const path of [
      '/api/v2/nope',
      '/api/v2/nope.json',
      '/api/v3/tickets',
      '/api/v2/tickets/1/unknown',
    ]) {
      const r = await get(em, path);
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: 'InvalidEndpoint', description: 'Not found' });
    }
    for (const path of [
      '/api/v2/tickets/1.json',
      '/api/v2/tickets/1/audits',
      '/api/v2/users/1',
      '/api/v2/groups/1',
    ]) {
      const r = await get(em, path);
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    }
  });

  it('.json suffix is optional', async () => {
    const a = await get(em, '/api/v2/macros?page[size]=5');
    const b = await get(em, '/api/v2/macros.json?page[size]=5');
    expect(b.json.macros).toEqual(a.json.macros);
  });

  it('satisfaction ratings: cursor pagination with start_time/end_time and score filters', async () => {
    const all = await get(em, '/api/v2/satisfaction_ratings?page[size]=100');
    expect(all.json.satisfaction_ratings).toHaveLength(100);
    const mid = all.json.satisfaction_ratings[50];
    const st = Date.parse(mid.created_at) / 1000;
    const after = await get(em, `/api/v2/satisfaction_ratings?page[size]=100&start_time=${st}`);
    expect(after.json.satisfaction_ratings[0].id).toBe(mid.id);
    const bad = await get(em, '/api/v2/satisfaction_ratings?page[size]=100&score=bad');
    expect(bad.json.satisfaction_ratings.every((r: J) => r.score === 'bad')).toBe(true);
  });
});

describe('plan-gated streams (403)', () => {
  it('team plan: sla_policies and ticket_forms 403; disabled CSAT, Talk and custom fields 403 too', async () => {
    const em = await start({ plan: 'team', features: { satisfactionRatings: false, customFields: false } });
    try {
      const sla = await get(em, '/api/v2/slas/policies.json');
      expect(sla.status).toBe(403);
      expect(sla.json).toEqual({
        error: {
          title: 'Forbidden',
          message:
            'You do not have access to this page. Please contact the account owner of this help desk for further help.',
        },
      });
      expect((await get(em, '/api/v2/ticket_forms')).status).toBe(403);
      expect((await get(em, '/api/v2/satisfaction_ratings')).status).toBe(403);
      expect((await get(em, '/api/v2/user_fields')).status).toBe(403);
      expect((await get(em, '/api/v2/organization_fields')).status).toBe(403);
      const talk = await get(em, '/api/v2/channels/voice/phone_numbers.json');
      expect(talk.status).toBe(403);
      expect(talk.json.error.message).toMatch(/^Access to this resource is restricted/);
      // Essential streams keep working.
      expect((await get(em, '/api/v2/groups')).status).toBe(200);
      em.control.setPlan('enterprise');
      const ok = await get(em, '/api/v2/slas/policies.json');
      expect(ok.status).toBe(200);
      expect(ok.json.sla_policies.length).toBeGreaterThan(0);
      expect(ok.json.next_page).toBeNull();
      expect((await get(em, '/api/v2/ticket_forms')).json.ticket_forms.length).toBeGreaterThan(0);
    } finally {
      await em.close();
    }
  });
});

describe('generated data', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await start({ tickets: 300, largeCommentEvery: 50, largeCommentBytes: 200_000 });
  });
  afterAll(() => em.close());

  it('ids are 64-bit-like and timestamps are YYYY-MM-DDTHH:MM:SSZ', async () => {
    const r = await get(em, '/api/v2/incremental/tickets/cursor.json?start_time=0&include=metric_sets');
    for (const t of r.json.tickets) {
      for (const k of ['id', 'requester_id', 'submitter_id']) {
        expect(t[k]).toBeGreaterThan(2 ** 32);
        expect(Number.isSafeInteger(t[k])).toBe(true);
      }
      expect(t.created_at).toMatch(ISO_SECONDS);
      expect(t.updated_at).toMatch(ISO_SECONDS);
      expect(t.metric_set.created_at).toMatch(ISO_SECONDS);
      expect(Date.parse(t.created_at)).toBeLessThanOrEqual(Date.parse(t.updated_at));
      expect(Date.parse(t.updated_at) / 1000).toBeLessThanOrEqual(t.generated_timestamp);
      expect(t.fields).toEqual(t.custom_fields);
    }
  });

  it('custom field values: strings for numbers, arrays, booleans, nulls, mixed date formats', async () => {
    const r = await get(em, '/api/v2/incremental/tickets/cursor.json?start_time=0');
    const values = r.json.tickets.flatMap((t: J) => t.custom_fields.map((f: J) => f.value));
    expect(values.some((v: unknown) => Array.isArray(v))).toBe(true);
    expect(values.some((v: unknown) => typeof v === 'boolean')).toBe(true);
    expect(values.some((v: unknown) => v === null)).toBe(true);
    expect(values.some((v: unknown) => typeof v === 'string' && /^\d+$/.test(v))).toBe(true);
    expect(values.some((v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))).toBe(true);
    expect(
      values.some((v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T00:00:00Z$/.test(v)),
    ).toBe(true);
    const vias = new Set(r.json.tickets.map((t: J) => t.via.channel));
    expect(vias.size).toBeGreaterThan(3);
    const orgs = await get(em, '/api/v2/incremental/organizations.json?start_time=0');
    expect(
      orgs.json.organizations.some((o: J) => /\+00:00$/.test(o.organization_fields.contract_start ?? '')),
    ).toBe(true);
  });

  it('unicode survives the round trip, including large comment bodies', async () => {
    const id = em.tenant.ticketId(49);
    const r = await get(em, `/api/v2/tickets/${id}/comments.json`);
    const big = r.json.comments.find((c: J) => Buffer.byteLength(c.body) > 150_000);
    expect(big).toBeDefined();
    expect(big.body).toContain('👩‍💻');
    expect(big.body).toContain('注文がまだ届きません'.slice(0, 0) || 'こんにちは');
    expect(big.body).toContain('שלום');
    expect(big.body).toBe(big.plain_body);
    const names = await get(em, '/api/v2/incremental/users/cursor.json?start_time=0');
    expect(names.json.users.some((u: J) => /[^\u0000-\u007f]/.test(u.name))).toBe(true);
  });

  it('ties in updated_at exist in the export', async () => {
    const r = await get(em, '/api/v2/incremental/tickets/cursor.json?start_time=0');
    const ts = r.json.tickets.map((t: J) => t.generated_timestamp);
    expect(new Set(ts).size).toBeLessThan(ts.length);
  });

  it('is deterministic: same seed → byte-identical responses; another seed differs', async () => {
    const a = await start({ tickets: 300, seed: 'tenant-a' });
    const b = await start({ tickets: 300, seed: 'tenant-a' });
    const c = await start({ tickets: 300, seed: 'tenant-b' });
    try {
      for (const path of [
        '/api/v2/incremental/tickets/cursor.json?start_time=0&include=metric_sets',
        '/api/v2/incremental/organizations.json?start_time=0',
        '/api/v2/groups?page[size]=100',
        `/api/v2/tickets/${a.tenant.ticketId(7)}/audits`,
      ]) {
        const ra = (await get(a, path)).text.replaceAll(a.url, 'ORIGIN');
        const rb = (await get(b, path)).text.replaceAll(b.url, 'ORIGIN');
        expect(rb).toBe(ra);
      }
      const ra = (await get(a, '/api/v2/incremental/tickets/cursor.json?start_time=0')).text.replaceAll(
        a.url,
        '',
      );
      const rc = (await get(c, '/api/v2/incremental/tickets/cursor.json?start_time=0')).text.replaceAll(
        c.url,
        '',
      );
      expect(rc).not.toBe(ra);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('control state over HTTP', async () => {
    const s = await get(em, '/__emulator/state', null);
    expect(s.json.counts.tickets).toBe(300);
    expect(s.json.now_unix).toBe(NOW);
    const reqs = await get(em, '/__emulator/requests', null);
    expect(reqs.json.requests.length).toBeGreaterThan(0);
    expect(reqs.json.requests[0]).toMatchObject({ method: 'GET', status: 200, auth: 'basic' });
  });
});

describe('large tenant', () => {
  it('serves a 1000-ticket page from the middle of a 1M-ticket tenant without scanning it', async () => {
    const em = await start({ tickets: 1_000_000 });
    try {
      const mid = em.tenant.tickets.tsAt(600_000);
      await get(em, `/api/v2/incremental/tickets/cursor.json?start_time=${mid}&per_page=10`); // warm-up
      const t0 = performance.now();
      const r = await get(em, `/api/v2/incremental/tickets/cursor.json?start_time=${mid}`);
      const ms = performance.now() - t0;
      expect(r.json.tickets).toHaveLength(1000);
      expect(r.json.tickets[0].generated_timestamp).toBe(mid);
      const next = await get(em, r.json.after_url);
      expect(next.json.tickets[0].generated_timestamp).toBeGreaterThanOrEqual(
        r.json.tickets[999].generated_timestamp,
      );
      expect(ms).toBeLessThan(3000);
      const last = await get(
        em,
        `/api/v2/incremental/tickets/cursor.json?start_time=${em.tenant.tickets.tsAt(999_999)}`,
      );
      expect(last.json.end_of_stream).toBe(true);
      expect(last.json.tickets.map((t: J) => t.id)).toContain(
        em.tenant.ticketId(em.tenant.tickets.posToIndex(999_999)),
      );
    } finally {
      await em.close();
    }
  });
});
