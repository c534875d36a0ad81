import { describe, expect, it } from 'vitest';
import { EmulatorClock, hashString, InjectedFaults, RecordRng, seededHash } from '../../src/testing/index.js';

describe('seeded generation for emulators', () => {
  it('gives the same draws for the same seed, salt and index, and other draws otherwise', () => {
    expect(seededHash(42, 7, 1)).toBe(seededHash(42, 7, 1));
    expect(seededHash(42, 7, 1)).not.toBe(seededHash(43, 7, 1));
    // Indexes beyond 32 bits stay distinct.
    expect(seededHash(42, 2 ** 32 + 5)).not.toBe(seededHash(42, 5));
    const draws = (index: number) => {
      const rng = new RecordRng(42, hashString('tickets'), index);
      return [rng.next(), rng.int(10), rng.chance(0.5), rng.pick(['a', 'b', 'c'])];
    };
    expect(draws(3)).toEqual(draws(3));
    expect(draws(3)).not.toEqual(draws(4));
  });

  it('spreads draws evenly enough for realistic data', () => {
    const rng = new RecordRng(1, hashString('spread'), 0);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[rng.int(10)] += 1;
    for (const n of buckets) expect(n).toBeGreaterThan(850);
    let heads = 0;
    for (let i = 0; i < 10_000; i++) if (rng.chance(0.25)) heads += 1;
    expect(heads).toBeGreaterThan(2200);
    expect(heads).toBeLessThan(2800);
  });
});

describe('EmulatorClock', () => {
  it('stays frozen at a given time until moved', () => {
    const clock = new EmulatorClock('2024-05-01T00:00:00Z');
    expect(clock.frozen).toBe(true);
    expect(clock.nowMs()).toBe(Date.parse('2024-05-01T00:00:00Z'));
    clock.advance(90);
    expect(new Date(clock.nowMs()).toISOString()).toBe('2024-05-01T00:01:30.000Z');
    clock.set(0);
    expect(clock.nowMs()).toBe(0);
  });

  it('follows its source with an offset, and refuses an unreadable time', () => {
    let source = 1_000;
    const clock = new EmulatorClock(() => source);
    expect(clock.frozen).toBe(false);
    clock.advance(2);
    source = 1_500;
    expect(clock.nowMs()).toBe(3_500);
    expect(() => new EmulatorClock('yesterday-ish')).toThrow(/invalid emulator time: yesterday-ish/);
  });
});

describe('InjectedFaults', () => {
  type Fault = { kind: 'status' | 'reset'; status?: number; times?: number; path?: string };

  it('serves each fault its number of times to matching requests, first injected first', () => {
    const faults = new InjectedFaults<Fault>();
    faults.inject([
      { kind: 'status', status: 503, times: 2, path: '/tickets' },
      { kind: 'reset', path: '/^\\/users\\?page=\\d+$/' },
    ]);
    expect(faults.take('/organizations')).toBeUndefined();
    expect(faults.take('/tickets?page=1')?.status).toBe(503);
    expect(faults.pending()).toHaveLength(2);
    expect(faults.take('/users?page=2', (f) => f.kind === 'status')).toBeUndefined();
    expect(faults.take('/users?page=2')?.kind).toBe('reset');
    expect(faults.take('/users?page=3')).toBeUndefined();
    expect(faults.take('/tickets?page=2')?.status).toBe(503);
    expect(faults.take('/tickets?page=3')).toBeUndefined();
    expect(faults.pending()).toEqual([]);
    faults.inject({ kind: 'reset' });
    faults.clear();
    expect(faults.take('/anything')).toBeUndefined();
  });
});
