import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvFormatError, type CsvRowBuilder, csvRowBatches } from '../../src/sources/csv-rows.js';
import { seededRandom } from '../../src/testing/seeded.js';

const SEED = 20261208;

/** A file of awkward cells: quotes, delimiters, LF/CRLF/CR inside quotes, multi-byte text, empty and quoted empty. */
function awkwardCsv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cell = (): string =>
    pick([
      () => '',
      () => '""',
      () => String(Math.floor(random() * 1e9)),
      () => `"a ""quoted"" word, and a comma"`,
      () => `"line one\nline two\r\nline three\rend"`,
      () => 'Zürich 北京 🚀',
      () => 'x'.repeat(Math.floor(random() * 400)),
      () => `"${'é'.repeat(Math.floor(random() * 50))}"`,
    ])();
  const lines = ['c0,c1,c2,c3,c4'];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: 5 }, cell).join(','));
  return `${lines.join(pick(['\n', '\r\n']))}\n`;
}

/** The bytes in pieces of `size`, as a download gives them (multi-byte characters split across pieces). */
function pieces(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const asRows =
  (fields: readonly string[]): CsvRowBuilder<Record<string, unknown>> =>
  (cells, line) => {
    const row: Record<string, unknown> = { line };
    fields.forEach((field, i) => {
      row[field] = cells[i];
    });
    return row;
  };

async function readAll(input: Readable, inWorker: boolean) {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of csvRowBatches(input, { stream: 's', quotedEmptyIsText: true, inWorker }, asRows))
    rows.push(...batch);
  return rows;
}

describe('CSV rows parsed in a worker thread', () => {
  it('gives the same rows, cells and lines as the parse in this thread, across batch and chunk boundaries', async () => {
    // Logged so a failure can be reproduced.
    console.log(`awkward CSV seed ${SEED}`);
    const text = awkwardCsv(3000, SEED);
    const inThread = await readAll(Readable.from(pieces(text, 997)), false);
    const inWorker = await readAll(Readable.from(pieces(text, 65_536)), true);
    expect(inThread).toHaveLength(3000);
    expect(inWorker).toEqual(inThread);
    // The awkward cases are all there: nulls, quoted empties, inner line breaks, multi-byte text.
    const cells = inThread.flatMap((r) => Object.values(r));
    expect(cells).toContain(null);
    expect(cells).toContain('');
    expect(cells).toContain('line one\nline two\r\nline three\rend');
    expect(cells).toContain('Zürich 北京 🚀');
  });

  it('reads many files, several at once, each to its own rows (one worker serves them all)', async () => {
    const file = (n: number) => `n\n${Array.from({ length: 50 }, (_, i) => `${n}-${i}`).join('\n')}\n`;
    const read = async (n: number) =>
      (await readAll(Readable.from(pieces(file(n), 64)), true)).map((r) => r.n);
    const started = performance.now();
    for (let n = 0; n < 20; n++)
      expect(await read(n)).toEqual(Array.from({ length: 50 }, (_, i) => `${n}-${i}`));
    const together = await Promise.all([20, 21, 22, 23, 24].map(read));
    together.forEach((cells, k) => {
      expect(cells).toEqual(Array.from({ length: 50 }, (_, i) => `${20 + k}-${i}`));
    });
    console.log(`25 small files read in worker mode in ${Math.round(performance.now() - started)} ms`);
  });

  it('reads the source only as fast as the reader takes rows', async () => {
    let pulled = 0;
    const row = `${'x'.repeat(200)},${'y'.repeat(200)}\n`;
    async function* endless() {
      yield Buffer.from('a,b\n');
      for (;;) {
        pulled += 1;
        yield Buffer.from(row.repeat(100));
      }
    }
    let taken = 0;
    for await (const batch of csvRowBatches(endless(), { stream: 's', inWorker: true }, asRows)) {
      taken += batch.length;
      if (taken >= 5000) break;
      // A slow reader: the worker must not run ahead of it by more than a few pieces.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(taken).toBeGreaterThanOrEqual(5000);
    // 50 pieces of 100 rows were needed; what else was read waits in a bounded queue.
    expect(pulled).toBeLessThan(50 + 20);
  });

  it('stops the download when the reader stops early', async () => {
    let returned = false;
    async function* source() {
      try {
        yield Buffer.from('a\n');
        for (let i = 0; ; i++) yield Buffer.from(`${i}\n`.repeat(1000));
      } finally {
        returned = true;
      }
    }
    for await (const batch of csvRowBatches(source(), { stream: 's', inWorker: true }, asRows)) {
      expect(batch[0]).toMatchObject({ a: expect.any(String) });
      break;
    }
    await expect.poll(() => returned).toBe(true);
  });

  it("fails with the source's own error when the download fails", async () => {
    async function* failing() {
      yield Buffer.from('a,b\n1,2\n');
      throw new Error('connection reset by peer');
    }
    const seen: unknown[] = [];
    const read = async () => {
      for await (const batch of csvRowBatches(failing(), { stream: 's', inWorker: true }, asRows))
        seen.push(...batch);
    };
    await expect(read()).rejects.toThrow('connection reset by peer');
  });

  it("fails with csv-parse's code and the line of a broken row, after only rows before it", async () => {
    const text = `a,b\n${'1,2\n'.repeat(10)}3,"4\n`;
    const failure = async (inWorker: boolean) => {
      const seen: unknown[] = [];
      try {
        for await (const batch of csvRowBatches(
          Readable.from([Buffer.from(text)]),
          { stream: 's', inWorker },
          asRows,
        ))
          seen.push(...batch);
      } catch (error) {
        return { seen, error };
      }
      throw new Error('the broken file was read without an error');
    };
    const inWorker = await failure(true);
    expect(inWorker.error).toBeInstanceOf(CsvFormatError);
    expect(inWorker.error).toMatchObject({
      context: { stream: 's' },
      cause: { code: 'CSV_QUOTE_NOT_CLOSED' },
    });
    expect((inWorker.error as CsvFormatError).context).toEqual(
      ((await failure(false)).error as CsvFormatError).context,
    );
    // Which of the good rows went out before the error depends on when the parser saw the end (in either thread);
    // never a row from the broken one on.
    const good = Array.from({ length: 10 }, (_, i) => ({ a: '1', b: '2', line: i + 2 }));
    expect(inWorker.seen).toEqual(good.slice(0, inWorker.seen.length));
  });
});
