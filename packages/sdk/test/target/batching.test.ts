import { describe, expect, test } from 'vitest';
import { Batcher } from '../../src/target/batcher.js';
import { logicalTypeOf } from '../../src/target/column-types.js';
import { StateWatermark } from '../../src/target/watermark.js';

describe('Batcher', () => {
  test('is full by rows or by bytes, and expires by age', () => {
    const batcher = new Batcher<string>({ maxRows: 3, maxBytes: 1600, maxAgeMs: 1000 });
    batcher.add('a', 10, 1, 0);
    batcher.add('b', 10, 2, 0);
    expect(batcher.isFull()).toBe(false);
    expect(batcher.isExpired(999)).toBe(false);
    expect(batcher.isExpired(1000)).toBe(true);
    batcher.add('c', 10, 5, 0);
    expect(batcher.isFull()).toBe(true);
    const batch = batcher.take();
    expect(batch).toMatchObject({
      number: 1,
      rows: ['a', 'b', 'c'],
      lines: [1, 2, 5],
      firstLine: 1,
      lastLine: 5,
      bytes: 30,
    });
    expect(batcher.take()).toBeUndefined();
    batcher.add('big', 2000, 9, 0);
    expect(batcher.isFull()).toBe(true);
    expect(batcher.firstLine).toBe(9);
  });

  test('is worth loading early at 1/16 of the byte limit, and full only at a limit', () => {
    const byBytes = new Batcher<number>({ maxRows: 1_000_000, maxBytes: 1600, maxAgeMs: 1000 });
    let rows = 0;
    while (!byBytes.isWorthLoading()) byBytes.add(rows++, 10, rows, 0);
    expect(byBytes.byteSize).toBe(100);
    expect(byBytes.isFull()).toBe(false);
    while (!byBytes.isFull()) byBytes.add(rows++, 10, rows, 0);
    expect(byBytes.byteSize).toBe(1600);
    expect(byBytes.take()?.rows).toHaveLength(160);
    expect(byBytes.isWorthLoading()).toBe(false);

    // A row limit is kept exactly: rows alone never make a batch worth loading early.
    const byRows = new Batcher<number>({ maxRows: 100, maxBytes: 1_000_000, maxAgeMs: 1000 });
    for (let row = 0; row < 99; row += 1) byRows.add(row, 1, row + 1, 0);
    expect(byRows.isWorthLoading()).toBe(false);
    byRows.add(99, 1, 100, 0);
    expect(byRows.isFull()).toBe(true);
  });
});

describe('StateWatermark', () => {
  test('releases only the newest STATE read before the oldest uncommitted record', () => {
    const watermark = new StateWatermark();
    watermark.push(10, 'a');
    watermark.push(20, 'b');
    watermark.push(30, 'c');
    expect(watermark.release(5)).toBeUndefined();
    expect(watermark.release(25)).toEqual({ value: 'b' });
    expect(watermark.release(25)).toBeUndefined();
    expect(watermark.release(Number.POSITIVE_INFINITY)).toEqual({ value: 'c' });
    expect(watermark.size).toBe(0);
  });

  test('holds a bounded number of STATEs however many arrive, still releasing the newest', () => {
    const watermark = new StateWatermark();
    for (let line = 1; line <= 100_000; line += 1) watermark.push(line, line);
    expect(watermark.size).toBeLessThanOrEqual(10_001);
    expect(watermark.release(50_000)?.value as number).toBeLessThan(50_000);
    expect(watermark.release(Number.POSITIVE_INFINITY)).toEqual({ value: 100_000 });
  });
});

describe('logical column types', () => {
  test('follows the documented union rule', () => {
    expect(logicalTypeOf({ type: 'integer' })).toBe('integer');
    expect(logicalTypeOf({ type: ['integer', 'null'], maximum: 1e20 })).toBe('number');
    expect(logicalTypeOf({ type: ['integer', 'number'] })).toBe('number');
    expect(logicalTypeOf({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] })).toBe(
      'date-time',
    );
    expect(
      logicalTypeOf({ anyOf: [{ type: 'string', format: 'date-time' }, { type: ['string', 'null'] }] }),
    ).toBe('string');
    expect(logicalTypeOf({ type: ['string', 'integer'] })).toBe('string');
    expect(logicalTypeOf({ anyOf: [{ type: 'array' }, { type: 'string' }] })).toBe('json');
    expect(logicalTypeOf({})).toBe('json');
    expect(logicalTypeOf({ type: 'boolean' })).toBe('boolean');
  });
});
