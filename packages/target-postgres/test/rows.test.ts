import { CHUNK_BYTES, keptRows, RowWriter } from '@singer-ts/sdk/sql';
import { seededRandom } from '@singer-ts/sdk/testing';
import { describe, expect, test } from 'vitest';
import { BinaryRow } from '../src/binary.js';
import { copySegments } from '../src/segments.js';

/** Rows of mixed sizes (some beyond a chunk), binary rows written in place and text rows, some abandoned. */
function writeRows(count: number, textFrom: number) {
  const next = seededRandom(11);
  const writer = new RowWriter();
  const row = new BinaryRow(writer);
  const expected: Buffer[] = [];
  const rowEnds: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const size = next() < 0.02 ? CHUNK_BYTES + 1000 : Math.floor(next() * 40_000);
    const text = String.fromCharCode(97 + (index % 26)).repeat(size);
    if (index < textFrom) {
      row.start(1);
      row.text(text);
      row.end();
      const bytes = Buffer.alloc(6 + size);
      bytes.writeInt16BE(1, 0);
      bytes.writeInt32BE(size, 2);
      bytes.write(text, 6, 'latin1');
      expected.push(bytes);
    } else {
      // A binary row abandoned halfway (a value that must go as text) leaves nothing behind.
      row.start(2);
      row.text(text);
      writer.append(`${text}\n`);
      expected.push(Buffer.from(`${text}\n`));
    }
    rowEnds.push(writer.size);
  }
  return { rows: writer.take(), expected, rowEnds };
}

describe('batch rows', () => {
  test('binary rows written in place, and text rows, come back as the rows of each COPY segment', () => {
    const count = 300;
    const textFrom = 170;
    const { rows, expected, rowEnds } = writeRows(count, textFrom);
    const superseded = [3, 4, 169, 170, 171, 250, 299];
    for (const kept of [undefined, keptRows(count, superseded)]) {
      for (const segment of copySegments(count, textFrom, kept)) {
        const sent = Buffer.concat([...rows.slices(rowEnds, segment.from, segment.to, segment.kept)]);
        const indexes =
          segment.kept ?? Array.from({ length: segment.to - segment.from }, (_, i) => segment.from + i);
        expect(sent.equals(Buffer.concat(indexes.map((index) => expected[index] as Buffer)))).toBe(true);
      }
    }
  });

  test('stamps overwrite the last bytes of each row of a range, before a text row newline', () => {
    const { rows, rowEnds } = writeRows(40, 20);
    rows.stamp(rowEnds, Buffer.from('BBBBBBBB'), 0, 0, 20);
    rows.stamp(rowEnds, Buffer.from('TT'), 1, 20, 40);
    const all = Buffer.concat([...rows.slices(rowEnds, 0, 40, undefined)]).toString('latin1');
    for (const [index, end] of rowEnds.entries()) {
      const start = index === 0 ? 0 : (rowEnds[index - 1] as number);
      const size = end - start;
      if (index < 20 && size >= 14) expect(all.slice(end - 8, end)).toBe('BBBBBBBB');
      if (index >= 20 && size >= 3) expect(all.slice(end - 3, end)).toBe('TT\n');
    }
  });
});
