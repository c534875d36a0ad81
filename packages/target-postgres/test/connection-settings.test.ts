import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresSettingsFrom } from '../src/settings.js';
import { load, query, recordMessage, schemaMessage, uniqueSchema } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

describe('url and separate connection fields', () => {
  test('a password kept in its own setting fills in a url without one, and the load succeeds', async () => {
    const full = new URL(db.url);
    const password = decodeURIComponent(full.password);
    const user = decodeURIComponent(full.username);
    const bare = new URL(db.url);
    bare.username = '';
    bare.password = '';
    const schema = uniqueSchema();
    await load({ url: bare.toString(), user, password, default_target_schema: schema }, [
      schemaMessage('p', { id: { type: 'integer' } }),
      recordMessage('p', { id: 1 }),
    ]);
    expect(await query(db.url, `SELECT id FROM ${schema}.p`)).toEqual([{ id: '1' }]);
  });

  test('what the url sets wins over the fields; fields fill only its gaps', () => {
    const { pool } = postgresSettingsFrom(
      {
        url: 'postgres://ada@db.example:6543/warehouse',
        host: 'localhost',
        port: 5432,
        user: 'other',
        password: 'p@ss:w/rd',
        database: 'ignored',
      },
      2,
    );
    const url = new URL(pool.connectionString as string);
    expect([url.hostname, url.port, url.username, url.pathname]).toEqual([
      'db.example',
      '6543',
      'ada',
      '/warehouse',
    ]);
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd');
  });
});
