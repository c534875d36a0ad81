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

  test('names that differ only in punctuation collide too, and distinct names load side by side', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), [
      schemaMessage('orders-eu', { id: { type: 'integer' } }),
      schemaMessage('orders_us', { id: { type: 'integer' } }),
      recordMessage('orders-eu', { id: 1 }),
      recordMessage('orders_us', { id: 2 }),
      schemaMessage('orders_eu', { id: { type: 'integer' } }),
    ]);
    expect((run.error as SingerError).code).toBe('SINGER_TABLE_NAME_COLLISION');
    expect((run.error as SingerError).message).toContain("streams 'orders-eu' and 'orders_eu'");
    expect(await tablesIn(schema)).toEqual(['orders_eu', 'orders_us']);
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
