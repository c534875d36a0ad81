import { Readable, Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { Logger } from '../../src/logging.js';
import type { SchemaMessage } from '../../src/protocol/messages.js';
import type { Batch } from '../../src/target/batcher.js';
import { type PreparedRow, Sink } from '../../src/target/sink.js';
import { Target } from '../../src/target/target.js';

/** Every row counts 50 bytes; each load takes 20 ms, so later records arrive while one is loading. */
class SlowSink extends Sink<number> {
  constructor(
    message: SchemaMessage,
    options: ConstructorParameters<typeof Sink>[1],
    private readonly loaded: number[][],
  ) {
    super(message, options);
  }

  protected prepare(record: Record<string, unknown>): PreparedRow<number> {
    return { row: record.id as number, bytes: 50 };
  }

  protected async load(batch: Batch<number>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.loaded.push(batch.rows);
  }
}

class SlowTarget extends Target {
  readonly loaded: number[][] = [];
  protected createSink(message: SchemaMessage): Sink {
    return new SlowSink(message, { logger: this.logger, settings: this.settings }, this.loaded);
  }
}

async function load(records: number, config: Record<string, unknown>): Promise<number[][]> {
  const target = new SlowTarget({ config, logger: new Logger({ name: 'test', sink: () => undefined }) });
  const lines = [
    JSON.stringify({
      type: 'SCHEMA',
      stream: 's',
      schema: { type: 'object', properties: { id: { type: 'integer' } } },
      key_properties: ['id'],
    }),
  ];
  for (let id = 1; id <= records; id += 1)
    lines.push(JSON.stringify({ type: 'RECORD', stream: 's', record: { id } }));
  const output = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await target.run(Readable.from([`${lines.join('\n')}\n`]), output);
  return target.loaded;
}

describe('when batches are loaded', () => {
  test('a stream with nothing loading loads once it holds 1/16 of batch_size_bytes; a busy one fills its batch', async () => {
    // 1600 bytes per batch: worth loading at 100 bytes (2 rows), full at 1600 (32 rows).
    const loaded = await load(40, { batch_size_bytes: 1600 });
    expect(loaded.map((rows) => rows.length)).toEqual([2, 32, 6]);
    expect(loaded.flat()).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
  });

  test('batch_size_rows is kept exactly: rows alone never start an early load', async () => {
    const loaded = await load(25, { batch_size_rows: 10 });
    expect(loaded.map((rows) => rows.length)).toEqual([10, 10, 5]);
  });
});
