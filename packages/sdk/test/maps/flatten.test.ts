/**
 * 6. Schema flattening, checked against the Meltano SDK's flattening snapshots (flatten_depth_0/1,
 * flatten_all, flatten_all_with_dot_separator, map_and_flatten) with the same hand-written stream,
 * then through a tap and `singer-map`, which share the one implementation in the map stage.
 */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SingerMap } from '../../src/index.js';
import { Logger } from '../../src/logging.js';
import { flattenKey } from '../../src/maps/flatten.js';
import { createStreamMapper, type MapperConfig } from '../../src/maps/index.js';
import type { SchemaMessage } from '../../src/protocol/messages.js';
import type { Batch } from '../../src/target/batcher.js';
import { type PreparedRow, Sink } from '../../src/target/sink.js';
import { Target } from '../../src/target/target.js';
import { runConnector } from '../../src/testing/index.js';
import { EventsTap } from '../fixtures/events-tap.js';
import { I, mystream, people, S } from './meltano-stream.js';

type Row = Record<string, unknown>;
const alice = people[0]!;
/** Meltano's flatten_all snapshot of alice's record. */
const flatAlice = {
  email: 'alice@example.com',
  count: 21,
  user__id: 1,
  user__sub__num: 1,
  user__sub__custom_obj: 'obj-hello',
  user__some_numbers: '[3.14,2.718]',
  joined_at: '2022-01-01T00:00:00Z',
};

function flatten(config: MapperConfig, record: Row = alice) {
  const mapper = createStreamMapper(config);
  const [schema] = mapper.mapSchema(mystream);
  const [mapped] = mapper.mapRecord({ type: 'RECORD', stream: 'mystream', record });
  return { schema: schema!, record: mapped!.record };
}

describe('6. flattening', () => {
  it('depth 1: objects of the first level become parent__child, deeper objects and arrays JSON text', () => {
    const { schema, record } = flatten({ flattening_enabled: true, flattening_max_depth: 1 });
    expect(schema.schema.properties).toEqual({
      email: { type: ['string'] },
      count: I,
      user__id: I,
      user__sub: S,
      user__some_numbers: S,
      joined_at: { type: ['string', 'null'], format: 'date-time' },
    });
    expect(schema.schema.required).toEqual(['email']);
    expect(schema.bookmark_properties).toEqual(['joined_at']);
    expect(record).toEqual({
      email: 'alice@example.com',
      count: 21,
      user__id: 1,
      user__sub: '{"num":1,"custom_obj":"obj-hello"}',
      user__some_numbers: '[3.14,2.718]',
      joined_at: '2022-01-01T00:00:00Z',
    });
  });

  it('depth 2 flattens everything; flattening_separator changes the joint (flatten_all snapshots)', () => {
    expect(flatten({ flattening_enabled: true, flattening_max_depth: 2 }).record).toEqual(flatAlice);
    const dotted = flatten({ flattening_enabled: true, flattening_max_depth: 2, flattening_separator: '.' });
    expect(Object.keys(dotted.schema.schema.properties ?? {})).toEqual([
      'email',
      'count',
      'user.id',
      'user.sub.num',
      'user.sub.custom_obj',
      'user.some_numbers',
      'joined_at',
    ]);
    expect(dotted.record['user.sub.num']).toBe(1);
  });

  it('depth 0 (or flattening off) changes nothing', () => {
    const mapper = createStreamMapper({ flattening_enabled: true, flattening_max_depth: 0 });
    expect(mapper.isIdentity).toBe(true);
    expect(createStreamMapper({ flattening_enabled: false, flattening_max_depth: 3 }).isIdentity).toBe(true);
  });

  it('runs after the stream maps and keeps the keys (map_and_flatten snapshot)', () => {
    const { schema, record } = flatten({
      stream_maps: { mystream: { email_hash: 'md5(email)', __key_properties__: ['email_hash'] } },
      flattening_enabled: true,
      flattening_max_depth: 10,
    });
    expect(schema.key_properties).toEqual(['email_hash']);
    expect(schema.schema.properties?.email_hash).toEqual(S);
    expect(record).toMatchObject({
      user__sub__custom_obj: 'obj-hello',
      email_hash: createHash('md5').update('alice@example.com').digest('hex'),
    });
  });

  it('refuses names that collide, a missing depth and a key that flattening would split', () => {
    const colliding: SchemaMessage = {
      ...mystream,
      schema: {
        type: 'object',
        properties: { a__b: S, a: { type: 'object', properties: { b: S } } } as never,
      },
    };
    expect(() =>
      createStreamMapper({ flattening_enabled: true, flattening_max_depth: 1 }).mapSchema(colliding),
    ).toThrow(/'a\.b' and 'a__b' both into the property 'a__b'/);
    expect(() => createStreamMapper({ flattening_enabled: true })).toThrow(
      /flattening_max_depth' is required/,
    );
    const keyed: SchemaMessage = { ...mystream, key_properties: ['user'] };
    expect(() =>
      createStreamMapper({ flattening_enabled: true, flattening_max_depth: 1 }).mapSchema(keyed),
    ).toThrow(/key property 'user'/);
  });

  it("reads PipelineWise's data_flattening_max_level as the same setting", () => {
    const { record } = flatten({ data_flattening_max_level: 1 });
    expect(record.user__id).toBe(1);
    expect(() =>
      createStreamMapper({ flattening_enabled: true, flattening_max_depth: 2, data_flattening_max_level: 1 }),
    ).toThrow(/disagrees/);
  });

  it('abbreviates parent names when a flattened name reaches flattening_max_key_length', () => {
    const options = { maxDepth: 3, separator: '__', maxKeyLength: 21 };
    expect(flattenKey('postal_code', ['customer_details', 'address'], options)).toBe('cd__add__postal_code');
    // A name exactly at the limit is shortened too, down to the last part, as in the Meltano SDK.
    expect(flattenKey('postal_code', ['customer_details', 'address'], { ...options, maxKeyLength: 20 })).toBe(
      'cd__add__pc',
    );
    expect(flattenKey('postal_code', ['address'], options)).toBe('address__postal_code');
  });

  it('flattens inside a tap, before the records reach stdout', async () => {
    const result = await runConnector(EventsTap, {
      config: { count: 2, flattening_enabled: true, flattening_max_depth: 1 },
    });
    expect(result.exitCode).toBe(0);
    const [first] = result.records('events');
    expect(first).toMatchObject({ nested__keep: 'k', nested__drop: 'd' });
    expect(first).not.toHaveProperty('nested');
    expect(result.schemas('events')[0]!.schema.properties).toHaveProperty('nested__keep');
  });

  it('flattens in singer-map', async () => {
    const result = await runConnector(SingerMap, {
      config: { flattening_enabled: true, flattening_max_depth: 2 },
      input: [mystream, { type: 'RECORD', stream: 'mystream', record: alice }] as never,
    });
    expect(result.exitCode).toBe(0);
    expect(result.records('mystream')).toEqual([flatAlice]);
  });
});

/** A target that keeps the schema and rows its sinks receive. */
class RecordingTarget extends Target {
  readonly schemas: SchemaMessage[] = [];
  readonly rows: Row[] = [];
  protected createSink(message: SchemaMessage): Sink {
    this.schemas.push(message);
    const rows = this.rows;
    return new (class extends Sink<Row> {
      protected prepare(record: Row): PreparedRow<Row> {
        return { row: record, bytes: 100 };
      }
      protected async load(batch: Batch<Row>): Promise<void> {
        rows.push(...batch.rows);
      }
    })(message, { logger: this.logger, settings: this.settings });
  }
}

describe('6. flattening in a target', () => {
  it('gives the sinks flattened schemas and rows', async () => {
    const target = new RecordingTarget({
      config: { flattening_enabled: true, flattening_max_depth: 2 },
      logger: new Logger({ name: 'test', sink: () => undefined }),
    });
    const lines = [mystream, { type: 'RECORD', stream: 'mystream', record: alice }].map((m) =>
      JSON.stringify(m),
    );
    const output = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    await target.run(Readable.from([`${lines.join('\n')}\n`]), output);
    expect(Object.keys(target.schemas[0]!.schema.properties ?? {})).toContain('user__sub__custom_obj');
    expect(target.rows).toEqual([flatAlice]);
  });
});

describe('--about', () => {
  it('declares stream-maps and schema-flattening for singer-map and for taps', async () => {
    for (const Connector of [SingerMap, EventsTap]) {
      const result = await runConnector(Connector, { args: ['--about', '--format', 'json'] });
      const about = JSON.parse(result.stdout) as { capabilities: string[]; settings: { properties: Row } };
      expect(about.capabilities).toEqual(expect.arrayContaining(['stream-maps', 'schema-flattening']));
      expect(about.settings.properties).toHaveProperty('flattening_max_depth');
    }
  });
});
