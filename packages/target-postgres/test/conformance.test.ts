/**
 * Every public target test stream in ../shared/conformance goes through target-postgres; the loaded
 * rows are read back, and the files that must fail fail with a clear, named error.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONFORMANCE, columnTypes, load, query, runTarget, uniqueSchema } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const LABS = join(CONFORMANCE, 'meltanolabs-target-postgres');
const SDK = join(CONFORMANCE, 'meltano-sdk-target-tests');
const file = (folder: string, name: string) => ({ file: join(folder, `${name}.singer`) });
const config = (schema: string, extra: Record<string, unknown> = {}) => ({
  url: db.url,
  default_target_schema: schema,
  ...extra,
});

/** Files that must fail, and the error code each must fail with. */
const MUST_FAIL: Record<string, string> = {
  invalid_schema: 'SINGER_SCHEMA_INVALID',
  record_before_schema: 'SINGER_RECORD_BEFORE_SCHEMA',
  record_missing_key_property: 'SINGER_RECORD_MISSING_KEY',
  record_missing_required_property: 'SINGER_RECORD_INVALID',
};

describe.each([
  ['meltanolabs-target-postgres', LABS],
  ['meltano-sdk-target-tests', SDK],
])('%s', (_name, folder) => {
  const names = readdirSync(folder)
    .filter((name) => name.endsWith('.singer'))
    .map((name) => name.slice(0, -'.singer'.length));

  test.each(names)('%s loads, or fails with a clear error when it must', async (name) => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), file(folder, name));
    const expected = MUST_FAIL[name];
    if (expected !== undefined) {
      expect((run.error as { code?: string } | undefined)?.code).toBe(expected);
      expect((run.error as { context: { stream?: string } }).context.stream).toMatch(/^test_/);
      return;
    }
    expect(run.error).toBeUndefined();
    const tables = await query<{ table_name: string }>(
      db.url,
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    expect(tables.length).toBeGreaterThan(0);
  });
});

describe('loaded rows', () => {
  test('duplicate keys in one batch keep the last record', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'duplicate_records'));
    const rows = await query(db.url, `SELECT id, metric FROM ${schema}.test_duplicate_records ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', metric: '100' },
      { id: '2', metric: '20' },
    ]);
  });

  test('arrays and objects load as jsonb', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'array_data'));
    const rows = await query(db.url, `SELECT id, fruits FROM ${schema}.test_carts ORDER BY id`);
    expect(rows[0]).toEqual({ id: '1', fruits: ['apple', 'orange', 'pear'] });
    expect(rows).toHaveLength(4);
    await load(config(schema), file(LABS, 'jsonb_data'));
    const jsonb = await query(db.url, `SELECT id, event_data FROM ${schema}.test_jsonb_data ORDER BY id`);
    expect(jsonb).toEqual([
      { id: '1', event_data: null },
      { id: '2', event_data: { test: { test_name: 'test_value' } } },
    ]);
  });

  test('a 17-digit integer loads exactly', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'large_int'));
    const rows = await query(db.url, `SELECT id::text AS id, name FROM ${schema}.test_large_int ORDER BY id`);
    expect(rows).toEqual([
      { id: '2', name: 'Micael' },
      { id: '99999999999999999', name: 'Yannis' },
    ]);
  });

  test('camelCase stream and properties become snake_case names', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'camelcase'));
    const rows = await query(db.url, `SELECT id, client_name FROM ${schema}.testcamelcase ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', client_name: 'Gitter Windows Desktop App' },
      { id: '2', client_name: 'Gitter iOS App' },
    ]);
  });

  test('special characters in stream and property names are replaced', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'special_chars_in_attributes'));
    const rows = await query(db.url, `SELECT _id, d FROM ${schema}.test_specialchars_in_attributes`);
    expect(rows).toEqual([
      { _id: 'a2e98886', d: { env: 'prod', 'agent:type': 'desktop', 'agent:os:version': '10.13.1' } },
    ]);
  });

  test('reserved words as column names are quoted and load', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'reserved_keywords'));
    const rows = await query<Record<string, unknown>>(db.url, `SELECT * FROM ${schema}.reserved_keywords`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]?.select ?? rows[0]?.all).toBe('data');
  });

  test('schema updates add columns and keep earlier rows', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'schema_updates'));
    const rows = await query(
      db.url,
      `SELECT id, a1::text, a2, a3, a4, a5, a6 FROM ${schema}.test_schema_updates ORDER BY id`,
    );
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ id: '1', a1: '101', a2: 'string1', a3: null, a4: null, a5: null, a6: null });
    expect(rows[5]).toEqual({
      id: '6',
      a1: '106',
      a2: 'string6',
      a3: true,
      a4: { id: 4, value: 444 },
      a5: ['banana', 'orange'],
      a6: '341',
    });
  });

  test('a column changed from string to integer stays text and keeps its data', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'uppercase_stream_name_with_column_alter'));
    const types = await columnTypes(db.url, schema, 'uppercase_stream_name_with_column_alter');
    expect(types.client_number).toBe('text');
    const rows = await query(
      db.url,
      `SELECT id, client_number FROM ${schema}.uppercase_stream_name_with_column_alter ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '1', client_number: '1' },
      { id: '2', client_number: '2' },
    ]);
  });

  test('anyOf date-time or null is timestamptz; mixed unions are text or jsonb', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'commits'));
    const types = await columnTypes(db.url, schema, 'commits');
    expect(types).toMatchObject({
      id: 'text',
      authored_date: 'timestamp with time zone',
      parent_ids: 'jsonb',
      legacy_id: 'text',
    });
    const [row] = await query(
      db.url,
      `SELECT authored_date, legacy_id FROM ${schema}.commits WHERE id = 'MX-SON'`,
    );
    expect(row).toEqual({ authored_date: new Date('2015-09-01T16:34:02Z'), legacy_id: '24' });
  });

  test('strings with escapes, unicode and control characters round-trip; NUL is removed', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'encoded_strings'));
    const rows = await query<{ id: string; info: string }>(
      db.url,
      `SELECT id, info FROM ${schema}.test_strings ORDER BY id`,
    );
    expect(rows).toHaveLength(11);
    expect(rows.find((row) => row.id === '6')?.info).toBe('various " \\ / \n escape sequences');
    expect(rows.find((row) => row.id === '11')?.info).toBe('Control Characters in string: A \u0001');
    await load(config(uniqueSchema()), file(SDK, 'encoded_string_data'));
  });

  test('streams without key properties are appended', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'test_no_pk'));
    await load(config(schema), file(LABS, 'test_no_pk_append'));
    const [count] = await query(db.url, `SELECT count(*)::int AS n FROM ${schema}.test_no_pk`);
    expect(count).toEqual({ n: 8 });
  });

  test('a re-run of the same file upserts instead of duplicating', async () => {
    const schema = uniqueSchema();
    await load(config(schema), file(LABS, 'user_location_data'));
    await load(config(schema), file(LABS, 'user_location_upsert_data'));
    const users = await query(db.url, `SELECT id, name FROM ${schema}.test_users ORDER BY id`);
    expect(users.map((row) => row.id)).toEqual(['1', '2', '3', '4', '5', '8', '12', '13']);
    expect(users[0]).toEqual({ id: '1', name: 'Johny' });
  });
});

describe('ACTIVATE_VERSION', () => {
  test('hard delete removes rows of older versions and keeps the current version', async () => {
    const schema = uniqueSchema();
    await load(config(schema, { hard_delete: true }), file(LABS, 'test_activate_version_hard'));
    const rows = await query(db.url, `SELECT code FROM ${schema}.test_activate_version_hard ORDER BY code`);
    expect(rows.map((row) => row.code)).toEqual(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']);
  });

  test('a newer version with no records deletes every older row, including rows added by hand', async () => {
    const schema = uniqueSchema();
    const table = `${schema}.test_activate_version_deletes_data_properly`;
    await load(
      config(schema, { hard_delete: true }),
      file(LABS, 'test_activate_version_deletes_data_properly'),
    );
    expect(await query(db.url, `SELECT code FROM ${table}`)).toHaveLength(7);
    await query(
      db.url,
      `INSERT INTO ${table} (code, name) VALUES ('Manual1', 'Meltano'), ('Manual2', 'Meltano')`,
    );
    await load(
      config(schema, { hard_delete: true }),
      file(LABS, 'test_activate_version_deletes_data_properly_2'),
    );
    expect(await query(db.url, `SELECT code FROM ${table}`)).toHaveLength(0);
  });

  test('soft delete marks rows missing from the new version and leaves the others untouched', async () => {
    const schema = uniqueSchema();
    const table = `${schema}.test_activate_version_soft`;
    await load(config(schema), file(LABS, 'test_activate_version_soft'));
    expect(await query(db.url, `SELECT * FROM ${table} WHERE _sdc_deleted_at IS NULL`)).toHaveLength(7);
    await load(config(schema), file(LABS, 'test_activate_version_soft_with_delete'));
    const [southAmerica] = await query(db.url, `SELECT * FROM ${table} WHERE code = 'SA'`);
    await query(
      db.url,
      `INSERT INTO ${table} (code, name) VALUES ('Manual1', 'Meltano'), ('Manual2', 'Meltano')`,
    );
    await load(config(schema), file(LABS, 'test_activate_version_soft_with_delete'));
    expect(await query(db.url, `SELECT * FROM ${table}`)).toHaveLength(9);
    const deleted = await query(
      db.url,
      `SELECT code FROM ${table} WHERE _sdc_deleted_at IS NOT NULL ORDER BY code`,
    );
    expect(deleted.map((row) => row.code)).toEqual(['Manual1', 'Manual2', 'SA']);
    expect((await query(db.url, `SELECT * FROM ${table} WHERE code = 'SA'`))[0]).toEqual(southAmerica);
  });

  test('an upper-case stream name activates its lower-case table', async () => {
    const schema = uniqueSchema();
    await load(
      config(schema, { hard_delete: true }),
      file(LABS, 'test_activate_version_uppercase_stream_name'),
    );
    expect(await query(db.url, `SELECT code FROM ${schema}.account`)).toHaveLength(7);
  });
});
