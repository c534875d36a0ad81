/**
 * Against a real Snowflake account, when one is configured: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and
 * SNOWFLAKE_PRIVATE_KEY_PATH (or SNOWFLAKE_PRIVATE_KEY), plus SNOWFLAKE_DATABASE and optionally
 * SNOWFLAKE_WAREHOUSE, SNOWFLAKE_ROLE. It loads into a fresh schema, reads the rows back and drops
 * the schema. Without them it is skipped, and says so.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createSqlApiClient } from '../src/connection.js';
import { load, recordMessage, schemaMessage } from './target-support.js';

const env = process.env;
const KEY = env.SNOWFLAKE_PRIVATE_KEY ?? env.SNOWFLAKE_PRIVATE_KEY_PATH;
const LIVE = env.SNOWFLAKE_ACCOUNT !== undefined && env.SNOWFLAKE_USER !== undefined && KEY !== undefined;
const SKIPPED =
  'live Snowflake test skipped: set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY_PATH (or SNOWFLAKE_PRIVATE_KEY) and SNOWFLAKE_DATABASE to run it';
if (!LIVE) console.warn(SKIPPED);

describe.skipIf(!LIVE)('target-snowflake against a real account', () => {
  test('creates, upserts and reads back exact values, then drops its schema', async () => {
    const schema = `SINGER_TS_LIVE_${randomBytes(4).toString('hex').toUpperCase()}`;
    const config: Record<string, unknown> = {
      account: env.SNOWFLAKE_ACCOUNT,
      user: env.SNOWFLAKE_USER,
      ...(env.SNOWFLAKE_PRIVATE_KEY ? { private_key: env.SNOWFLAKE_PRIVATE_KEY } : { private_key_path: KEY }),
      ...(env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE
        ? { private_key_passphrase: env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE }
        : {}),
      database: env.SNOWFLAKE_DATABASE,
      ...(env.SNOWFLAKE_WAREHOUSE ? { warehouse: env.SNOWFLAKE_WAREHOUSE } : {}),
      ...(env.SNOWFLAKE_ROLE ? { role: env.SNOWFLAKE_ROLE } : {}),
      default_target_schema: schema,
    };
    const client = createSqlApiClient(config as never);
    try {
      await load(config, [
        schemaMessage('n', { id: { type: 'integer' }, big: { type: 'integer' }, amount: { type: 'number' } }),
        '{"type":"RECORD","stream":"n","record":{"id":1,"big":123456789012345678901234567890,"amount":1.5}}',
        recordMessage('n', { id: 1, big: 7, amount: 2.25 }),
        '{"type":"RECORD","stream":"n","record":{"id":2,"big":-9223372036854775809,"amount":123456789012345678901.123456789}}',
      ]);
      const result = await client.execute(`SELECT "ID", "BIG", "AMOUNT" FROM "${schema}"."N" ORDER BY "ID"`);
      const read = [];
      for await (const row of result.rows()) read.push(row);
      expect(read).toEqual([
        ['1', '7', '2.250000000'],
        ['2', '-9223372036854775809', '123456789012345678901.123456789'],
      ]);
    } finally {
      await client.execute(`DROP SCHEMA IF EXISTS "${schema}"`).catch(() => undefined);
      await client.close();
    }
  }, 300_000);
});
