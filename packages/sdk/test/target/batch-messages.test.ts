import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { RecordValidationError, type SingerError } from '../../src/errors.js';
import { isExactNumber } from '../../src/json/lossless-json.js';
import { Logger } from '../../src/logging.js';
import type { SchemaMessage } from '../../src/protocol/messages.js';
import { readBatchRecords } from '../../src/target/batch-files.js';
import type { Batch } from '../../src/target/batcher.js';
import { BatchFileError, UnsupportedBatchEncodingError } from '../../src/target/errors.js';
import { type PreparedRow, type RecordContext, Sink } from '../../src/target/sink.js';
import { Target } from '../../src/target/target.js';

const dir = mkdtempSync(join(tmpdir(), 'batch-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes records (or raw lines) as a jsonl batch file; gzip unless told otherwise. */
function batchFile(lines: (Record<string, unknown> | string)[], gzip = true): string {
  fileCount += 1;
  const path = join(dir, `batch-${fileCount}.json${gzip ? '.gz' : ''}`);
  const text = `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

const batchMessage = (
  stream: string,
  manifest: string[],
  compression: string | null = 'gzip',
  format = 'jsonl',
) => JSON.stringify({ type: 'BATCH', stream, encoding: { format, compression }, manifest });

const schemaMessage = (stream: string) =>
  JSON.stringify({
    type: 'SCHEMA',
    stream,
    schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    key_properties: ['id'],
  });

interface Committed {
  stream: string;
  id: unknown;
  name: unknown;
  line: number;
}

/** Keeps committed records in memory; each load waits a little, so STATEs have a chance to run ahead. */
class MemorySink extends Sink<Committed> {
  constructor(
    message: SchemaMessage,
    options: ConstructorParameters<typeof Sink>[1],
    private readonly committed: Committed[],
  ) {
    super(message, options);
  }

  protected prepare(record: Record<string, unknown>, context: RecordContext): PreparedRow<Committed> {
    return { row: { stream: this.stream, id: record.id, name: record.name, line: context.line }, bytes: 10 };
  }

  protected async load(batch: Batch<Committed>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.committed.push(...batch.rows);
  }
}

class MemoryTarget extends Target {
  readonly committed: Committed[] = [];
  protected createSink(message: SchemaMessage): Sink {
    return new MemorySink(message, { logger: this.logger, settings: this.settings }, this.committed);
  }
}

/** Runs the target; each STATE is recorded with how many records were committed when it was written. */
async function run(lines: string[], config: Record<string, unknown> = {}) {
  const target = new MemoryTarget({
    config: { batch_size_rows: 2, ...config },
    logger: new Logger({ name: 'test', sink: () => undefined }),
  });
  const states: { value: unknown; committed: number }[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        const message = JSON.parse(line) as { type: string; value: unknown };
        if (message.type === 'STATE')
          states.push({ value: message.value, committed: target.committed.length });
      }
      callback();
    },
  });
  let error: unknown;
  try {
    await target.run(Readable.from([`${lines.join('\n')}\n`]), output);
  } catch (caught) {
    error = caught;
  }
  return { committed: target.committed, states, error: error as SingerError | undefined };
}

describe('readBatchRecords', () => {
  test('streams records of gzip and plain files, by file:// URL or path, with file line numbers', async () => {
    const gzipped = batchFile([{ id: 1 }, '', { id: 2 }]);
    const plain = batchFile([{ id: 3 }], false);
    const records = [];
    for await (const chunk of readBatchRecords(
      JSON.parse(batchMessage('users', [pathToFileURL(gzipped).href])),
    ))
      records.push(...chunk);
    for await (const chunk of readBatchRecords(JSON.parse(batchMessage('users', [plain], 'none'))))
      records.push(...chunk);
    expect(records.map((r) => [r.record.id, r.line])).toEqual([
      [1, 1],
      [2, 3],
      [3, 1],
    ]);
    expect(records[0]?.file).toBe(pathToFileURL(gzipped).href);
    expect(records[2]?.file).toBe(plain);
    expect(records[2]?.bytes).toBe('{"id":3}'.length);
  });

  test('reads file://relative/path relative to the working directory, as fsspec writes it', async () => {
    const file = batchFile([{ id: 7 }]);
    const records = [];
    const manifest = [`file://${relative(process.cwd(), file)}`];
    for await (const chunk of readBatchRecords(JSON.parse(batchMessage('users', manifest))))
      records.push(...chunk);
    expect(records.map((r) => r.record)).toEqual([{ id: 7 }]);
  });

  test('keeps numbers a double cannot hold exact', async () => {
    const file = batchFile(['{"id":1,"big":12345678901234567890,"price":0.10000000000000000001}']);
    const records = [];
    for await (const chunk of readBatchRecords(JSON.parse(batchMessage('users', [file]))))
      records.push(...chunk);
    const big = records[0]?.record.big;
    expect(isExactNumber(big)).toBe(true);
    expect(String(big)).toBe('12345678901234567890');
    expect(String(records[0]?.record.price)).toBe('0.10000000000000000001');
  });
});

describe('Target with BATCH messages', () => {
  test('loads gzip and plain batch files beside RECORD lines; a STATE after a BATCH waits for all its records', async () => {
    const first = batchFile([
      { id: 1, name: 'ada' },
      { id: 2, name: 'grace' },
      { id: 3, name: 'edsger' },
    ]);
    const second = batchFile([{ id: 4, name: 'barbara' }], false);
    const third = batchFile([{ id: 5, name: 'donald' }]);
    const result = await run([
      schemaMessage('users'),
      schemaMessage('orders'),
      JSON.stringify({ type: 'RECORD', stream: 'orders', record: { id: 10, name: 'o1' } }),
      JSON.stringify({ type: 'STATE', value: { n: 1 } }),
      batchMessage('users', [pathToFileURL(first).href]),
      batchMessage('users', [second], 'none'),
      JSON.stringify({ type: 'STATE', value: { n: 2 } }),
      batchMessage('users', [third]),
      JSON.stringify({ type: 'RECORD', stream: 'orders', record: { id: 11, name: 'o2' } }),
      JSON.stringify({ type: 'STATE', value: { n: 3 } }),
    ]);
    expect(result.error).toBeUndefined();
    const users = result.committed.filter((row) => row.stream === 'users');
    expect(users.map((row) => [row.id, row.name, row.line])).toEqual([
      [1, 'ada', 5],
      [2, 'grace', 5],
      [3, 'edsger', 5],
      [4, 'barbara', 6],
      [5, 'donald', 8],
    ]);
    expect(result.committed.filter((row) => row.stream === 'orders').map((row) => row.id)).toEqual([10, 11]);
    // Every STATE is written only once the records before it (batch files included) are committed.
    const recordsBefore: Record<number, number> = { 1: 1, 2: 5, 3: 7 };
    for (const state of result.states) {
      expect(state.committed).toBeGreaterThanOrEqual(recordsBefore[(state.value as { n: number }).n] ?? 0);
    }
    expect(result.states[result.states.length - 1]).toEqual({ value: { n: 3 }, committed: 7 });
  });

  test('applies stream maps to each record of a batch file', async () => {
    const file = batchFile([
      { id: 1, name: 'ada' },
      { id: 2, name: 'grace' },
    ]);
    const result = await run([schemaMessage('users'), batchMessage('users', [file])], {
      stream_maps: { users: { name: 'upper(name)', __filter__: 'id != 2' } },
    });
    expect(result.error).toBeUndefined();
    expect(result.committed.map((row) => [row.id, row.name])).toEqual([[1, 'ADA']]);
  });

  test.each([
    ['a parquet format', batchMessage('users', ['/tmp/x.parquet'], null, 'parquet'), /format "parquet"/],
    ['a bz2 compression', batchMessage('users', ['/tmp/x.bz2'], 'bz2'), /compression "bz2"/],
    ['an s3:// file', batchMessage('users', ['s3://bucket/batch-1.json.gz']), /'s3:\/\/'/],
  ])('refuses %s with SINGER_BATCH_UNSUPPORTED before reading any file', async (_, message, text) => {
    const result = await run([schemaMessage('users'), message]);
    expect(result.error).toBeInstanceOf(UnsupportedBatchEncodingError);
    expect(result.error?.code).toBe('SINGER_BATCH_UNSUPPORTED');
    expect(result.error?.message).toMatch(text);
    expect(result.error?.message).toMatch(/batch_config/);
    expect(result.error?.describe()).toContain("stream 'users', line 2");
    expect(result.committed).toEqual([]);
  });

  test('a missing file fails with SINGER_BATCH_FILE naming the file, and no STATE after it is written', async () => {
    const missing = join(dir, 'never-written.json.gz');
    const result = await run([
      schemaMessage('users'),
      batchMessage('users', [missing]),
      JSON.stringify({ type: 'STATE', value: { n: 1 } }),
    ]);
    expect(result.error).toBeInstanceOf(BatchFileError);
    expect(result.error?.code).toBe('SINGER_BATCH_FILE');
    expect(result.error?.context).toMatchObject({ stream: 'users', line: 2, file: missing });
    expect(result.error?.message).toContain(missing);
    expect(result.error?.message).toMatch(/ENOENT/);
    expect(result.states).toEqual([]);
  });

  test('a malformed line fails naming the stream, the file and the line in it', async () => {
    const file = batchFile([{ id: 1, name: 'ada' }, '{"id": 2, "name": ', { id: 3 }], false);
    const result = await run([schemaMessage('users'), batchMessage('users', [file], 'none')]);
    expect(result.error).toBeInstanceOf(BatchFileError);
    expect(result.error?.context).toMatchObject({ stream: 'users', line: 2, file, fileLine: 2 });
    expect(result.error?.describe()).toMatch(
      new RegExp(`^SINGER_BATCH_FILE: stream 'users', line 2: BATCH file '${file}' line 2 is not valid JSON`),
    );
  });

  test('a line that is not an object, and a plain file said to be gzip, fail as SINGER_BATCH_FILE', async () => {
    const notObject = batchFile(['[1, 2]'], false);
    const arrays = await run([schemaMessage('users'), batchMessage('users', [notObject], 'none')]);
    expect(arrays.error?.message).toMatch(/line 1 is not a record object/);
    const plain = batchFile([{ id: 1 }], false);
    const notGzip = await run([schemaMessage('users'), batchMessage('users', [plain], 'gzip')]);
    expect(notGzip.error).toBeInstanceOf(BatchFileError);
    expect(notGzip.error?.message).toMatch(/gzip/);
  });

  test('a record failing validation names its file and line there besides the input line', async () => {
    const file = batchFile([
      { id: 1, name: 'ada' },
      { id: 'two', name: 'grace' },
    ]);
    const result = await run([schemaMessage('users'), batchMessage('users', [file])]);
    expect(result.error).toBeInstanceOf(RecordValidationError);
    expect(result.error?.context).toMatchObject({ stream: 'users', line: 2, file, fileLine: 2 });
    expect(result.error?.describe()).toContain(`stream 'users', line 2, file '${file}' line 2`);
  });

  test('a BATCH before its stream SCHEMA is refused as a RECORD would be', async () => {
    const file = batchFile([{ id: 1 }]);
    const result = await run([batchMessage('users', [file])]);
    expect(result.error?.code).toBe('SINGER_RECORD_BEFORE_SCHEMA');
  });
});
