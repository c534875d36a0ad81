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

describe('tap-marketo against the emulator', () => {
  it('discovers leads from describe, one stream per activity type and the REST streams', async () => {
    em = await start();
    const Tap = tapOn(em);
    const catalog = await catalogSelecting(Tap, configFor(em), []);
    const names = catalog.streams.map((s) => s.tap_stream_id);
    expect(names).toEqual(
      expect.arrayContaining([
        'leads',
        'activities_visit_webpage',
        'activities_fill_out_form',
        'activity_types',
        'campaigns',
        'lists',
        'programs',
        'deleted_leads',
      ]),
    );
    const inclusion = (stream: string, field: string) =>
      catalog.streams.find((s) => s.tap_stream_id === stream)!.metadata.find((m) => m.breadcrumb[1] === field)
        ?.metadata.inclusion;
    expect(inclusion('leads', 'createdAt')).toBe('automatic');
    expect(inclusion('leads', 'email')).toBe('available');
    expect(inclusion('leads', 'totalPipelineScore')).toBe('unsupported');
    expect(inclusion('activity_types', 'attributes')).toBe('unsupported');
    expect(inclusion('activities_visit_webpage', 'leadId')).toBe('automatic');
    expect(names).not.toContain('activities_delete_lead');
    const visit = catalog.streams.find((s) => s.tap_stream_id === 'activities_visit_webpage')!;
    expect(visit.metadata.find((m) => m.breadcrumb.length === 0)!.metadata).toMatchObject({
      'marketo.activity-id': 1,
      'marketo.primary-attribute-name': 'webpage_id',
      'table-key-properties': ['marketoGUID'],
    });
  });

  it('syncs leads and an activity type through Bulk Extract window by window, every record valid, then resumes incrementally', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await catalogSelecting(Tap, config, [
      'leads',
      'activities_visit_webpage',
      'campaigns',
      'programs',
      'deleted_leads',
      'activity_types',
      'lists',
    ]);
    const first = await runConnector(Tap, { config, catalog });
    expect(first.stderr).not.toMatch(/SINGER_/);
    expect(first.exitCode).toBe(0);
    const leads = first.records('leads');
    const visits = first.records('activities_visit_webpage');
    expect(leads.length).toBeGreaterThan(0);
    expect(visits.length).toBeGreaterThan(0);
    for (const s of ['campaigns', 'programs', 'activity_types', 'lists'])
      expect(first.records(s).length).toBeGreaterThan(0);
    expect(invalidRecords(first)).toEqual([]);
    expect(new Set(leads.map((l) => l.id)).size).toBe(leads.length);
    // Three windows (30 days, 30 days, a day) between start_date and end_date, one job each per stream.
    const creates = em.control.requests().filter((r) => r.path.endsWith('/create.json'));
    expect(creates.map((r) => r.path)).toEqual([
      ...Array(3).fill('/bulk/v1/leads/export/create.json'),
      ...Array(3).fill('/bulk/v1/activities/export/create.json'),
    ]);
    const state = bookmarksOf(first.lastState());
    expect(state.leads).toEqual({
      replication_key: 'updatedAt',
      replication_key_value: '2025-01-01T00:00:00Z',
    });
    expect(state.activities_visit_webpage).toEqual({
      replication_key: 'activityDate',
      replication_key_value: '2025-01-01T00:00:00Z',
    });
    expect(
      visits.every((v) => String(v.activityDate) >= '2024-11-01' && String(v.activityDate) < '2025-01-01'),
    ).toBe(true);

    em.control.clearRequests();
    const second = await runConnector(Tap, {
      config: { ...config, end_date: '2025-01-20T00:00:00Z' },
      catalog,
      state: first.lastState(),
    });
    expect(second.exitCode).toBe(0);
    const windows = em.control.requests().filter((r) => r.path.endsWith('/create.json'));
    expect(windows).toHaveLength(2);
    expect(bookmarksOf(second.lastState()).leads!.replication_key_value).toBe('2025-01-20T00:00:00Z');
  });

  it('passes the SDK tap conformance suite', async () => {
    em = await start({ leads: 120 });
    const Tap = tapOn(em);
    const report = await checkTapConformance(Tap, {
      config: configFor(em, { start_date: '2024-12-10T00:00:00Z' }),
      streamsWithRecords: ['leads', 'campaigns', 'programs', 'activity_types'],
    });
    expect(report.failed).toEqual([]);
  }, 300_000);
});

describe('drop-in for singer-io tap-marketo', () => {
  it('takes a singer-io config (endpoint, max_export_days, numbers and booleans as strings), catalog and STATE as they are', async () => {
    em = await start();
    const Tap = tapOn(em);
    const ours = configFor(em);
    const catalog = await catalogSelecting(Tap, ours, ['leads']);
    // A stream this tap lacks, unselected, as an older saved catalog may list it.
    catalog.streams.push({
      tap_stream_id: 'activities_old_type',
      stream: 'activities_old_type',
      schema: { type: 'object', properties: { marketoGUID: { type: 'string' } } },
      metadata: [{ breadcrumb: [], metadata: { selected: false } }],
    } as (typeof catalog.streams)[number]);
    const { base_url, ...rest } = ours;
    const config = {
      ...rest,
      endpoint: `${String(base_url)}/rest`,
      identity: `${String(base_url)}/identity`,
      max_export_days: '10',
      max_daily_calls: '5000',
      use_bulk_export: 'true',
    };
    const state = {
      currently_syncing: null,
      bookmarks: { leads: { updatedAt: '2024-12-11T00:00:00+00:00', export_id: null, export_end: null } },
    };
    em.control.clearRequests();
    const result = await runConnector(Tap, { config, catalog, state });
    expect(result.stderr).not.toMatch(/SINGER_[A-Z_]+:/);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/activities_old_type.*not selected, so it is ignored/);
    // From the singer-io bookmark to end_date in windows of max_export_days.
    const windows = em.control.requests().filter((r) => r.path.endsWith('/create.json'));
    expect(windows).toHaveLength(3);
    expect(bookmarksOf(result.lastState()).leads).toEqual({
      replication_key: 'updatedAt',
      replication_key_value: '2025-01-01T00:00:00Z',
    });
  });
});
