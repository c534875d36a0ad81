import { recordProblems, runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { NOW, start } from './helpers.js';
import { bookmarksOf, catalogSelecting, configFor, idsOf, liveIds, tapOn } from './tap-helpers.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const DAY = 86_400_000;

describe('REST Export mode (api_type REST)', () => {
  it('discovers without deleted flags and marks the fields the Export object rejects unsupported', async () => {
    em = await start();
    const catalog = await catalogSelecting(tapOn(em), configFor(em, { api_type: 'REST' }), []);
    const invoice = catalog.streams.find((s) => s.tap_stream_id === 'Invoice')!;
    expect(invoice.schema.properties.Deleted).toBeUndefined();
    const templateId = invoice.metadata.find((m) => m.breadcrumb[1] === 'TemplateId')!.metadata;
    expect(templateId.inclusion).toBe('unsupported');
    const chargeMetrics = catalog.streams.find((s) => s.tap_stream_id === 'ChargeMetrics')!;
    expect(chargeMetrics.metadata.find((m) => m.breadcrumb.length === 0)!.metadata.inclusion).toBe(
      'unsupported',
    );
  });

  it('exports 30-day windows from start_date to now, then only the windows since the bookmark', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em, { api_type: 'REST', start_date: '2025-09-01T00:00:00Z' });
    const catalog = await catalogSelecting(Tap, config, ['Account', 'EmailHistory']);
    const before = em.control.requests().length;
    const first = await runConnector(Tap, { config, catalog });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(recordProblems(first)).toEqual([]);
    const from = Date.parse('2025-09-01T00:00:00Z');
    expect(new Set(idsOf(first.records('Account')))).toEqual(liveIds(em, 'Account', from - 1, NOW));
    // EmailHistory has no replication key: one full export.
    expect(first.records('EmailHistory').length).toBe(em.tenant.count(objectDef('EmailHistory')!));
    const exports = em.control
      .requests()
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path === '/v1/object/export');
    // 2025-09-01 → 2026-06-01 is 273 days: ten windows of 30 days for Account, one export for EmailHistory.
    expect(exports.length).toBe(Math.ceil((NOW - from) / (30 * DAY)) + 1);
    const bookmark = bookmarksOf(first.lastState()).Account!;
    expect(Date.parse(String(bookmark.replication_key_value))).toBe(NOW);
    expect(bookmark.UpdatedDate).toBe(bookmark.replication_key_value);
    expect(bookmark.job_id).toBeUndefined();

    em.control.advance(3600);
    const changed = em.control.update('Account', 2, { Name: 'Changed  with spaces ' });
    // Windows end at the run's start, exclusive: a change a second before it is in.
    em.control.advance(1);
    const second = await runConnector(Tap, {
      config,
      catalog: selectOnly(catalog, 'Account'),
      state: first.lastState(),
    });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.records('Account').map((r) => r.Name)).toEqual(['Changed  with spaces ']);
    expect(String(second.records('Account')[0]!.Id)).toBe(
      em.tenant.idOf(objectDef('Account')!, changed.index),
    );
  });

  it('fails a Failed export with its StatusReason, naming the stream', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em, { api_type: 'REST' });
    const catalog = await catalogSelecting(Tap, config, ['Invoice']);
    em.control.injectJobFault({ outcome: 'aborted', message: 'Export ran out of time.', object: 'Invoice' });
    const run = await runConnector(Tap, { config, catalog });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('Invoice');
    expect(run.stderr).toContain('Export ran out of time.');
  });
});

function selectOnly<
  T extends {
    streams: {
      tap_stream_id: string;
      metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
    }[];
  },
>(catalog: T, stream: string): T {
  const copy = structuredClone(catalog);
  for (const entry of copy.streams) {
    entry.metadata.find((m) => m.breadcrumb.length === 0)!.metadata.selected = entry.tap_stream_id === stream;
  }
  return copy;
}
