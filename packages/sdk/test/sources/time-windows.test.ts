import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { timeWindows, WindowedBookmark } from '../../src/sources/time-windows.js';
import type { StreamContext } from '../../src/tap/stream.js';

const DAY = 86_400_000;

function context(startingValue: unknown): StreamContext & { checkpoints: number } {
  const c = {
    startingValue,
    bookmark: {} as Record<string, unknown>,
    signal: new AbortController().signal,
    checkpoints: 0,
    checkpoint: async () => {
      c.checkpoints += 1;
    },
  };
  return c;
}

describe('time windows', () => {
  it('cuts a span into windows of at most the given length, the last one cut at the end, whole seconds', () => {
    const w = timeWindows(
      Date.parse('2024-01-01T00:00:00.700Z'),
      Date.parse('2024-03-05T12:00:00.900Z'),
      31 * DAY,
    );
    expect(w.map((x) => [x.start, x.end])).toEqual([
      ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'],
      ['2024-02-01T00:00:00Z', '2024-03-03T00:00:00Z'],
      ['2024-03-03T00:00:00Z', '2024-03-05T12:00:00Z'],
    ]);
    expect(timeWindows(10_000, 10_000, DAY)).toEqual([]);
  });

  it('starts at the bookmark, makes a finished window the bookmark and writes STATE at once', async () => {
    const c = context('2024-05-01T00:00:00+02:00');
    const windowed = new WindowedBookmark('leads', c, {
      replicationKey: 'updatedAt',
      windowMs: 10 * DAY,
      untilMs: Date.parse('2024-05-15T00:00:00Z'),
    });
    const windows = windowed.windows();
    expect(windows[0]!.start).toBe('2024-04-30T22:00:00Z');
    await windowed.set('export_id', 'abc', true);
    expect(c.checkpoints).toBe(1);
    await windowed.finish(windows[0]!);
    await windowed.set('export_id', undefined);
    expect(c.bookmark).toEqual({
      replication_key: 'updatedAt',
      replication_key_value: '2024-05-10T22:00:00Z',
    });
    expect(c.checkpoints).toBe(2);
  });

  it('refuses to guess a start when there is neither bookmark nor start_date', () => {
    const windowed = new WindowedBookmark('leads', context(undefined), {
      replicationKey: 'updatedAt',
      windowMs: DAY,
      untilMs: 0,
    });
    expect(() => windowed.windows()).toThrow(StateError);
    expect(() =>
      new WindowedBookmark('leads', context('soon'), {
        replicationKey: 'u',
        windowMs: DAY,
        untilMs: 0,
      }).windows(),
    ).toThrow(/'soon' is not a timestamp/);
  });
});
