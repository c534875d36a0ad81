import { SingerError } from '@singer-ts/sdk';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  columnTypes,
  load,
  query,
  recordMessage,
  runTarget,
  schemaMessage,
  stateMessage,
  uniqueSchema,
} from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const config = (schema: string, extra: Record<string, unknown> = {}) => ({
  url: db.url,
  default_target_schema: schema,
  ...extra,
});

describe('STATE after commit', () => {
  test('emits each STATE only after the records before it are committed, and the last one at end of input', async () => {
    const schema = uniqueSchema();
    const lines = [
      schemaMessage('a', { id: { type: 'integer' } }),
      schemaMessage('b', { id: { type: 'integer' } }),
    ];
    for (let i = 1; i <= 25; i += 1) {
      lines.push(recordMessage(i % 2 === 0 ? 'a' : 'b', { id: i }));
      if (i % 5 === 0) lines.push(stateMessage({ upTo: i }));
    }
    const run = await load(config(schema, { batch_size_rows: 4 }), lines);
    expect(run.states.at(-1)).toEqual({ upTo: 25 });
    // States come out in order and never skip past uncommitted data.
    const seen = (run.states as { upTo: number }[]).map((state) => state.upTo);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
    const [counts] = await query(
      db.url,
      `SELECT (SELECT count(*) FROM ${schema}.a)::int AS a, (SELECT count(*) FROM ${schema}.b)::int AS b`,
    );
    expect(counts).toEqual({ a: 12, b: 13 });
  });

  test('a failing batch stops the run without emitting a STATE past the last committed batch', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema, { batch_size_rows: 2, validate_records: false }), [
      schemaMessage('s', { id: { type: 'integer' }, amount: { type: 'integer' } }),
      recordMessage('s', { id: 1, amount: 1 }),
      recordMessage('s', { id: 2, amount: 2 }),
      stateMessage({ at: 2 }),
      recordMessage('s', { id: 3, amount: 3 }),
      recordMessage('s', { id: 4, amount: 'not a number' }),
      stateMessage({ at: 4 }),
      recordMessage('s', { id: 5, amount: 5 }),
    ]);
    expect(run.states).toEqual([{ at: 2 }]);
    const error = run.error as { code: string; context: Record<string, unknown>; describe(): string };
    expect(error.code).toBe('SINGER_LOAD');
    expect(error.context).toMatchObject({ stream: 's', batch: 2, column: 'amount', line: 6 });
    expect(error.describe()).toContain("stream 's', batch 2, column 'amount', line 6");
    expect(await query(db.url, `SELECT id FROM ${schema}.s ORDER BY id`)).toEqual([{ id: '1' }, { id: '2' }]);
  });

  test('a STATE that arrives while nothing is buffered is emitted at once', async () => {
    const run = await load(config(uniqueSchema()), [stateMessage({ first: true })]);
    expect(run.states).toEqual([{ first: true }]);
  });
});

describe('types', () => {
  test('maps JSON Schema types to PostgreSQL columns and loads values exactly', async () => {
    const schema = uniqueSchema();
    await load(config(schema), [
      schemaMessage('t', {
        id: { type: 'integer' },
        amount: { type: ['number', 'null'] },
        flag: { type: 'boolean' },
        at: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        clock: { type: 'string', format: 'time' },
        tags: { type: 'array', items: { type: 'string' } },
        meta: { type: 'object' },
        either: { type: ['string', 'integer'] },
      }),
      `{"type":"RECORD","stream":"t","record":{"id":1,"amount":12345678901234567890.123456789,"flag":true,"at":"2024-03-01T10:00:00+02:00","day":"2024-03-01","clock":"10:11:12","tags":["a","b\\"c"],"meta":{"big":123456789012345678901234567890},"either":7}}`,
      recordMessage('t', { id: 2, amount: null, flag: false, at: '2024-03-01T10:00:00', either: 'x' }),
    ]);
    expect(await columnTypes(db.url, schema, 't')).toMatchObject({
      id: 'bigint',
      amount: 'numeric',
      flag: 'boolean',
      at: 'timestamp with time zone',
      day: 'date',
      clock: 'time without time zone',
      tags: 'jsonb',
      meta: 'jsonb',
      either: 'text',
    });
    const rows = await query(
      db.url,
      `SELECT id, amount::text, flag, at, day::text, clock::text, tags, meta::text, either FROM ${schema}.t ORDER BY id`,
    );
    expect(rows[0]).toEqual({
      id: '1',
      amount: '12345678901234567890.123456789',
      flag: true,
      at: new Date('2024-03-01T08:00:00Z'),
      day: '2024-03-01',
      clock: '10:11:12',
      tags: ['a', 'b"c'],
      meta: '{"big": 123456789012345678901234567890}',
      either: '7',
    });
    expect(rows[1]).toMatchObject({
      amount: null,
      flag: false,
      at: new Date('2024-03-01T10:00:00Z'),
      either: 'x',
    });
  });

  test('an integer beyond bigint widens the column to numeric and loads exactly', async () => {
    const schema = uniqueSchema();
    await load(config(schema), [
      schemaMessage('n', { id: { type: 'integer' }, v: { type: 'integer' } }),
      recordMessage('n', { id: 1, v: 5 }),
      '{"type":"RECORD","stream":"n","record":{"id":2,"v":123456789012345678901234567890}}',
    ]);
    expect((await columnTypes(db.url, schema, 'n')).v).toBe('numeric');
    const rows = await query(db.url, `SELECT v::text FROM ${schema}.n ORDER BY id`);
    expect(rows).toEqual([{ v: '5' }, { v: '123456789012345678901234567890' }]);
  });

  test('NUL characters are removed from text and jsonb; a 2 MB record loads', async () => {
    const schema = uniqueSchema();
    const huge = 'x'.repeat(2 * 1024 * 1024);
    await load(config(schema), [
      schemaMessage('s', { id: { type: 'integer' }, text: { type: 'string' }, doc: { type: 'object' } }),
      recordMessage('s', { id: 1, text: 'a\u0000b', doc: { k: 'c\u0000d' } }),
      recordMessage('s', { id: 2, text: huge, doc: { huge } }),
    ]);
    const rows = await query(
      db.url,
      `SELECT id, text, doc->>'k' AS k, length(text) AS n FROM ${schema}.s ORDER BY id`,
    );
    expect(rows[0]).toMatchObject({ text: 'ab', k: 'cd' });
    expect(rows[1]).toMatchObject({ n: 2 * 1024 * 1024 });
  });

  test('jsonb and numeric values are copied from their source text, as JSON.parse reads them', async () => {
    const schema = uniqueSchema();
    await load(config(schema), [
      schemaMessage('raw', {
        id: { type: 'integer' },
        doc: { type: ['object', 'null'] },
        n: { type: 'number' },
      }),
      // White space (a tab) inside the value, escapes, and a name repeated: the last one wins.
      '{"type":"RECORD","stream":"raw","record":{"id":1,"doc":{"a":\t[1, 2]},"n":1.50,"doc":{"p":"a\\\\b\\nc\\"q"}}}',
      '{"type":"RECORD","stream":"raw","record":{"id":2,"doc":{"big":0.100000000000000000001,"nul":"x\\u0000y"},"n":1E2}}',
      '{"type":"RECORD","stream":"raw","record":{"id":3,"doc":null,"n":-12345678901234567890.25}}',
      // An escaped property name: the spans are not trusted and the parsed values are used.
      '{"type":"RECORD","stream":"raw","record":{"id":4,"\\u0064oc":{"e":1},"n":0.5}}',
    ]);
    const rows = await query(db.url, `SELECT id, doc::text, n::text FROM ${schema}.raw ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', doc: '{"p": "a\\\\b\\nc\\"q"}', n: '1.50' },
      { id: '2', doc: '{"big": 0.100000000000000000001, "nul": "xy"}', n: '100' },
      { id: '3', doc: null, n: '-12345678901234567890.25' },
      { id: '4', doc: '{"e": 1}', n: '0.5' },
    ]);
  });

  test('widens integer to numeric to text when the schema widens, never narrowing or dropping', async () => {
    const schema = uniqueSchema();
    const base = config(schema);
    await load(base, [
      schemaMessage('w', { id: { type: 'integer' }, v: { type: 'integer' }, gone: { type: 'string' } }),
      recordMessage('w', { id: 1, v: 1, gone: 'kept' }),
    ]);
    await load(base, [
      schemaMessage('w', { id: { type: 'integer' }, v: { type: 'number' } }),
      recordMessage('w', { id: 2, v: 2.5 }),
    ]);
    expect((await columnTypes(db.url, schema, 'w')).v).toBe('numeric');
    await load(base, [
      schemaMessage('w', { id: { type: 'integer' }, v: { type: 'string' } }),
      recordMessage('w', { id: 3, v: 'three' }),
    ]);
    await load(base, [
      schemaMessage('w', { id: { type: 'integer' }, v: { type: 'integer' } }),
      recordMessage('w', { id: 4, v: 4 }),
    ]);
    expect((await columnTypes(db.url, schema, 'w')).v).toBe('text');
    expect(await query(db.url, `SELECT id, v, gone FROM ${schema}.w ORDER BY id`)).toEqual([
      { id: '1', v: '1', gone: 'kept' },
      { id: '2', v: '2.5', gone: null },
      { id: '3', v: 'three', gone: null },
      { id: '4', v: '4', gone: null },
    ]);
  });
});

describe('names', () => {
  test('long property names are truncated to 63 bytes with a hash so they never collide', async () => {
    const schema = uniqueSchema();
    const long = 'a'.repeat(70);
    await load(config(schema), [
      schemaMessage('l', {
        id: { type: 'integer' },
        [`${long}One`]: { type: 'string' },
        [`${long}Two`]: { type: 'string' },
        firstName: { type: 'string' },
        first_name: { type: 'string' },
      }),
      recordMessage('l', {
        id: 1,
        [`${long}One`]: '1',
        [`${long}Two`]: '2',
        firstName: 'camel',
        first_name: 'snake',
      }),
    ]);
    const columns = Object.keys(await columnTypes(db.url, schema, 'l'));
    const longColumns = columns.filter((name) => name.startsWith('aaaa'));
    expect(longColumns).toHaveLength(2);
    for (const name of longColumns) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    const [row] = await query<Record<string, unknown>>(db.url, `SELECT * FROM ${schema}.l`);
    expect(new Set(longColumns.map((name) => row?.[name]))).toEqual(new Set(['1', '2']));
    expect(row?.first_name).toBe('camel');
    expect(Object.values(row ?? {})).toContain('snake');
  });
});

describe('table width', () => {
  const wide = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`p${index}`, { type: 'integer' }]));

  test('a stream wider than 1,600 columns fails before any table is created, naming the limit', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), [
      schemaMessage('w', { id: { type: 'integer' }, ...wide(2000) }),
      recordMessage('w', { id: 1, p0: 1 }),
    ]);
    const error = run.error as SingerError;
    expect(error.code).toBe('SINGER_TABLE_TOO_WIDE');
    expect(error.context).toMatchObject({ stream: 'w', limit: 1600 });
    expect(error.message).toMatch(
      /would have 2007 columns, beyond the database's limit of 1600; .*add_record_metadata: false/,
    );
    expect(
      await query(db.url, `SELECT 1 FROM information_schema.tables WHERE table_schema = '${schema}'`),
    ).toEqual([]);
  });

  test('columns that would push an existing table past the limit are refused before any ALTER', async () => {
    const schema = uniqueSchema();
    await load(config(schema), [
      schemaMessage('w', { id: { type: 'integer' }, ...wide(1500) }),
      recordMessage('w', { id: 1, p0: 1 }),
    ]);
    const run = await runTarget(config(schema), [
      schemaMessage('w', { id: { type: 'integer' }, ...wide(1700) }),
      recordMessage('w', { id: 2, p1699: 2 }),
    ]);
    expect((run.error as SingerError).code).toBe('SINGER_TABLE_TOO_WIDE');
    const columns = await columnTypes(db.url, schema, 'w');
    expect(Object.keys(columns)).toHaveLength(1507);
    expect(await query(db.url, `SELECT id FROM ${schema}.w`)).toEqual([{ id: '1' }]);
  });
});

describe('load methods and keys', () => {
  test('an integer key sent as a number and as text is one key within a batch: the last record wins', async () => {
    const schema = uniqueSchema();
    await load(config(schema, { validate_records: false }), [
      schemaMessage('k', { id: { type: 'integer' }, v: { type: 'string' } }),
      recordMessage('k', { id: 5, v: 'first' }),
      recordMessage('k', { id: '5', v: 'second' }),
      recordMessage('k', { id: 123456789012345, v: 'x' }),
      recordMessage('k', { id: '123456789012345', v: 'y' }),
    ]);
    expect(await query(db.url, `SELECT id, v FROM ${schema}.k ORDER BY id`)).toEqual([
      { id: '5', v: 'second' },
      { id: '123456789012345', v: 'y' },
    ]);
  });

  test('upserts across batches: new keys COPY straight in, a batch meeting existing keys merges', async () => {
    const schema = uniqueSchema();
    const lines = [schemaMessage('u', { id: { type: 'integer' }, v: { type: 'string' } })];
    // Batches of 3: [1,2,1] (the last 1 wins), [3,4,2] (2 exists: merged), then new keys and updates.
    const records: [number, string][] = [
      [1, 'a'],
      [2, 'b'],
      [1, 'c'],
      [3, 'd'],
      [4, 'e'],
      [2, 'f'],
      [5, 'g'],
      [6, 'h'],
      [7, 'i'],
      [8, 'j'],
      [9, 'k'],
      [10, 'l'],
      [11, 'm'],
      [12, 'n'],
      [1, 'o'],
      [13, 'p'],
      [14, 'q'],
      [15, 'r'],
    ];
    for (const [id, v] of records) lines.push(recordMessage('u', { id, v }));
    lines.push(stateMessage({ done: true }));
    const run = await load(config(schema, { batch_size_rows: 3 }), lines);
    expect(run.states.at(-1)).toEqual({ done: true });
    const rows = await query<{ id: string; v: string; batched: boolean }>(
      db.url,
      `SELECT id, v, _sdc_batched_at IS NOT NULL AS batched FROM ${schema}.u ORDER BY id`,
    );
    const expected = new Map<number, string>();
    for (const [id, v] of records) expected.set(id, v);
    expect(rows).toEqual(
      [...expected].sort(([a], [b]) => a - b).map(([id, v]) => ({ id: String(id), v, batched: true })),
    );
    const [batches] = await query<{ n: number }>(
      db.url,
      `SELECT count(DISTINCT _sdc_batched_at)::int AS n FROM ${schema}.u`,
    );
    expect(batches?.n).toBeGreaterThan(1);
  });

  test('append-only keeps every record', async () => {
    const schema = uniqueSchema();
    await load(config(schema, { load_method: 'append-only' }), [
      schemaMessage('e', { id: { type: 'integer' } }),
      recordMessage('e', { id: 1 }),
      recordMessage('e', { id: 1 }),
    ]);
    expect(await query(db.url, `SELECT id FROM ${schema}.e`)).toHaveLength(2);
  });

  test('overwrite replaces the rows of earlier runs', async () => {
    const schema = uniqueSchema();
    const lines = (ids: number[]) => [
      schemaMessage('o', { id: { type: 'integer' } }),
      ...ids.map((id) => recordMessage('o', { id })),
    ];
    await load(config(schema), lines([1, 2, 3]));
    await load(config(schema, { load_method: 'overwrite' }), lines([4]));
    expect(await query(db.url, `SELECT id FROM ${schema}.o`)).toEqual([{ id: '4' }]);
  });

  test('a SCHEMA that changes the key properties fails with a named error', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), [
      schemaMessage('k', { id: { type: 'integer' }, email: { type: 'string' } }, ['id']),
      recordMessage('k', { id: 1, email: 'a' }),
      schemaMessage('k', { id: { type: 'integer' }, email: { type: 'string' } }, ['email']),
    ]);
    expect((run.error as { code: string }).code).toBe('SINGER_KEY_PROPERTIES_CHANGED');
    expect(await query(db.url, `SELECT id FROM ${schema}.k`)).toEqual([{ id: '1' }]);
  });

  test('a record carrying _sdc_deleted_at is deleted with hard_delete', async () => {
    const schema = uniqueSchema();
    await load(config(schema, { hard_delete: true }), [
      schemaMessage('d', {
        id: { type: 'integer' },
        _sdc_deleted_at: { type: ['string', 'null'], format: 'date-time' },
      }),
      recordMessage('d', { id: 1 }),
      recordMessage('d', { id: 2 }),
    ]);
    await load(config(schema, { hard_delete: true }), [
      schemaMessage('d', {
        id: { type: 'integer' },
        _sdc_deleted_at: { type: ['string', 'null'], format: 'date-time' },
      }),
      recordMessage('d', { id: 2, _sdc_deleted_at: '2024-01-01T00:00:00Z' }),
    ]);
    expect(await query(db.url, `SELECT id FROM ${schema}.d`)).toEqual([{ id: '1' }]);
  });
});

describe('connection failures', () => {
  test('a connection killed again and again mid-run fails the run with one clear error and no later STATE', async () => {
    const schema = uniqueSchema();
    const lines = [schemaMessage('c', { id: { type: 'integer' }, pad: { type: 'string' } })];
    for (let i = 1; i <= 3000; i += 1) {
      lines.push(recordMessage('c', { id: i, pad: 'p'.repeat(500) }));
      if (i % 1000 === 0) lines.push(stateMessage({ at: i }));
    }
    // Once the first batch has committed, every poll terminates the target's connections; polls
    // overlap, so kills land while clients connect, run a query, copy, roll back and are released.
    const polls = new Set<Promise<void>>();
    let kills = 0;
    let terminated = 0;
    const poll = async (): Promise<void> => {
      const [row] = await query(db.url, `SELECT count(*)::int AS n FROM ${schema}.c`);
      if ((row?.n as number) < 1000) return;
      kills += 1;
      const rows = await query(
        db.url,
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
          WHERE application_name = 'target-postgres' AND pid <> pg_backend_pid()`,
      );
      terminated += rows.filter((killed) => killed.done === true).length;
    };
    const killer = setInterval(() => {
      const polling: Promise<void> = poll()
        .catch(() => undefined)
        .finally(() => polls.delete(polling));
      polls.add(polling);
    }, 5);
    const run = await runTarget(config(schema, { batch_size_rows: 1000, parallelism: 1 }), lines);
    clearInterval(killer);
    // No poll may outlive the test: a connection still open when the server stops is terminated too.
    await Promise.all([...polls]);
    expect(kills).toBeGreaterThan(1);

    const [row] = await query<{ n: number; low: number | null; high: number | null }>(
      db.url,
      `SELECT count(*)::int AS n, min(id)::int AS low, max(id)::int AS high FROM ${schema}.c`,
    );
    const committed = row?.n ?? -1;
    // Whole batches only, and exactly the first ones: a killed batch left nothing behind.
    expect(committed % 1000).toBe(0);
    if (committed > 0) expect([row?.low, row?.high]).toEqual([1, committed]);
    const states = (run.states as { at: number }[]).map((state) => state.at);
    for (const at of states) expect(at).toBeLessThanOrEqual(committed);

    if (run.error === undefined) {
      // Every kill hit an idle connection, which the pool replaced.
      expect(committed).toBe(3000);
      expect(states.at(-1)).toBe(3000);
      return;
    }
    expect(terminated).toBeGreaterThan(0);
    // A kill during a query fails the batch; one while the pool opens a new connection fails that.
    expect(run.error).toBeInstanceOf(SingerError);
    const error = run.error as SingerError;
    expect(['SINGER_LOAD', 'SINGER_SQL_CONNECT']).toContain(error.code);
    expect(error.context.stream).toBe('c');
    // The connection, not a record, failed: no input line is blamed.
    expect(error.context.line).toBeUndefined();
    expect(error.describe()).toContain(`stream 'c'`);
    // The connection's own error, not the symptom a later query reports on a dead client.
    expect(error.message).not.toContain('not queryable');
    const password = decodeURIComponent(new URL(db.url).password);
    expect(error.describe()).not.toContain(password);
    for (const log of run.logs) expect(log).not.toContain(password);
  });
});
