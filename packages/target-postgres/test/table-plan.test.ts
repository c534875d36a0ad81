import { SingerError } from '@singer-ts/sdk';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query, recordMessage, runTarget, schemaMessage, stateMessage, uniqueSchema } from './helpers.js';

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

const tablesIn = async (schema: string): Promise<string[]> =>
  (
    await query<{ name: string }>(
      db.url,
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    )
  ).map((row) => row.name);

describe('streams that normalise to one table', () => {
  test('`Users` and `users` fail with an error naming both streams; no row of the second is loaded', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), [
      schemaMessage('Users', { id: { type: 'integer' }, origin: { type: 'string' } }),
      recordMessage('Users', { id: 1, origin: 'Users' }),
      stateMessage({ at: 'Users' }),
      schemaMessage('users', { id: { type: 'integer' }, origin: { type: 'string' } }),
      recordMessage('users', { id: 1, origin: 'users' }),
      recordMessage('users', { id: 2, origin: 'users' }),
      stateMessage({ at: 'users' }),
    ]);
    expect(run.error).toBeInstanceOf(SingerError);
    const error = run.error as SingerError;
    expect(error.code).toBe('SINGER_TABLE_NAME_COLLISION');
    expect(error.message).toContain("'Users'");
    expect(error.message).toContain("'users'");
    expect(error.message).toContain(`${schema}.users`);
    expect(error.describe()).toMatch(/^SINGER_TABLE_NAME_COLLISION: stream 'users': /);
    expect(run.states).not.toContainEqual({ at: 'users' });
    const rows = await query<{ origin: string }>(db.url, `SELECT origin FROM ${schema}.users`).catch(
      () => [],
    );
    expect(rows.every((row) => row.origin === 'Users')).toBe(true);
  });

  test('names that differ only in punctuation, or share their last `-` part, collide too', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), [
      schemaMessage('orders_eu', { id: { type: 'integer' } }),
      schemaMessage('orders_us', { id: { type: 'integer' } }),
      recordMessage('orders_eu', { id: 1 }),
      recordMessage('orders_us', { id: 2 }),
      schemaMessage('orders:eu', { id: { type: 'integer' } }),
    ]);
    expect((run.error as SingerError).code).toBe('SINGER_TABLE_NAME_COLLISION');
    expect((run.error as SingerError).message).toContain("streams 'orders_eu' and 'orders:eu'");
    expect(await tablesIn(schema)).toEqual(['orders_eu', 'orders_us']);
    const parts = await runTarget(config(schema), [
      schemaMessage('eu-sales', { id: { type: 'integer' } }),
      schemaMessage('us-sales', { id: { type: 'integer' } }),
    ]);
    expect((parts.error as SingerError).message).toContain(
      "streams 'eu-sales' and 'us-sales' both map to table",
    );
  });

  test('a stream renamed by a stream map loads into its own table', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema, { stream_maps: { Users: { __alias__: 'users_upper' } } }), [
      schemaMessage('Users', { id: { type: 'integer' } }),
      schemaMessage('users', { id: { type: 'integer' } }),
      recordMessage('Users', { id: 1 }),
      recordMessage('users', { id: 2 }),
    ]);
    expect(run.error).toBeUndefined();
    expect(await query(db.url, `SELECT id FROM ${schema}.users_upper`)).toEqual([{ id: '1' }]);
    expect(await query(db.url, `SELECT id FROM ${schema}.users`)).toEqual([{ id: '2' }]);
  });
});

describe('key properties and the schema', () => {
  test('a key property missing from the schema has its own code, names the property, and creates no table', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), [
      schemaMessage('k', { name: { type: 'string' } }, ['id']),
      recordMessage('k', { id: 1, name: 'a' }),
    ]);
    const error = run.error as SingerError;
    expect(error.code).toBe('SINGER_KEY_PROPERTY_NOT_IN_SCHEMA');
    expect(error.context).toMatchObject({ stream: 'k', field: 'id' });
    expect(error.describe()).toContain("stream 'k', field 'id'");
    expect(error.message).toContain("key property 'id' is not a property");
    expect(error.message).toContain('properties: name');
    expect(await tablesIn(schema)).toEqual([]);
  });

  test('a SCHEMA that adds a key property the schema lacks fails the same way', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema, { load_method: 'append-only' }), [
      schemaMessage('k', { id: { type: 'integer' } }),
      recordMessage('k', { id: 1 }),
      schemaMessage('k', { id: { type: 'integer' } }, ['id', 'region']),
    ]);
    expect((run.error as SingerError).code).toBe('SINGER_KEY_PROPERTY_NOT_IN_SCHEMA');
    expect((run.error as SingerError).context.field).toBe('region');
  });
});

describe('where tables go: the Meltano SDK rule', () => {
  test('the table is the last `-` part and the schema the part before it, without default_target_schema', async () => {
    const schema = uniqueSchema();
    const run = await runTarget({ url: db.url }, [
      schemaMessage(`${schema}-users`, { id: { type: 'integer' } }),
      recordMessage(`${schema}-users`, { id: 1 }),
      schemaMessage(`tap_mysql-${schema}-test_table_one`, { id: { type: 'integer' } }),
      recordMessage(`tap_mysql-${schema}-test_table_one`, { id: 2 }),
    ]);
    expect(run.error).toBeUndefined();
    expect(await tablesIn(schema)).toEqual(['test_table_one', 'users']);
    expect(await query(db.url, `SELECT id FROM ${schema}.users`)).toEqual([{ id: '1' }]);
  });

  test('default_target_schema wins, then MELTANO_EXTRACT__LOAD_SCHEMA; use_raw_stream_names keeps the whole name', async () => {
    const [given, fromEnv, streamPart] = [uniqueSchema(), uniqueSchema(), uniqueSchema()];
    const lines = [schemaMessage(`${streamPart}-users`, { id: { type: 'integer' } })];
    expect((await runTarget(config(given), lines)).error).toBeUndefined();
    expect(await tablesIn(given)).toEqual(['users']);
    const before = process.env.MELTANO_EXTRACT__LOAD_SCHEMA;
    process.env.MELTANO_EXTRACT__LOAD_SCHEMA = fromEnv;
    try {
      expect((await runTarget({ url: db.url }, lines)).error).toBeUndefined();
      expect(await tablesIn(fromEnv)).toEqual(['users']);
    } finally {
      if (before === undefined) delete process.env.MELTANO_EXTRACT__LOAD_SCHEMA;
      else process.env.MELTANO_EXTRACT__LOAD_SCHEMA = before;
    }
    expect((await runTarget(config(given, { use_raw_stream_names: true }), lines)).error).toBeUndefined();
    expect(await tablesIn(given)).toEqual([`${streamPart}_users`, 'users']);
    expect(await tablesIn(streamPart)).toEqual([]);
  });
});

describe('_sdc_deleted_at sent by log-based taps without declaring it', () => {
  const lines = (deletedAt: string) => [
    schemaMessage('s', { id: { type: 'integer' }, v: { type: ['null', 'string'] } }),
    recordMessage('s', { id: 1, v: 'kept' }),
    recordMessage('s', { id: 2, v: 'gone' }),
    stateMessage({ at: 1 }),
    recordMessage('s', { id: 2, v: 'gone', _sdc_deleted_at: deletedAt }),
  ];

  test('with hard_delete any non-null value deletes the row, a malformed one too', async () => {
    for (const deletedAt of ['2019-02-12T01:10:10Z', '2019-12-18T13:19:44+00:00+00:00']) {
      const schema = uniqueSchema();
      const run = await runTarget(
        config(schema, { hard_delete: true, batch_size_rows: 2 }),
        lines(deletedAt),
      );
      expect(run.error).toBeUndefined();
      expect(await query(db.url, `SELECT id, v FROM ${schema}.s ORDER BY id`)).toEqual([
        { id: '1', v: 'kept' },
      ]);
    }
  });

  test('without hard_delete the row is marked with the value sent', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), lines('2019-02-12T01:10:10Z'));
    expect(run.error).toBeUndefined();
    expect(
      await query(db.url, `SELECT id, _sdc_deleted_at IS NOT NULL AS deleted FROM ${schema}.s ORDER BY id`),
    ).toEqual([
      { id: '1', deleted: false },
      { id: '2', deleted: true },
    ]);
  });

  test('without hard_delete a value that is no timestamp fails its batch naming column and line', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(
      config(schema, { batch_size_rows: 2 }),
      lines('2019-12-18T13:19:44+00:00+00:00'),
    );
    const error = run.error as SingerError;
    expect(error.code).toBe('SINGER_LOAD');
    expect(error.context).toMatchObject({ stream: 's', column: '_sdc_deleted_at', line: 5 });
    expect(run.states).toEqual([{ at: 1 }]);
    expect(await query(db.url, `SELECT id FROM ${schema}.s ORDER BY id`)).toEqual([{ id: '1' }, { id: '2' }]);
  });
});
