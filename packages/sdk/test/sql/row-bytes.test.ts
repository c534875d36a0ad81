import { describe, expect, test } from 'vitest';
import { CHUNK_BYTES, RowWriter } from '../../src/sql/row-bytes.js';

/** Rows `r0,` … of varied sizes (some larger than a chunk), and their end offsets. */
function writeRows(sizes: readonly number[]) {
  const writer = new RowWriter();
  const ends: number[] = [];
  const texts: string[] = [];
  for (const [index, size] of sizes.entries()) {
    const text = `${String.fromCharCode(97 + (index % 26)).repeat(size)},`;
    writer.append(text);
    ends.push(writer.size);
    texts.push(text);
  }
  return { rows: writer.take(), ends, texts };
}

describe('EncodedRows.groups', () => {
  const sizes = [10, 400_000, 300_000, 500_000, 20, CHUNK_BYTES + 5, 7, 250_000, 250_000, 1];

  test('every row once, in order, in groups within the limit (a larger row alone)', () => {
    const { rows, ends, texts } = writeRows(sizes);
    const limit = 600_000;
    const groups = [...rows.groups(ends, undefined, limit)];
    const joined = groups.map((group) => Buffer.concat(group.slices).toString('latin1'));
    expect(joined.join('')).toBe(texts.join(''));
    for (const [index, group] of groups.entries()) {
      expect(group.bytes).toBe(Buffer.byteLength(joined[index] as string));
      if (group.rows > 1) expect(group.bytes).toBeLessThanOrEqual(limit);
    }
    expect(groups.reduce((sum, group) => sum + group.rows, 0)).toBe(sizes.length);
  });

  test('only the kept rows, adjacent ones as one slice', () => {
    const { rows, ends, texts } = writeRows([5, 5, 5, 5, 5, 5]);
    const [group, more] = [...rows.groups(ends, [1, 2, 4], 1_000)];
    expect(more).toBeUndefined();
    expect(group?.slices).toHaveLength(2);
    expect(Buffer.concat(group?.slices ?? []).toString('latin1')).toBe(
      [texts[1], texts[2], texts[4]].join(''),
    );
    expect(group?.rows).toBe(3);
  });
});
