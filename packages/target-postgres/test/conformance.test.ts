/**
 * Target conformance. The project's own streams in ./conformance, one file per behaviour the public
 * Singer target suites exercise, always run and their rows are read back. The public suites
 * themselves (meltano/sdk's target test streams, MeltanoLabs/target-postgres's data files) run in
 * addition when a copy is found (SINGER_CONFORMANCE_DIR, or ../shared/conformance beside the
 * checkout); when none is, the output says they were skipped.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONFORMANCE, columnTypes, load, query, runTarget, uniqueSchema } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const OWN = fileURLToPath(new URL('./conformance/', import.meta.url));
const own = (name: string) => ({ file: join(OWN, `${name}.singer`) });
const config = (schema: string, extra: Record<string, unknown> = {}) => ({
  url: db.url,
  default_target_schema: schema,
  ...extra,
});
const singerFiles = (folder: string): string[] =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.singer'))
    .map((name) => name.slice(0, -'.singer'.length))
    .sort();

/** Runs one file into a fresh schema and checks it loads, or fails with the error code it must. */
async function loadsOrFailsAsExpected(file: { file: string }, expectedError: string | undefined) {
  const schema = uniqueSchema();
  const run = await runTarget(config(schema), file);
  if (expectedError !== undefined) {
    expect((run.error as { code?: string } | undefined)?.code).toBe(expectedError);
    expect((run.error as { context: { stream?: string } }).context.stream).toMatch(/^test_/);
    return;
  }
  expect(run.error).toBeUndefined();
  const tables = await query(db.url, 'SELECT 1 FROM information_schema.tables WHERE table_schema = $1', [
    schema,
  ]);
  expect(tables.length).toBeGreaterThan(0);
}

/** Files that must fail, by name in either the own or the public suites, with the code each fails with. */
const MUST_FAIL: Record<string, string> = {
  invalid_schema: 'SINGER_SCHEMA_INVALID',
  record_before_schema: 'SINGER_RECORD_BEFORE_SCHEMA',
  record_missing_key_property: 'SINGER_RECORD_MISSING_KEY',
  missing_key_property: 'SINGER_RECORD_MISSING_KEY',
  record_missing_required_property: 'SINGER_RECORD_INVALID',
  missing_required_property: 'SINGER_RECORD_INVALID',
};

describe('own conformance streams', () => {
  test('every file in test/conformance is one of the streams below', () => {
    expect(singerFiles(OWN)).toEqual(
      [
        'activate_version_v1',
        'activate_version_v2_drops_one',
        'activate_version_v3_empty',
        'arrays_and_objects',
        'big_numbers',
        'camelcase_names',
        'column_type_change',
        'duplicate_keys_in_one_batch',
        'encoded_strings',
        'invalid_schema',
        'missing_key_property',
        'missing_required_property',
        'multiple_state_messages',
        'no_primary_key_first_run',
        'no_primary_key_second_run',
        'record_before_schema',
        'reserved_word_columns',
        'schema_updates',
        'special_characters_in_names',
        'union_types',
        'upsert_first_run',
        'upsert_second_run',
      ].sort(),
    );
  });

  test.each(singerFiles(OWN))('%s loads, or fails with a clear error when it must', async (name) => {
    await loadsOrFailsAsExpected(own(name), MUST_FAIL[name]);
  });

  test('camelCase stream and property names become lower-case table and snake_case columns', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('camelcase_names'));
    const rows = await query(
      db.url,
      `SELECT event_id, carrier_name, tracking_url FROM ${schema}.shipmentevents ORDER BY event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'ev-001', carrier_name: 'Northwind Freight', tracking_url: 'https://track.example/ev-001' },
      { event_id: 'ev-002', carrier_name: 'Blue Heron Couriers', tracking_url: null },
    ]);
  });

  test('special characters in stream and property names become underscores; nested keys stay as sent', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('special_characters_in_names'));
    const rows = await query(
      db.url,
      `SELECT _key, qty_on_hand, location FROM ${schema}.inventory_bins_by_aisle`,
    );
    expect(rows).toEqual([
      { _key: 'B-17', qty_on_hand: '42', location: { 'zone:code': 'cold', 'shelf:level:max': 5 } },
    ]);
  });

  test('duplicate keys in one batch keep the last record of each key', async () => {
    const schema = uniqueSchema();
    const run = await load(config(schema), own('duplicate_keys_in_one_batch'));
    const rows = await query(db.url, `SELECT sensor_id, celsius FROM ${schema}.sensor_readings ORDER BY 1`);
    expect(rows).toEqual([
      { sensor_id: '1', celsius: '9' },
      { sensor_id: '2', celsius: '4' },
      { sensor_id: '3', celsius: '5' },
    ]);
    expect(run.states.at(-1)).toEqual({ bookmarks: { sensor_readings: { seq: 6 } } });
  });

  test('schema updates add columns and keep earlier rows with nulls in them', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('schema_updates'));
    const rows = await query(
      db.url,
      `SELECT id, title, pages, tags, publisher, rating::text FROM ${schema}.book_editions ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '1', title: 'The Quiet Harbour', pages: null, tags: null, publisher: null, rating: null },
      { id: '2', title: 'Salt and Cedar', pages: '312', tags: null, publisher: null, rating: null },
      {
        id: '3',
        title: 'Lanterns',
        pages: '198',
        tags: ['poetry', 'winter'],
        publisher: { name: 'Fenwick Press', founded: 1921 },
        rating: null,
      },
      {
        id: '4',
        title: 'Iron Orchard',
        pages: '455',
        tags: [],
        publisher: { name: 'Hollow Oak', founded: 1988 },
        rating: '4.25',
      },
    ]);
  });

  test('a record before its schema fails naming the stream and loads nothing', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), own('record_before_schema'));
    expect(run.error).toMatchObject({ code: 'SINGER_RECORD_BEFORE_SCHEMA' });
    expect((run.error as { context: { stream?: string } }).context.stream).toBe('test_late_schema');
    expect(
      await query(db.url, 'SELECT 1 FROM information_schema.tables WHERE table_schema = $1', [schema]),
    ).toEqual([]);
  });

  test('a record without its key property fails naming the stream and the key, and commits no STATE', async () => {
    const run = await runTarget(config(uniqueSchema()), own('missing_key_property'));
    expect(run.error).toMatchObject({ code: 'SINGER_RECORD_MISSING_KEY' });
    expect((run.error as Error).message).toContain('account_id');
    expect((run.error as { context: { stream?: string } }).context.stream).toBe('test_accounts_missing_key');
    expect(run.states).toEqual([]);
  });

  test('streams without key properties append every record, across runs, duplicates included', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('no_primary_key_first_run'));
    await load(config(schema), own('no_primary_key_second_run'));
    const rows = await query(
      db.url,
      `SELECT path, count(*)::int AS n FROM ${schema}.page_views GROUP BY path ORDER BY path`,
    );
    expect(rows).toEqual([
      { path: '/', n: 4 },
      { path: '/docs', n: 1 },
      { path: '/docs/start', n: 1 },
      { path: '/pricing', n: 1 },
    ]);
  });

  test('a second run upserts on the key: changed rows update, new rows insert, none duplicate', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('upsert_first_run'));
    await load(config(schema), own('upsert_second_run'));
    const rows = await query(db.url, `SELECT id, name, city FROM ${schema}.members ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', name: 'Amara', city: 'Lagos' },
      { id: '2', name: 'Bjorn', city: 'Bergen' },
      { id: '3', name: 'Chen', city: 'Taipei' },
      { id: '4', name: 'Dolores', city: 'Quito' },
    ]);
  });

  test('integers beyond 2^53 and beyond int8 and long decimals load exactly', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('big_numbers'));
    const rows = await query(
      db.url,
      `SELECT id::text, amount::text, units::text FROM ${schema}.ledger_entries ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '3', amount: '-0.000000000000000001', units: '98765432109876543210' },
      { id: '4', amount: '1500', units: '0' },
      { id: '9007199254740993', amount: '12345678901234567890.123456789', units: '-9223372036854775808' },
    ]);
  });

  test('escapes, unicode, surrogate pairs and control characters round-trip; NUL is dropped', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('encoded_strings'));
    const rows = await query<{ id: string; body: string | null }>(
      db.url,
      `SELECT id, body FROM ${schema}.chat_messages ORDER BY id`,
    );
    expect(rows.map((row) => row.body)).toEqual([
      'quote " backslash \\ slash / newline \n tab \t end',
      'café naïve 日本語',
      'launch 🚀 done',
      'literal UTF-8: Ærøskøbing, Ελληνικά, עברית',
      'control \u0001 and bell \u0007',
      'looks like COPY syntax: \\N and \\. and a\tb',
      '',
      null,
      'nulbyte',
    ]);
  });

  test('arrays and objects load as jsonb, empty ones and nulls kept apart', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('arrays_and_objects'));
    const types = await columnTypes(db.url, schema, 'recipes');
    expect(types).toMatchObject({ ingredients: 'jsonb', steps: 'jsonb', nutrition: 'jsonb' });
    const rows = await query(
      db.url,
      `SELECT id, ingredients, steps, nutrition FROM ${schema}.recipes ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: '1',
        ingredients: ['flour', 'water', 'salt'],
        steps: [
          { n: 1, text: 'mix' },
          { n: 2, text: 'bake' },
        ],
        nutrition: { kcal: 250, per: { unit: 'g', amount: 100 } },
      },
      { id: '2', ingredients: [], steps: null, nutrition: {} },
      { id: '3', ingredients: null, steps: [], nutrition: null },
    ]);
  });

  test('STATE comes out in input order, only after the rows before it, and ends at the last one', async () => {
    const schema = uniqueSchema();
    const run = await load(config(schema), own('multiple_state_messages'));
    const sent = [
      { test_invoices: { id: 1 }, test_payments: { id: 0 } },
      { test_invoices: { id: 2 }, test_payments: { id: 1 } },
      { test_invoices: { id: 3 }, test_payments: { id: 2 } },
      { test_invoices: { id: 3 }, test_payments: { id: 3 } },
    ].map((bookmarks) => ({ bookmarks }));
    expect(run.states.length).toBeGreaterThan(0);
    const positions = run.states.map((state) =>
      sent.findIndex((candidate) => JSON.stringify(candidate) === JSON.stringify(state)),
    );
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort());
    expect(run.states.at(-1)).toEqual(sent.at(-1));
    const [counts] = await query(
      db.url,
      `SELECT (SELECT count(*)::int FROM ${schema}.test_invoices) AS invoices,
              (SELECT count(*)::int FROM ${schema}.test_payments) AS payments`,
    );
    expect(counts).toEqual({ invoices: 3, payments: 3 });
  });

  test('reserved words as table and column names are quoted and load', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('reserved_word_columns'));
    const rows = await query(db.url, `SELECT "user", "select", "from", "group" FROM ${schema}."order"`);
    expect(rows).toEqual([{ user: 'u1', select: 'all', from: 'warehouse', group: '2' }]);
  });

  test('anyOf date-time or null is timestamptz; numeric unions are numeric; mixed unions are text or jsonb', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('union_types'));
    expect(await columnTypes(db.url, schema, 'deployments')).toMatchObject({
      id: 'text',
      finished_at: 'timestamp with time zone',
      attempts: 'numeric',
      build_ref: 'text',
      labels: 'jsonb',
    });
    const rows = await query(
      db.url,
      `SELECT id, finished_at, attempts::text, build_ref, labels FROM ${schema}.deployments ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: 'd-1',
        finished_at: new Date('2024-07-01T08:20:30Z'),
        attempts: '2',
        build_ref: 'a1b2c3',
        labels: ['prod', 'eu'],
      },
      { id: 'd-2', finished_at: null, attempts: '1.5', build_ref: '4021', labels: { team: 'core' } },
    ]);
  });

  test('a column changed from string to integer stays text and keeps its data', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('column_type_change'));
    expect((await columnTypes(db.url, schema, 'tickets_column_change')).priority).toBe('text');
    const rows = await query(db.url, `SELECT id, priority FROM ${schema}.tickets_column_change ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', priority: 'high' },
      { id: '2', priority: '3' },
    ]);
  });
});

describe('ACTIVATE_VERSION (own streams; the stream is "Planets", its table planets)', () => {
  const codes = async (table: string, where = 'true') =>
    (await query<{ code: string }>(db.url, `SELECT code FROM ${table} WHERE ${where} ORDER BY code`)).map(
      (row) => row.code,
    );

  test('hard delete: a new version removes rows it no longer has, and an empty version removes all', async () => {
    const schema = uniqueSchema();
    const table = `${schema}.planets`;
    await load(config(schema, { hard_delete: true }), own('activate_version_v1'));
    expect(await codes(table)).toEqual(['EAR', 'JUP', 'MAR', 'MER', 'VEN']);
    await query(db.url, `INSERT INTO ${table} (code, name) VALUES ('HND', 'added by hand')`);
    await load(config(schema, { hard_delete: true }), own('activate_version_v2_drops_one'));
    expect(await codes(table)).toEqual(['EAR', 'MAR', 'MER', 'VEN']);
    await load(config(schema, { hard_delete: true }), own('activate_version_v3_empty'));
    expect(await codes(table)).toEqual([]);
  });

  test('soft delete: rows missing from the new version are marked deleted, the others untouched', async () => {
    const schema = uniqueSchema();
    const table = `${schema}.planets`;
    await load(config(schema), own('activate_version_v1'));
    expect(await codes(table, '_sdc_deleted_at IS NULL')).toHaveLength(5);
    await query(db.url, `INSERT INTO ${table} (code, name) VALUES ('HND', 'added by hand')`);
    await load(config(schema), own('activate_version_v2_drops_one'));
    expect(await codes(table)).toHaveLength(6);
    expect(await codes(table, '_sdc_deleted_at IS NOT NULL')).toEqual(['HND', 'JUP']);
    expect(
      await query(db.url, `SELECT name, moons, _sdc_deleted_at FROM ${table} WHERE code = 'EAR'`),
    ).toEqual([{ name: 'Earth', moons: '1', _sdc_deleted_at: null }]);
  });
});

const publicSuites = existsSync(CONFORMANCE)
  ? readdirSync(CONFORMANCE, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
  : [];

if (publicSuites.length === 0) {
  const why = `public conformance suites SKIPPED: no copy at ${CONFORMANCE} (set SINGER_CONFORMANCE_DIR to run them); the own streams above ran`;
  console.warn(`[target-postgres conformance] ${why}`);
  test.skip(why, () => undefined);
} else {
  describe.each(publicSuites)(`public suite %s (from ${CONFORMANCE})`, (suite) => {
    test.each(
      singerFiles(join(CONFORMANCE, suite)),
    )('%s loads, or fails with a clear error when it must', async (name) => {
      await loadsOrFailsAsExpected({ file: join(CONFORMANCE, suite, `${name}.singer`) }, MUST_FAIL[name]);
    });
  });
}
