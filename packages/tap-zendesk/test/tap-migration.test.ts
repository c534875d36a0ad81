// A user migrating from singer-io/tap-zendesk 2.8 keeps their saved catalog and STATE: both are written
// here by hand in that tap's format (discover.py / streams.py / sync.py: stream-level metadata
// `table-key-properties`, `forced-replication-method`, `valid-replication-keys`, properties with only
// `inclusion`; bookmarks `bookmarks.<stream>.<replication key>` as `%Y-%m-%dT%H:%M:%S.%fZ` strings).
import type { CatalogDocument } from '@singer-ts/sdk';
import { runConnector } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';
import { type AnyJson, configFor, discover, ids, startEmulator } from './tap-helpers.js';

/** singer-io/tap-zendesk 2.8's streams: [key, replication key, method]; it has no ticket_events. */
const SINGER_IO_STREAMS: Record<string, [string[], string | undefined, 'INCREMENTAL' | 'FULL_TABLE']> = {
  tickets: [['id'], 'generated_timestamp', 'INCREMENTAL'],
  groups: [['id'], 'updated_at', 'INCREMENTAL'],
  users: [['id'], 'updated_at', 'INCREMENTAL'],
  organizations: [['id'], 'updated_at', 'INCREMENTAL'],
  ticket_audits: [['id'], undefined, 'INCREMENTAL'],
  ticket_comments: [['id'], undefined, 'INCREMENTAL'],
  ticket_fields: [['id'], 'updated_at', 'INCREMENTAL'],
  ticket_forms: [['id'], 'updated_at', 'INCREMENTAL'],
  group_memberships: [['id'], 'updated_at', 'INCREMENTAL'],
  macros: [['id'], 'updated_at', 'INCREMENTAL'],
  satisfaction_ratings: [['id'], 'updated_at', 'INCREMENTAL'],
  tags: [['name'], undefined, 'FULL_TABLE'],
  ticket_metrics: [['id'], undefined, 'INCREMENTAL'],
  ticket_metric_events: [['id'], 'time', 'INCREMENTAL'],
  sla_policies: [['id'], undefined, 'FULL_TABLE'],
  talk_phone_numbers: [['id'], undefined, 'FULL_TABLE'],
};

/**
 * A catalog as singer-io's `--discover` writes it, every stream selected by the user. The schemas are
 * the emulator account's (singer-io's list the same fields; ours add what Zendesk documents).
 */
function singerIoCatalog(ours: CatalogDocument): AnyJson {
  return {
    streams: Object.entries(SINGER_IO_STREAMS).map(([name, [keys, replicationKey, method]]) => {
      const schema = ours.streams.find((entry) => entry.tap_stream_id === name)!.schema;
      return {
        stream: name,
        tap_stream_id: name,
        schema,
        metadata: [
          {
            breadcrumb: [],
            metadata: {
              'table-key-properties': keys,
              'forced-replication-method': method,
              ...(replicationKey ? { 'valid-replication-keys': [replicationKey] } : {}),
              selected: true,
            },
          },
          ...Object.keys(schema.properties ?? {}).map((property) => ({
            breadcrumb: ['properties', property],
            metadata: {
              inclusion: keys.includes(property) || property === replicationKey ? 'automatic' : 'available',
            },
          })),
        ],
      };
    }),
  };
}

/** singer-python's `utils.strftime`: what singer-io writes into its bookmarks. */
function singerTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

function epochOf(value: unknown): number {
  return typeof value === 'number' ? value : Math.floor(Date.parse(String(value)) / 1000);
}

describe('migrating from singer-io/tap-zendesk: its catalog and STATE work unchanged', () => {
  let em: ZendeskEmulator;
  let catalog: AnyJson;
  beforeAll(async () => {
    em = await startEmulator({ tickets: 150, features: { talk: true } });
    catalog = singerIoCatalog(await discover(em));
  });
  afterAll(() => em.close());

  it('accepts the saved catalog, both new streams included, and syncs every stream it lists', async () => {
    const result = await runConnector(TapZendesk, { config: configFor(em), catalog });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const stream of Object.keys(SINGER_IO_STREAMS))
      expect(result.records(stream).length, stream).toBeGreaterThan(0);
    // ticket_events is ours only: not in the catalog, so not synced.
    expect(result.records('ticket_events')).toHaveLength(0);
    // Every ticket has its four metric events (activate, apply_sla, update_status, fulfill), once each.
    const events = result.records('ticket_metric_events');
    expect(new Set(ids(events)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.ticket_id)).size).toBe(em.tenant.ticketCount);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['activate', 'apply_sla', 'update_status', 'fulfill']),
    );
    expect(ids(result.records('talk_phone_numbers')).length).toBe(em.tenant.phoneNumbers().length);
    const state = result.lastState() as AnyJson;
    expect(state.bookmarks.ticket_metric_events.replication_key).toBe('time');
  });

  it('resumes every stream from the bookmark singer-io wrote', async () => {
    const first = await runConnector(TapZendesk, { config: configFor(em), catalog });
    expect(first.exitCode, first.stderr).toBe(0);
    // A bookmark in the middle of each incremental stream's data, written as singer-io writes it.
    const bookmarks: Record<string, Record<string, string>> = {};
    const pivots: Record<string, number> = {};
    for (const [stream, [, key]] of Object.entries(SINGER_IO_STREAMS)) {
      if (key === undefined) continue;
      const values = first
        .records(stream)
        .map((record) => record[key])
        .filter((value) => value !== null && value !== undefined)
        .map(epochOf)
        .sort((a, b) => a - b);
      const pivot = values[Math.floor(values.length / 2)]!;
      pivots[stream] = pivot;
      bookmarks[stream] = { [key]: singerTime(pivot) };
    }
    expect(Object.keys(bookmarks).sort()).toEqual(
      [
        'group_memberships',
        'groups',
        'macros',
        'organizations',
        'satisfaction_ratings',
        'ticket_fields',
        'ticket_forms',
        'ticket_metric_events',
        'tickets',
        'users',
      ].sort(),
    );
    const resumed = await runConnector(TapZendesk, {
      config: configFor(em),
      catalog,
      state: { bookmarks },
    });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    for (const [stream, pivot] of Object.entries(pivots)) {
      const key = SINGER_IO_STREAMS[stream]![1]!;
      const since = (records: Record<string, unknown>[]) =>
        // Group memberships without updated_at come every run, as with singer-io.
        records.filter((record) => record[key] === null || epochOf(record[key]) >= pivot);
      const expected = since(first.records(stream));
      const got = resumed.records(stream);
      expect(got.length, stream).toBeLessThan(first.records(stream).length);
      expect(got.length, stream).toBeGreaterThan(0);
      expect(since(got), stream).toEqual(got);
      expect(new Set(ids(got)), stream).toEqual(new Set(ids(expected)));
    }
    // Children come with the resumed tickets only; full-table streams are read whole.
    const resumedTickets = new Set(
      resumed
        .records('tickets')
        .filter((t) => t.status !== 'deleted')
        .map((t) => t.id),
    );
    for (const child of ['ticket_audits', 'ticket_comments', 'ticket_metrics']) {
      const parents = new Set(resumed.records(child).map((record) => record.ticket_id));
      expect(
        [...parents].every((id) => resumedTickets.has(id)),
        child,
      ).toBe(true);
      expect(parents.size, child).toBeGreaterThan(0);
    }
    for (const stream of ['tags', 'sla_policies', 'talk_phone_numbers'])
      expect(resumed.records(stream).length, stream).toBe(first.records(stream).length);
    // The next STATE is in our layout, and moves on from there.
    const state = resumed.lastState() as AnyJson;
    expect(state.bookmarks.groups.replication_key).toBe('updated_at');
    expect(epochOf(state.bookmarks.groups.replication_key_value)).toBeGreaterThanOrEqual(pivots.groups!);
  });

  it('skips talk_phone_numbers with a warning on an account without Talk (403), or fails with fail_on_forbidden', async () => {
    em.control.setFeatures({ talk: false });
    try {
      const skipped = await runConnector(TapZendesk, { config: configFor(em), catalog });
      expect(skipped.exitCode, skipped.stderr).toBe(0);
      expect(skipped.records('talk_phone_numbers')).toHaveLength(0);
      expect(skipped.records('groups').length).toBeGreaterThan(0);
      expect(skipped.stderr).toMatch(/stream 'talk_phone_numbers' skipped: HTTP 403.*Talk/);
      const strict = await runConnector(TapZendesk, {
        config: configFor(em, { fail_on_forbidden: 'true' }),
        catalog,
      });
      expect(strict.exitCode).toBe(1);
      expect(strict.stderr).toMatch(/talk_phone_numbers.*403|403.*talk_phone_numbers/);
    } finally {
      em.control.setFeatures({ talk: true });
    }
  });
});
