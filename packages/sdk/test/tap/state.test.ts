import { describe, expect, it } from 'vitest';
import { ExactNumber, serializeJson } from '../../src/index.js';
import { compareBookmarkValues, StateManager } from '../../src/tap/state.js';

describe('StateManager', () => {
  it('keeps an exact-number bookmark exact in STATE snapshots', () => {
    const state = new StateManager();
    state.advance('s', 'id', new ExactNumber('123456789012345678901'), { sorted: true });
    expect(serializeJson(state.snapshot())).toBe(
      '{"bookmarks":{"s":{"replication_key":"id","replication_key_value":123456789012345678901}}}',
    );
  });

  it('orders huge integers exactly, timestamps by instant and strings lexically', () => {
    expect(
      compareBookmarkValues(
        new ExactNumber('123456789012345678901'),
        new ExactNumber('123456789012345678900'),
      ),
    ).toBeGreaterThan(0);
    expect(compareBookmarkValues(9007199254740993n.toString(), '9007199254740992')).toBeGreaterThan(0);
    expect(compareBookmarkValues('2024-01-01T01:00:00+02:00', '2024-01-01T00:00:00Z')).toBeLessThan(0);
    expect(compareBookmarkValues('b', 'a')).toBeGreaterThan(0);
  });

  it('keeps per-partition bookmarks keyed by context regardless of key order', () => {
    const state = new StateManager();
    state.advance('child', 'at', '2024-01-01T00:00:00Z', { sorted: true, partition: { a: 1, b: 2 } });
    expect(state.startingValue('child', 'at', { b: 2, a: 1 })).toBe('2024-01-01T00:00:00Z');
    expect(state.snapshot().bookmarks.child?.partitions).toHaveLength(1);
  });

  it('rejects a state whose bookmarks is not an object', () => {
    expect(() => new StateManager({ bookmarks: [] })).toThrow(/bookmarks/);
  });
});
