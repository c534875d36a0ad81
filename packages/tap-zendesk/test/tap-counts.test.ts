// Source counts for singer-reconcile through Zendesk's count endpoints, over real HTTP against the
// emulator: what the endpoints answer, what the tap makes of them (deleted records left out on both
// sides, exact or approximate), and Zendesk's caching of large accounts' counts.
import { type CountWindow, Logger, type SourceCount } from '@singer-ts/sdk';
import { runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';
import { get } from './emulator-helpers.js';
import { type AnyJson, configFor, discover, NOW_MS, select, startEmulator } from './tap-helpers.js';

const emulators: ZendeskEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((em) => em.close()));
});

async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<ZendeskEmulator> {
  const em = await startEmulator(options);
  emulators.push(em);
  return em;
}

const NOW_ISO = new Date(NOW_MS).toISOString().replace('.000Z', 'Z');

async function counts(em: ZendeskEmulator, window: CountWindow = {}): Promise<Record<string, SourceCount>> {
  const tap = new TapZendesk({
    config: configFor(em) as never,
    logger: new Logger({ name: 'tap-zendesk', sink: () => undefined }),
  });
  try {
    const out: Record<string, SourceCount> = {};
    for (const stream of await tap.streams()) {
      if (['tickets', 'users', 'organizations'].includes(stream.name))
        out[stream.name] = await stream.countRecords(window);
    }
    return out;
  } finally {
    await tap.dispose();
  }
}

const rowsOf = (count: SourceCount | undefined): number => (count?.comparable ? count.rows : Number.NaN);

describe("Zendesk's count endpoints in the emulator", () => {
  it('answer {count: {value, refreshed_at}} for tickets, users and organizations, with or without .json', async () => {
    const em = await emulator();
    for (const path of [
      '/api/v2/tickets/count.json',
      '/api/v2/users/count',
      '/api/v2/organizations/count.json',
    ]) {
      const got = await get(em, path);
      expect(got.status).toBe(200);
      expect(Object.keys(got.json)).toEqual(['count']);
      expect(got.json.count).toEqual({ value: expect.any(Number), refreshed_at: NOW_ISO });
      expect(got.json.count.value).toBeGreaterThan(0);
    }
    expect((await get(em, '/api/v2/tickets/count.json', null)).status).toBe(401);
  });

  it("serve a large account's count from a cache: capped with refreshed_at null while recounting, then a day-old value that misses later deletes", async () => {
    // 120 tickets with the cache threshold at 50 stand in for an account above 100,000.
    const em = await emulator({ countCacheAbove: 50, countRecountSeconds: 60 });
    const first = (await get(em, '/api/v2/tickets/count.json')).json.count;
    expect(first).toEqual({ value: 50, refreshed_at: null });
    em.control.advance(60);
    const cached = (await get(em, '/api/v2/tickets/count.json')).json.count;
    const refreshedAt = new Date(NOW_MS + 60_000).toISOString().replace('.000Z', 'Z');
    expect(cached.refreshed_at).toBe(refreshedAt);
    expect(cached.value).toBeGreaterThan(50);
    // A deleted ticket does not show until the next refresh, a day later.
    em.control.deleteTicket(em.tenant.ticketId(firstLiveTicket(em)));
    em.control.advance(3600);
    expect((await get(em, '/api/v2/tickets/count.json')).json.count).toEqual(cached);
    em.control.advance(86_400);
    expect((await get(em, '/api/v2/tickets/count.json')).json.count).toEqual({
      value: 50,
      refreshed_at: null,
    });
    em.control.advance(60);
    const refreshed = (await get(em, '/api/v2/tickets/count.json')).json.count;
    expect(refreshed.value).toBe(cached.value - 1);
    // Small counts are not cached.
    expect((await get(em, '/api/v2/organizations/count.json')).json.count.refreshed_at).not.toBeNull();
  });
});

function firstLiveTicket(em: ZendeskEmulator): number {
  for (let i = 0; i < em.tenant.ticketCount; i++) if (!em.tenant.ticketIsDeleted(i)) return i;
  throw new Error('no live ticket');
}

describe("tap-zendesk's source counts (countRecords)", () => {
  it('count as many tickets, users and organizations as the tap emits, deleted ones left out on both sides', async () => {
    const em = await emulator();
    const catalog = select(await discover(em), ['tickets', 'users', 'organizations']);
    const run = await runConnector(TapZendesk, { config: configFor(em), catalog });
    expect(run.exitCode).toBe(0);
    const found = await counts(em);
    const live = {
      tickets: run.records('tickets').filter((r) => r.status !== 'deleted').length,
      users: run.records('users').filter((r) => r.active !== false).length,
      organizations: run.records('organizations').filter((r) => r.deleted_at === null).length,
    };
    // The generated account has some of each deleted, so the markers matter.
    expect(live.tickets).toBeLessThan(run.records('tickets').length);
    expect(live.users).toBeLessThan(run.records('users').length);
    expect(found.tickets).toEqual({
      comparable: true,
      rows: live.tickets,
      refreshedAt: NOW_ISO,
      method: 'GET /api/v2/tickets/count.json',
      uncounted: { property: 'status', equals: 'deleted' },
    });
    expect(found.users).toMatchObject({ rows: live.users, uncounted: { property: 'active', equals: false } });
    expect(found.organizations).toMatchObject({
      rows: live.organizations,
      uncounted: { property: 'deleted_at', isSet: true },
    });
    for (const count of Object.values(found)) expect(count).not.toHaveProperty('approximate');

    // Deletes at the source lower the count by exactly as many.
    for (const record of run
      .records('tickets')
      .filter((r) => r.status !== 'deleted')
      .slice(0, 3))
      em.control.deleteTicket(record.id as number);
    em.control.deleteUser(run.records('users').find((r) => r.active !== false)!.id as number);
    const after = await counts(em);
    expect(rowsOf(after.tickets)).toBe(live.tickets - 3);
    expect(rowsOf(after.users)).toBe(live.users - 1);
    expect(rowsOf(after.organizations)).toBe(live.organizations);
  });

  it('take a cached count older than the bookmark, or one being recounted, as approximate and say why', async () => {
    const em = await emulator({ countCacheAbove: 50, countRecountSeconds: 60 });
    const recounting = await counts(em, { through: 1_700_000_000 });
    expect(recounting.tickets).toMatchObject({ comparable: true, rows: 50, approximate: true });
    expect((recounting.tickets as AnyJson).approximateReason).toContain('Zendesk is recounting');
    expect(recounting.tickets).not.toHaveProperty('refreshedAt');

    em.control.advance(60);
    const refreshed = Math.floor(NOW_MS / 1000) + 60;
    // A bookmark before the refresh: the cached count saw everything the run loaded.
    const fresh = await counts(em, { through: refreshed - 1 });
    expect(fresh.tickets).toMatchObject({ comparable: true, refreshedAt: expect.any(String) });
    expect(fresh.tickets).not.toHaveProperty('approximate');
    // A bookmark after it (tickets bookmark on generated_timestamp, users on updated_at): stale.
    const stale = await counts(em, { through: refreshed + 3600 });
    expect(stale.tickets).toMatchObject({ approximate: true });
    expect((stale.tickets as AnyJson).approximateReason).toMatch(
      /cached count from .* is older than the last run's bookmark/,
    );
    const staleIso = await counts(em, { through: new Date((refreshed + 3600) * 1000).toISOString() });
    expect(staleIso.tickets).toMatchObject({ approximate: true });
    // No STATE: a count above the cache threshold cannot be placed in time.
    expect((await counts(em)).tickets).not.toHaveProperty('approximate');
  });

  it('is not comparable when the endpoint answers no count', async () => {
    const em = await emulator();
    em.control.injectFault({
      path: '/api/v2/tickets/count',
      status: 200,
      body: '{"nope":1}',
      contentType: 'application/json',
    });
    const found = await counts(em);
    expect(found.tickets).toEqual({
      comparable: false,
      reason: '/tickets/count.json answered no count.value',
    });
  });
});
