import { describe, expect, it } from 'vitest';
import { runConnector } from '../../src/testing/index.js';
import { childFetches, EventsTap, eventAt } from '../fixtures/events-tap.js';

const discover = async (config: Record<string, unknown>) =>
  JSON.parse((await runConnector(EventsTap, { config, args: ['--discover'] })).stdout);

describe('discovery', () => {
  it('prints a Singer catalog with breadcrumbs, inclusion, keys and replication metadata', async () => {
    const catalog = await discover({ count: 1 });
    const events = catalog.streams.find((s: { tap_stream_id: string }) => s.tap_stream_id === 'events');
    const root = events.metadata.find((m: { breadcrumb: string[] }) => m.breadcrumb.length === 0).metadata;
    expect(root).toMatchObject({
      inclusion: 'available',
      'selected-by-default': true,
      'table-key-properties': ['id'],
      'valid-replication-keys': ['updated_at'],
      'forced-replication-method': 'INCREMENTAL',
    });
    const idMeta = events.metadata.find((m: { breadcrumb: string[] }) => m.breadcrumb[1] === 'id').metadata;
    expect(idMeta.inclusion).toBe('automatic');
    const comments = catalog.streams.find((s: { tap_stream_id: string }) => s.tap_stream_id === 'comments');
    expect(comments.metadata[0].metadata['parent-tap-stream-id']).toBe('events');
  });
});

describe('sync', () => {
  it('emits SCHEMA before RECORDs, STATE last, and timestamps in UTC', async () => {
    const result = await runConnector(EventsTap, { config: { count: 5 } });
    expect(result.exitCode).toBe(0);
    const types = result.messages.map((m) => m.type);
    expect(types[0]).toBe('SCHEMA');
    expect(types.at(-1)).toBe('STATE');
    expect(result.records('events')).toHaveLength(5);
    expect(result.records('events')[0]!.updated_at).toBe('2024-01-01T00:00:00Z');
    expect(result.records('users')).toEqual([
      { id: 1, email: 'a@example.com' },
      { id: 2, email: 'b@example.com' },
    ]);
    expect(result.records('events')[0]).not.toHaveProperty('extra');
  });

  it('bookmarks the replication key and resumes from it with >= so nothing is lost', async () => {
    const first = await runConnector(EventsTap, { config: { count: 5 } });
    const state = first.lastState() as { bookmarks: Record<string, Record<string, unknown>> };
    expect(state.bookmarks.events).toMatchObject({
      replication_key: 'updated_at',
      replication_key_value: '2024-01-01T00:04:00Z',
    });
    const second = await runConnector(EventsTap, { config: { count: 7 }, state });
    expect(second.records('events').map((r) => r.id)).toEqual([4, 5, 6]);
  });

  it('starts from start_date when there is no bookmark', async () => {
    const result = await runConnector(EventsTap, { config: { count: 5, start_date: eventAt(3) } });
    expect(result.records('events').map((r) => r.id)).toEqual([3, 4]);
  });

  it('keeps the bookmark of an unsorted stream as a progress marker until the stream ends', async () => {
    const result = await runConnector(EventsTap, { config: { count: 30_000, unsorted: true } });
    const states = result.states() as { bookmarks: Record<string, Record<string, unknown>> }[];
    const midway = states.find((s) => s.bookmarks.events?.progress_markers !== undefined);
    expect(midway?.bookmarks.events?.replication_key_value).toBeUndefined();
    expect(result.lastState()).toMatchObject({
      bookmarks: { events: { replication_key_value: '2024-01-21T19:59:00Z' } },
    });
    expect((result.lastState() as { bookmarks: { events: object } }).bookmarks.events).not.toHaveProperty(
      'progress_markers',
    );
  });

  it('never moves a bookmark past the time the run started (signpost)', async () => {
    const result = await runConnector(EventsTap, { config: { count: 3, future_seconds: 10 * 365 * 86400 } });
    const value = (result.lastState() as { bookmarks: { events: { replication_key_value: string } } })
      .bookmarks.events.replication_key_value;
    expect(Date.parse(value)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(value)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('emits STATE at a bounded interval of records', async () => {
    const result = await runConnector(EventsTap, { config: { count: 25_000 } });
    expect(result.states().length).toBeGreaterThanOrEqual(3);
  });

  it('syncs a child stream once per parent record with the parent context', async () => {
    const result = await runConnector(EventsTap, { config: { count: 5 } });
    expect(result.records('comments').map((r) => r.id)).toEqual(['0-0', '0-1', '1-0', '1-1', '2-0', '2-1']);
    const state = result.lastState() as { bookmarks: Record<string, unknown> };
    expect(state.bookmarks.comments ?? {}).not.toHaveProperty('partitions');
  });

  it('fetches children of several parents at once with childConcurrency, emitting them in order', async () => {
    childFetches.max = 0;
    const config = { count: 12, comments_for_all: true, child_delay_ms: 5 };
    const sequential = await runConnector(EventsTap, { config });
    expect(childFetches.max).toBe(1);
    const parallel = await runConnector(EventsTap, { config: { ...config, child_concurrency: 4 } });
    expect(childFetches.max).toBe(4);
    expect(parallel.records('comments')).toEqual(sequential.records('comments'));
    expect(parallel.records('events')).toEqual(sequential.records('events'));
    expect(parallel.lastState()).toEqual(sequential.lastState());
  });

  it('syncs independent streams in parallel with parallel_streams, each stream complete and in order', async () => {
    const sequential = await runConnector(EventsTap, {
      config: { count: 300, comments_for_all: true, child_delay_ms: 1 },
    });
    const parallel = await runConnector(EventsTap, {
      config: { count: 300, comments_for_all: true, child_delay_ms: 1, parallel_streams: 3 },
    });
    expect(parallel.exitCode).toBe(0);
    for (const stream of ['events', 'comments', 'users']) {
      expect(parallel.records(stream)).toEqual(sequential.records(stream));
    }
    const firstRecord = (result: typeof parallel, stream: string) =>
      result.messages.findIndex((m) => m.type === 'RECORD' && m.stream === stream);
    const schemaAt = (result: typeof parallel, stream: string) =>
      result.messages.findIndex((m) => m.type === 'SCHEMA' && m.stream === stream);
    const lastRecord = (result: typeof parallel, stream: string) =>
      result.messages.findLastIndex((m) => m.type === 'RECORD' && m.stream === stream);
    // Sequentially users come after every event; in parallel they are out before the events finish.
    expect(firstRecord(sequential, 'users')).toBeGreaterThan(lastRecord(sequential, 'events'));
    expect(firstRecord(parallel, 'users')).toBeLessThan(lastRecord(parallel, 'events'));
    for (const stream of ['events', 'comments', 'users']) {
      expect(schemaAt(parallel, stream)).toBeLessThan(firstRecord(parallel, stream));
    }
    expect(parallel.lastState()).toEqual(sequential.lastState());
  });

  it('stops every stream when one fails in a parallel sync', async () => {
    const result = await runConnector(EventsTap, {
      config: { count: 5000, fail_at: 4000, parallel_streams: 3 },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/stream 'events': sync failed: source went away/);
  });

  it('names the stream when a source fails, exits 1 and emits no STATE past the failure', async () => {
    const result = await runConnector(EventsTap, { config: { count: 5, fail_at: 2 } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/stream 'events': sync failed: source went away/);
  });
});

describe('selection', () => {
  it('syncs only selected streams and never emits deselected properties, nested ones included', async () => {
    const catalog = await discover({ count: 2 });
    for (const stream of catalog.streams) {
      for (const entry of stream.metadata) {
        if (entry.breadcrumb.length === 0) entry.metadata.selected = stream.tap_stream_id === 'events';
        if (entry.breadcrumb[1] === 'secret_note') entry.metadata.selected = false;
      }
      if (stream.tap_stream_id === 'events') {
        stream.metadata.push({
          breadcrumb: ['properties', 'nested', 'properties', 'drop'],
          metadata: { selected: false },
        });
      }
    }
    const result = await runConnector(EventsTap, { config: { count: 2 }, catalog });
    expect(
      new Set(result.messages.filter((m) => m.type !== 'STATE').map((m) => (m as { stream: string }).stream)),
    ).toEqual(new Set(['events']));
    expect(result.records('events')[0]).toEqual({
      id: 0,
      updated_at: '2024-01-01T00:00:00Z',
      name: 'event 0',
      nested: { keep: 'k' },
    });
    expect(result.schemas('events')[0]!.schema.properties).not.toHaveProperty('secret_note');
  });

  it('still syncs a selected child when its parent is deselected', async () => {
    const catalog = await discover({ count: 2 });
    for (const stream of catalog.streams)
      stream.metadata[0].metadata.selected = stream.tap_stream_id === 'comments';
    const result = await runConnector(EventsTap, { config: { count: 2 }, catalog });
    expect(result.records('events')).toHaveLength(0);
    expect(result.records('comments')).toHaveLength(4);
  });

  it('fails with exit 2 when the catalog names a stream the tap does not have', async () => {
    const catalog = await discover({ count: 2 });
    catalog.streams[0].tap_stream_id = 'nope';
    const result = await runConnector(EventsTap, { config: { count: 2 }, catalog });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/SINGER_CATALOG_UNKNOWN_STREAM: stream 'nope'/);
    expect(result.records('events')).toHaveLength(0);
  });

  it('warns about an unselected stream the tap does not have, naming it, and syncs the rest', async () => {
    const catalog = await discover({ count: 2 });
    const saved = structuredClone(catalog.streams[0]);
    saved.tap_stream_id = 'ticket_metric_events';
    saved.stream = 'ticket_metric_events';
    saved.metadata[0].metadata.selected = false;
    catalog.streams.push(saved);
    const result = await runConnector(EventsTap, { config: { count: 2 }, catalog });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(
      /catalog lists stream 'ticket_metric_events'.*not selected, so it is ignored/,
    );
    expect(result.records('events')).toHaveLength(2);
    expect(result.messages.some((m) => 'stream' in m && m.stream === 'ticket_metric_events')).toBe(false);
  });
});
