/**
 * Target conformance through target-snowflake against the emulator. The repository's own streams
 * (packages/target-postgres/test/conformance, one file per behaviour the public Singer target suites
 * exercise; the same files target-postgres runs) always run, and their rows are read back in
 * Snowflake's terms (upper-cased names, VARIANT, exact NUMBERs). The public suites (meltano/sdk's
 * target test streams, MeltanoLabs/target-postgres's data files) run in addition when a copy is found
 * (SINGER_CONFORMANCE_DIR, or ../shared/conformance beside the checkout); when none is, the output
 * says they were skipped.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { startEmulator } from './support.js';
import { emulatorConfig, load, rows, runTarget, uniqueSchema } from './target-support.js';

const OWN = fileURLToPath(new URL('../../target-postgres/test/conformance/', import.meta.url));
/** Where the public suites are (outside the repository; a git worktree sits one level deeper). */
const PUBLIC =
  process.env.SINGER_CONFORMANCE_DIR ??
  fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

let emulator: SnowflakeEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ syncWindowMs: 10_000 });
});
afterAll(async () => {
  await emulator?.close();
});

const own = (name: string) => ({ file: join(OWN, `${name}.singer`) });
const config = (schema: string, extra: Record<string, unknown> = {}) =>
  emulatorConfig(emulator, schema, extra);
const singerFiles = (folder: string): string[] =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.singer'))
    .map((name) => name.slice(0, -'.singer'.length))
    .sort();
const tablesIn = async (schema: string) =>
  (
    await rows(
      emulator,
      `SELECT table_name FROM RAW.INFORMATION_SCHEMA.TABLES WHERE table_schema = '${schema}' ORDER BY table_name`,
    )
  ).map((row) => row.table_name);
/** Column name → type as DESCRIBE TABLE prints it. */
const columnTypes = async (schema: string, table: string) =>
  Object.fromEntries(
    (await emulator.sql(`DESCRIBE TABLE "${schema}"."${table}"`, 'RAW')).map((row) => [row[0], row[1]]),
  );

/** Files that must fail, by name in either the own or the public suites, with the code each fails with. */
const MUST_FAIL: Record<string, string> = {
  invalid_schema: 'SINGER_SCHEMA_INVALID',
  record_before_schema: 'SINGER_RECORD_BEFORE_SCHEMA',
  record_missing_key_property: 'SINGER_RECORD_MISSING_KEY',
  missing_key_property: 'SINGER_RECORD_MISSING_KEY',
  record_missing_required_property: 'SINGER_RECORD_INVALID',
  missing_required_property: 'SINGER_RECORD_INVALID',
};

/** Runs one file into a fresh schema: it loads and fills tables (no stage left), or fails as it must. */
async function loadsOrFailsAsExpected(file: { file: string }, expectedError: string | undefined) {
  const schema = uniqueSchema();
  const run = await runTarget(config(schema), file);
  if (expectedError !== undefined) {
    expect((run.error as { code?: string } | undefined)?.code).toBe(expectedError);
    expect((run.error as { context: { stream?: string } }).context.stream).toMatch(/^test_/);
    return;
  }
  expect(run.error).toBeUndefined();
  const tables = await tablesIn(schema);
  expect(tables.length).toBeGreaterThan(0);
  expect(tables.every((table) => !String(table).startsWith('_SINGER_'))).toBe(true);
}

describe('own conformance streams (packages/target-postgres/test/conformance)', () => {
  test.each(singerFiles(OWN))('%s loads, or fails with a clear error when it must', async (name) => {
    await loadsOrFailsAsExpected(own(name), MUST_FAIL[name]);
  });

  test('camelCase stream and property names become upper-case snake_case table and columns', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('camelcase_names'));
    expect(
      await rows(
        emulator,
        `SELECT "EVENT_ID", "CARRIER_NAME", "TRACKING_URL" FROM "${schema}"."SHIPMENTEVENTS" ORDER BY "EVENT_ID"`,
      ),
    ).toEqual([
      { EVENT_ID: 'ev-001', CARRIER_NAME: 'Northwind Freight', TRACKING_URL: 'https://track.example/ev-001' },
      { EVENT_ID: 'ev-002', CARRIER_NAME: 'Blue Heron Couriers', TRACKING_URL: null },
    ]);
  });

  test('special characters in names become underscores; nested keys stay as sent in the VARIANT', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('special_characters_in_names'));
    const [row] = await rows(
      emulator,
      `SELECT "_KEY", "QTY_ON_HAND", "LOCATION", "_SDC_EXTRACTED_AT" FROM "${schema}"."INVENTORY_BINS_BY_AISLE"`,
    );
    expect(row).toMatchObject({ _KEY: 'B-17', QTY_ON_HAND: '42' });
    expect(JSON.parse(row?.LOCATION as string)).toEqual({ 'zone:code': 'cold', 'shelf:level:max': 5 });
    // TIMESTAMP_TZ in jsonv2: epoch seconds with the microseconds of time_extracted, then the offset.
    expect(row?._SDC_EXTRACTED_AT).toBe(`${Date.UTC(2024, 4, 6, 7, 8, 9) / 1000}.123456000 1440`);
  });

  test('duplicate keys in one batch keep the last record of each key', async () => {
    const schema = uniqueSchema();
    const run = await load(config(schema), own('duplicate_keys_in_one_batch'));
    expect(
      await rows(emulator, `SELECT "SENSOR_ID", "CELSIUS" FROM "${schema}"."SENSOR_READINGS" ORDER BY 1`),
    ).toEqual([
      { SENSOR_ID: '1', CELSIUS: '9' },
      { SENSOR_ID: '2', CELSIUS: '4' },
      { SENSOR_ID: '3', CELSIUS: '5' },
    ]);
    expect(run.states.at(-1)).toEqual({ bookmarks: { sensor_readings: { seq: 6 } } });
  });

  test('schema updates add columns and keep earlier rows with nulls in them', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('schema_updates'));
    const table = await rows(
      emulator,
      `SELECT "ID", "TITLE", "PAGES", "TAGS", "PUBLISHER", "RATING" FROM "${schema}"."BOOK_EDITIONS" ORDER BY "ID"`,
    );
    expect(
      table.map((row) => ({ ...row, TAGS: parsed(row.TAGS), PUBLISHER: parsed(row.PUBLISHER) })),
    ).toEqual([
      { ID: '1', TITLE: 'The Quiet Harbour', PAGES: null, TAGS: null, PUBLISHER: null, RATING: null },
      { ID: '2', TITLE: 'Salt and Cedar', PAGES: '312', TAGS: null, PUBLISHER: null, RATING: null },
      {
        ID: '3',
        TITLE: 'Lanterns',
        PAGES: '198',
        TAGS: ['poetry', 'winter'],
        PUBLISHER: { name: 'Fenwick Press', founded: 1921 },
        RATING: null,
      },
      {
        ID: '4',
        TITLE: 'Iron Orchard',
        PAGES: '455',
        TAGS: [],
        PUBLISHER: { name: 'Hollow Oak', founded: 1988 },
        RATING: '4.25',
      },
    ]);
  });

  test('a record before its schema fails naming the stream and creates nothing', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), own('record_before_schema'));
    expect(run.error).toMatchObject({ code: 'SINGER_RECORD_BEFORE_SCHEMA' });
    expect((run.error as { context: { stream?: string } }).context.stream).toBe('test_late_schema');
    expect(await tablesIn(schema)).toEqual([]);
  });

  test('a record without its key property fails naming the stream and the key, and commits no STATE', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(config(schema), own('missing_key_property'));
    expect(run.error).toMatchObject({ code: 'SINGER_RECORD_MISSING_KEY' });
    expect((run.error as Error).message).toContain('account_id');
    expect((run.error as { context: { stream?: string } }).context.stream).toBe('test_accounts_missing_key');
    expect(run.states).toEqual([]);
    expect(await rows(emulator, `SELECT COUNT(*) FROM "${schema}"."TEST_ACCOUNTS_MISSING_KEY"`)).toEqual([
      { 'COUNT(*)': '0' },
    ]);
  });

  test('streams without key properties append every record, across runs, duplicates included', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('no_primary_key_first_run'));
    await load(config(schema), own('no_primary_key_second_run'));
    expect(
      await rows(
        emulator,
        `SELECT "PATH", COUNT(*) FROM "${schema}"."PAGE_VIEWS" GROUP BY "PATH" ORDER BY "PATH"`,
      ),
    ).toEqual([
      { PATH: '/', 'COUNT(*)': '4' },
      { PATH: '/docs', 'COUNT(*)': '1' },
      { PATH: '/docs/start', 'COUNT(*)': '1' },
      { PATH: '/pricing', 'COUNT(*)': '1' },
    ]);
  });

  test('a second run upserts on the key: changed rows update, new rows insert, none duplicate', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('upsert_first_run'));
    await load(config(schema), own('upsert_second_run'));
    expect(
      await rows(emulator, `SELECT "ID", "NAME", "CITY" FROM "${schema}"."MEMBERS" ORDER BY "ID"`),
    ).toEqual([
      { ID: '1', NAME: 'Amara', CITY: 'Lagos' },
      { ID: '2', NAME: 'Bjorn', CITY: 'Bergen' },
      { ID: '3', NAME: 'Chen', CITY: 'Taipei' },
      { ID: '4', NAME: 'Dolores', CITY: 'Quito' },
    ]);
  });

  test('integers beyond 2^53 and beyond 64 bits and long decimals load exactly', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('big_numbers'));
    expect(await columnTypes(schema, 'LEDGER_ENTRIES')).toMatchObject({
      ID: 'NUMBER(38,0)',
      UNITS: 'NUMBER(38,0)',
      AMOUNT: 'NUMBER(38,18)',
    });
    expect(
      await rows(emulator, `SELECT "ID", "AMOUNT", "UNITS" FROM "${schema}"."LEDGER_ENTRIES" ORDER BY "ID"`),
    ).toEqual([
      { ID: '3', AMOUNT: '-0.000000000000000001', UNITS: '98765432109876543210' },
      { ID: '4', AMOUNT: '1500.000000000000000000', UNITS: '0' },
      {
        ID: '9007199254740993',
        AMOUNT: '12345678901234567890.123456789000000000',
        UNITS: '-9223372036854775808',
      },
    ]);
  });

  test('escapes, unicode, surrogate pairs and control characters (NUL too) round-trip', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('encoded_strings'));
    const table = await rows(emulator, `SELECT "ID", "BODY" FROM "${schema}"."CHAT_MESSAGES" ORDER BY "ID"`);
    expect(table.map((row) => row.BODY)).toEqual([
      'quote " backslash \\ slash / newline \n tab \t end',
      'café naïve 日本語',
      'launch 🚀 done',
      'literal UTF-8: Ærøskøbing, Ελληνικά, עברית',
      'control \u0001 and bell \u0007',
      'looks like COPY syntax: \\N and \\. and a\tb',
      '',
      null,
      'nul\u0000byte',
    ]);
  });

  test('arrays and objects load as VARIANT, empty ones and nulls kept apart', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('arrays_and_objects'));
    expect(await columnTypes(schema, 'RECIPES')).toMatchObject({
      INGREDIENTS: 'VARIANT',
      STEPS: 'VARIANT',
      NUTRITION: 'VARIANT',
    });
    const table = await rows(
      emulator,
      `SELECT "ID", "INGREDIENTS", "STEPS", "NUTRITION" FROM "${schema}"."RECIPES" ORDER BY "ID"`,
    );
    expect(
      table.map((row) => ({
        ID: row.ID,
        INGREDIENTS: parsed(row.INGREDIENTS),
        STEPS: parsed(row.STEPS),
        NUTRITION: parsed(row.NUTRITION),
      })),
    ).toEqual([
      {
        ID: '1',
        INGREDIENTS: ['flour', 'water', 'salt'],
        STEPS: [
          { n: 1, text: 'mix' },
          { n: 2, text: 'bake' },
        ],
        NUTRITION: { kcal: 250, per: { unit: 'g', amount: 100 } },
      },
      { ID: '2', INGREDIENTS: [], STEPS: null, NUTRITION: {} },
      { ID: '3', INGREDIENTS: null, STEPS: [], NUTRITION: null },
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
    ].map((bookmarks) => JSON.stringify({ bookmarks }));
    const positions = run.states.map((state) => sent.indexOf(JSON.stringify(state)));
    expect(positions.length).toBeGreaterThan(0);
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort());
    expect(positions.at(-1)).toBe(sent.length - 1);
    expect(await rows(emulator, `SELECT COUNT(*) FROM "${schema}"."TEST_INVOICES"`)).toEqual([
      { 'COUNT(*)': '3' },
    ]);
    expect(await rows(emulator, `SELECT COUNT(*) FROM "${schema}"."TEST_PAYMENTS"`)).toEqual([
      { 'COUNT(*)': '3' },
    ]);
  });

  test('reserved words as table and column names are quoted and load', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('reserved_word_columns'));
    expect(await rows(emulator, `SELECT "USER", "SELECT", "FROM", "GROUP" FROM "${schema}"."ORDER"`)).toEqual(
      [{ USER: 'u1', SELECT: 'all', FROM: 'warehouse', GROUP: '2' }],
    );
  });

  test('anyOf date-time or null is TIMESTAMP_TZ; numeric unions NUMBER; mixed unions VARCHAR or VARIANT', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('union_types'));
    expect(await columnTypes(schema, 'DEPLOYMENTS')).toMatchObject({
      ID: 'VARCHAR(16777216)',
      FINISHED_AT: 'TIMESTAMP_TZ(9)',
      ATTEMPTS: 'NUMBER(38,1)',
      BUILD_REF: 'VARCHAR(16777216)',
      LABELS: 'VARIANT',
    });
    const table = await rows(
      emulator,
      `SELECT "ID", "FINISHED_AT", "ATTEMPTS", "BUILD_REF", "LABELS" FROM "${schema}"."DEPLOYMENTS" ORDER BY "ID"`,
    );
    expect(table.map((row) => ({ ...row, LABELS: parsed(row.LABELS) }))).toEqual([
      {
        ID: 'd-1',
        FINISHED_AT: `${Date.UTC(2024, 6, 1, 8, 20, 30) / 1000}.000000000 1440`,
        ATTEMPTS: '2.0',
        BUILD_REF: 'a1b2c3',
        LABELS: ['prod', 'eu'],
      },
      { ID: 'd-2', FINISHED_AT: null, ATTEMPTS: '1.5', BUILD_REF: '4021', LABELS: { team: 'core' } },
    ]);
  });

  test('a column changed from string to integer stays VARCHAR and keeps its data', async () => {
    const schema = uniqueSchema();
    await load(config(schema), own('column_type_change'));
    expect((await columnTypes(schema, 'TICKETS_COLUMN_CHANGE')).PRIORITY).toBe('VARCHAR(16777216)');
    expect(
      await rows(emulator, `SELECT "ID", "PRIORITY" FROM "${schema}"."TICKETS_COLUMN_CHANGE" ORDER BY "ID"`),
    ).toEqual([
      { ID: '1', PRIORITY: 'high' },
      { ID: '2', PRIORITY: '3' },
    ]);
  });
});

describe('ACTIVATE_VERSION (own streams; the stream is "Planets", its table PLANETS)', () => {
  const codes = async (table: string, where = 'TRUE') =>
    (await rows(emulator, `SELECT "CODE" FROM ${table} WHERE ${where} ORDER BY "CODE"`)).map(
      (row) => row.CODE,
    );

  test('hard delete: a new version removes rows it no longer has, and an empty version removes all', async () => {
    const schema = uniqueSchema();
    const table = `"${schema}"."PLANETS"`;
    await load(config(schema, { hard_delete: true }), own('activate_version_v1'));
    expect(await codes(table)).toEqual(['EAR', 'JUP', 'MAR', 'MER', 'VEN']);
    await emulator.sql(`INSERT INTO ${table} ("CODE", "NAME") VALUES ('HND', 'added by hand')`, 'RAW');
    await load(config(schema, { hard_delete: true }), own('activate_version_v2_drops_one'));
    expect(await codes(table)).toEqual(['EAR', 'MAR', 'MER', 'VEN']);
    await load(config(schema, { hard_delete: true }), own('activate_version_v3_empty'));
    expect(await codes(table)).toEqual([]);
  });

  test('soft delete: rows missing from the new version are marked deleted, the others untouched', async () => {
    const schema = uniqueSchema();
    const table = `"${schema}"."PLANETS"`;
    await load(config(schema), own('activate_version_v1'));
    expect(await codes(table, '"_SDC_DELETED_AT" IS NULL')).toHaveLength(5);
    await emulator.sql(`INSERT INTO ${table} ("CODE", "NAME") VALUES ('HND', 'added by hand')`, 'RAW');
    await load(config(schema), own('activate_version_v2_drops_one'));
    expect(await codes(table)).toHaveLength(6);
    expect(await codes(table, '"_SDC_DELETED_AT" IS NOT NULL')).toEqual(['HND', 'JUP']);
    expect(
      await rows(emulator, `SELECT "NAME", "MOONS", "_SDC_DELETED_AT" FROM ${table} WHERE "CODE" = 'EAR'`),
    ).toEqual([{ NAME: 'Earth', MOONS: '1', _SDC_DELETED_AT: null }]);
  });
});

const publicSuites = existsSync(PUBLIC)
  ? readdirSync(PUBLIC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
  : [];

if (publicSuites.length === 0) {
  const why = `public conformance suites SKIPPED: no copy at ${PUBLIC} (set SINGER_CONFORMANCE_DIR to run them); the own streams above ran`;
  console.warn(`[target-snowflake conformance] ${why}`);
  test.skip(why, () => undefined);
} else {
  describe.each(publicSuites)(`public suite %s (from ${PUBLIC})`, (suite) => {
    test.each(
      singerFiles(join(PUBLIC, suite)),
    )('%s loads, or fails with a clear error when it must', async (name) => {
      await loadsOrFailsAsExpected({ file: join(PUBLIC, suite, `${name}.singer`) }, MUST_FAIL[name]);
    });
  });
}

/** A VARIANT cell (JSON text) as its value; SQL NULL stays null. */
function parsed(cell: string | null | undefined): unknown {
  return cell === null || cell === undefined ? null : JSON.parse(cell);
}
