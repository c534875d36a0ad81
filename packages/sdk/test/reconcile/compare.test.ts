import { describe, expect, it } from 'vitest';
import { compareCounts, formatTable } from '../../src/reconcile/compare.js';
import type { WarehouseCount } from '../../src/reconcile/counts.js';

const warehouse = (
  rows: number,
  extra: { softDeleted?: number; uncounted?: number } = {},
): WarehouseCount => ({
  comparable: true,
  table: 'zendesk.tickets',
  rows,
  softDeleted: 0,
  ...extra,
});

describe('compareCounts', () => {
  it('calls an exact difference beyond the tolerance differs, within it a match', () => {
    expect(compareCounts('t', { comparable: true, rows: 10 }, warehouse(7), 0)).toMatchObject({
      status: 'differs',
      difference: 3,
    });
    expect(compareCounts('t', { comparable: true, rows: 10 }, warehouse(7), 3).status).toBe('match');
  });

  it('never alerts on a stale source count: approximate, with the difference and why', () => {
    const stale = {
      comparable: true as const,
      rows: 100_000,
      approximate: true,
      refreshedAt: '2026-06-01T00:00:00Z',
      approximateReason:
        "Zendesk's cached count from 2026-06-01T00:00:00Z is older than the last run's bookmark",
    };
    const row = compareCounts('tickets', stale, warehouse(100_250), 0);
    expect(row).toMatchObject({
      status: 'approximate',
      approximate: true,
      difference: -250,
      refreshed_at: '2026-06-01T00:00:00Z',
      reason: stale.approximateReason,
    });
    // Even a matching stale count is not called a match.
    expect(compareCounts('tickets', stale, warehouse(100_000), 0).status).toBe('approximate');
    const table = formatTable([row]);
    expect(table).toContain('~100000');
    expect(table).toContain('approximate: Zendesk');
  });

  it('says how many loaded rows both sides leave out', () => {
    const row = compareCounts(
      'users',
      { comparable: true, rows: 98, uncounted: { property: 'active', equals: false } },
      warehouse(98, { uncounted: 2 }),
      0,
    );
    expect(row).toMatchObject({ status: 'match', uncounted: 2, difference: 0 });
    expect(row.reason).toBe(
      '2 loaded rows with active = false left out, as the source count leaves them out',
    );
  });

  it('lists a stream either side cannot count as not comparable, never as a match', () => {
    expect(
      compareCounts('groups', { comparable: false, reason: 'no count' }, warehouse(12), 0),
    ).toMatchObject({ status: 'not comparable', warehouse_rows: 12, reason: 'source: no count' });
  });
});
