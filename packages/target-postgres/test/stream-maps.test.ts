import { createHmac } from 'node:crypto';
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

const KEY = 'target-side-key-0123456789';
const hmac = (value: string) => createHmac('sha256', KEY).update(value).digest('hex');

/** Columns from the data, without the `_sdc_*` metadata columns. */
const userColumns = (types: Record<string, string>) =>
  Object.keys(types)
    .filter((name) => !name.startsWith('_sdc_'))
    .sort();

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const input = [
  schemaMessage('users', {
    id: { type: 'integer' },
    email: { type: 'string' },
    phone: { type: 'string' },
    note: { type: 'string' },
  }),
  recordMessage('users', { id: 1, email: 'ada@example.com', phone: '555-0100', note: 'vip' }),
  schemaMessage('orders', { id: { type: 'integer' }, buyer_email: { type: 'string' } }),
  recordMessage('orders', { id: 7, buyer_email: 'ada@example.com' }),
  stateMessage({ n: 1 }),
];

describe('pseudonymization and stream maps inside target-postgres', () => {
  test('hashes, nulls and drops configured fields, and hashed values still join across tables', async () => {
    const schema = uniqueSchema('maps');
    const run = await load(
      {
        url: db.url,
        default_target_schema: schema,
        pseudonymize: { users: ['email'], orders: ['buyer_email'] },
        nullify: { users: ['phone'] },
        drop: { users: ['note'] },
        pseudonymize_key: KEY,
      },
      input,
    );
    expect(run.states).toEqual([{ n: 1 }]);
    expect(await query(db.url, `SELECT id, email, phone FROM ${schema}.users`)).toEqual([
      { id: '1', email: hmac('ada@example.com'), phone: null },
    ]);
    expect(userColumns(await columnTypes(db.url, schema, 'users'))).toEqual(['email', 'id', 'phone']);
    const joined = await query(
      db.url,
      `SELECT o.id FROM ${schema}.orders o JOIN ${schema}.users u ON u.email = o.buyer_email`,
    );
    expect(joined).toEqual([{ id: '7' }]);
  });

  test('a value inside a jsonb column is hashed or nulled, never copied from the input as sent', async () => {
    const schema = uniqueSchema('maps');
    await load(
      {
        url: db.url,
        default_target_schema: schema,
        pseudonymize: { accounts: ['profile.email'] },
        nullify: { accounts: ['profile.phone'] },
        pseudonymize_key: KEY,
      },
      [
        schemaMessage('accounts', { id: { type: 'integer' }, profile: { type: 'object' } }),
        recordMessage('accounts', {
          id: 1,
          profile: { email: 'ada@example.com', phone: '555-0100', tier: 2 },
        }),
      ],
    );
    expect(await query(db.url, `SELECT profile FROM ${schema}.accounts`)).toEqual([
      { profile: { email: hmac('ada@example.com'), phone: null, tier: 2 } },
    ]);
  });

  test('applies Meltano stream maps: alias, filter and whitelisting', async () => {
    const schema = uniqueSchema('maps');
    await load(
      {
        url: db.url,
        default_target_schema: schema,
        stream_maps: {
          users: {
            __alias__: 'people',
            __filter__: 'id > 0',
            __else__: null,
            id: 'id',
            email: 'lower(email)',
          },
        },
      },
      input,
    );
    expect(await query(db.url, `SELECT id, email FROM ${schema}.people`)).toEqual([
      { id: '1', email: 'ada@example.com' },
    ]);
    expect(userColumns(await columnTypes(db.url, schema, 'people'))).toEqual(['email', 'id']);
  });

  test('refuses to start when a hash is configured without a key, loading nothing', async () => {
    const schema = uniqueSchema('maps');
    const run = await runTarget(
      { url: db.url, default_target_schema: schema, pseudonymize: { users: ['email'] } },
      input,
    ).catch((error: unknown) => ({ error, states: [] }));
    expect(String((run as { error: unknown }).error)).toMatch(/pseudonymize_key/);
    expect(
      await query(db.url, 'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]),
    ).toEqual([]);
  });
});
