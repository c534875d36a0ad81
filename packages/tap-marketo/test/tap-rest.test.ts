import { checkTapConformance, runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { start } from './emulator-helpers.js';
import { bookmarksOf, catalogSelecting, configFor, invalidRecords, tapOn } from './tap-helpers.js';

let em: MarketoEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const STREAMS = ['leads', 'activities_visit_webpage', 'activities_fill_out_form'];
const guids = (records: Record<string, unknown>[]) => records.map((r) => String(r.marketoGUID));

describe('tap-marketo with use_bulk_export false (REST paging)', () => {
  it('emits the records and STATE the bulk path does, through paging tokens and leads.json, never the bulk API', async () => {
    // 3,000 leads, 15,000 activities in 2024: several pages a window.
    em = await start({ leads: 3000 });
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await catalogSelecting(Tap, config, STREAMS);
    const bulk = await runConnector(Tap, { config, catalog });
    expect(bulk.exitCode).toBe(0);
    em.control.clearRequests();
    const rest = await runConnector(Tap, { config: { ...config, use_bulk_export: 'false' }, catalog });
    expect(rest.exitCode).toBe(0);
    const paths = em.control.requests().map((r) => `${r.method} ${r.path.split('?')[0]}`);
    // (The bulk run's last download can be logged after it returns; no job is made by the REST run.)
    expect(paths.filter((p) => /\/bulk\/.*\/(create|enqueue)\.json$/.test(p))).toEqual([]);
    expect(paths).toContain('GET /rest/v1/activities/pagingtoken.json');
    expect(paths).toContain('POST /rest/v1/leads.json');

    for (const stream of STREAMS.slice(1)) {
      expect(rest.records(stream).length).toBeGreaterThan(5);
      expect(rest.records(stream)).toEqual(bulk.records(stream));
    }
    // Leads come from New Lead / Change Data Value activities, not the export's updatedAt filter: the
    // sets differ, but a lead both paths emit is the same record, except that Bulk Extract writes a null as
    // the word `null`, so a text value that is that word reads as null there (REST keeps the text).
    const byId = new Map(bulk.records('leads').map((l) => [String(l.id), l]));
    const both = rest.records('leads').filter((l) => byId.has(String(l.id)));
    expect(both.length).toBeGreaterThan(5);
    const asBulkReadsIt = (lead: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(lead).map(([field, value]) => [field, value === 'null' ? null : value]),
      );
    for (const lead of both) expect(asBulkReadsIt(lead)).toEqual(byId.get(String(lead.id)));
    expect(invalidRecords(rest)).toEqual([]);
    expect(bookmarksOf(rest.lastState())).toEqual(bookmarksOf(bulk.lastState()));
    expect(bookmarksOf(rest.lastState()).leads).toEqual({
      replication_key: 'updatedAt',
      replication_key_value: '2025-01-01T00:00:00Z',
    });
  });

  it('stops cleanly at max_daily_calls mid-walk with the last finished window as bookmark, then resumes losing nothing', async () => {
    // 3,000 leads, 15,000 activities in 2024: several pages a window.
    em = await start({ leads: 3000 });
    const Tap = tapOn(em);
    const config = configFor(em, { use_bulk_export: false, export_window_days: 10 });
    const catalog = await catalogSelecting(Tap, config, ['activities_visit_webpage']);
    const reference = await runConnector(Tap, { config, catalog });
    const all = guids(reference.records('activities_visit_webpage'));
    expect(all.length).toBeGreaterThan(20);
    const limit = em.control.state().callsToday + 7;
    const stopped = await runConnector(Tap, { config: { ...config, max_daily_calls: limit }, catalog });
    expect(stopped.exitCode).toBe(0);
    expect(stopped.stderr).toMatch(
      /SINGER_CALL_BUDGET_EXHAUSTED: stream 'activities_visit_webpage': stopped cleanly: max_daily_calls reached/,
    );
    const state = stopped.lastState();
    const bookmark = bookmarksOf(state).activities_visit_webpage!.replication_key_value as string;
    expect(bookmark > '2024-11-01T00:00:00Z' ? bookmark : 'not after the start').toBe(bookmark);
    expect(bookmark < '2025-01-01T00:00:00Z' ? bookmark : 'not before the end').toBe(bookmark);
    // Only what came before the STATE counts as delivered.
    const lastState = stopped.messages.map((m) => m.type).lastIndexOf('STATE');
    const before = guids(
      stopped.messages
        .slice(0, lastState)
        .filter((m) => m.type === 'RECORD' && m.stream === 'activities_visit_webpage')
        .map((m) => (m as { record: Record<string, unknown> }).record),
    );
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(all.length);
    const resumed = await runConnector(Tap, { config, catalog, state });
    expect(resumed.exitCode).toBe(0);
    const after = guids(resumed.records('activities_visit_webpage'));
    expect(new Set([...before, ...after])).toEqual(new Set(all));
    // The resumed run starts at the bookmark (the first unfinished window), so it re-reads exactly
    // what the stopped run had not finished.
    const dates = resumed.records('activities_visit_webpage').map((r) => String(r.activityDate));
    expect(dates.every((d) => d >= bookmark)).toBe(true);
    const due = reference
      .records('activities_visit_webpage')
      .filter((r) => String(r.activityDate) >= bookmark);
    expect(after).toEqual(guids(due));
  });

  it('passes the SDK tap conformance suite', async () => {
    em = await start({ leads: 1200 });
    const Tap = tapOn(em);
    const report = await checkTapConformance(Tap, {
      config: configFor(em, { start_date: '2024-12-10T00:00:00Z', use_bulk_export: false }),
      streamsWithRecords: ['leads', 'activities_visit_webpage', 'campaigns'],
    });
    expect(report.failed).toEqual([]);
  }, 300_000);
});
