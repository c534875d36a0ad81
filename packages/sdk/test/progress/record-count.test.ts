// A tap's record_count METRIC lines as the Meltano SDK writes them: one per stream every 60 s while it
// emits, counting the records since the previous line, and the rest when the stream ends. The streams
// move an injected clock between records, so the test never waits.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  type ConnectorInfo,
  Logger,
  MessageWriter,
  Stream,
  type StreamContext,
  schema,
  Tap,
} from '../../src/index.js';

/** The test's clock, in milliseconds; the streams advance it. */
let now = Date.UTC(2026, 0, 1);
/** Before which order (1-based) the clock jumps 61 s. */
const JUMPS = new Set([4, 8]);

class Orders extends Stream<Record<string, unknown>> {
  readonly name = 'orders';
  readonly schema = schema.object({ id: schema.integer() });
  override readonly primaryKeys = ['id'];
  async *getRecords(): AsyncGenerator<Record<string, unknown>> {
    for (let id = 1; id <= 10; id += 1) {
      if (JUMPS.has(id)) now += 61_000;
      yield { id };
    }
  }
  override getChildPartition(record: Record<string, unknown>) {
    return { order_id: record.id };
  }
}

class OrderLines extends Stream<Record<string, unknown>> {
  readonly name = 'order_lines';
  override readonly parentStreamName = 'orders';
  readonly schema = schema.object({ id: schema.string(), order_id: schema.integer() });
  override readonly primaryKeys = ['id'];
  async *getRecords(context: StreamContext<{ order_id: number }>): AsyncGenerator<Record<string, unknown>> {
    const order = context.partition?.order_id;
    yield { id: `${order}-1`, order_id: order };
    yield { id: `${order}-2`, order_id: order };
  }
}

class Quick extends Stream<Record<string, unknown>> {
  readonly name = 'quick';
  readonly schema = schema.object({ id: schema.integer() });
  async *getRecords(): AsyncGenerator<Record<string, unknown>> {
    yield { id: 1 };
    yield { id: 2 };
  }
}

class ShopTap extends Tap {
  static override info: ConnectorInfo = {
    name: 'tap-shop',
    version: '0.0.0',
    description: 'test',
    kind: 'tap',
    capabilities: [],
    settings: { type: 'object', properties: {} },
  };
  override readonly streamTypes = [Orders, OrderLines, Quick];
}

async function sync(): Promise<{
  metrics: { value: number; tags: object }[];
  records: Record<string, number>;
}> {
  const lines: string[] = [];
  const tap = new ShopTap({
    config: { progress_interval_seconds: 0 },
    logger: new Logger({ name: 'tap-shop', sink: (line) => lines.push(line), level: 'info' }),
  });
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const writer = new MessageWriter(output);
  await tap.sync({ writer, clock: () => now });
  await writer.flush();
  const records: Record<string, number> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const message = JSON.parse(line) as { type: string; stream?: string };
    if (message.type === 'RECORD') records[message.stream!] = (records[message.stream!] ?? 0) + 1;
  }
  const metrics = lines
    .filter((line) => line.includes('METRIC: '))
    .map((line) => JSON.parse(line.slice(line.indexOf('METRIC: ') + 8)))
    .filter((metric) => metric.metric === 'record_count');
  return { metrics, records };
}

describe('record_count METRIC lines of a tap', () => {
  it('logs one line per stream every 60 s while it emits and the rest at its end, adding up to the records on stdout', async () => {
    const { metrics, records } = await sync();
    const of = (stream: string) =>
      metrics.filter((m) => (m.tags as { stream: string }).stream === stream).map((m) => m.value);
    // orders: 1-4 (the clock passed 60 s at order 4), 5-8 (again at 8), then 9-10 at the end.
    expect(of('orders')).toEqual([4, 4, 2]);
    // order_lines, two per order, count across their parents: 3 orders' and the first of order 4's,
    // then up to the first of order 8's, then the rest.
    expect(of('order_lines')).toEqual([7, 8, 5]);
    // A stream done within 60 s: one line at its end.
    expect(of('quick')).toEqual([2]);
    for (const stream of ['orders', 'order_lines', 'quick'])
      expect(of(stream).reduce((a, b) => a + b, 0)).toBe(records[stream]);
    // Meltano's shape: type, metric, value, tags with the stream.
    expect(metrics[0]).toEqual({
      type: 'counter',
      metric: 'record_count',
      value: 4,
      tags: { stream: 'orders' },
    });
  });
});
