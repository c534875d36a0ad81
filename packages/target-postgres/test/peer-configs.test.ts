/**
 * A PipelineWise config and a MeltanoLabs config, unchanged, each load the same hand-written input
 * (streams shaped as tap-mysql, tap-postgres log-based and a Meltano SDK tap send them) into the
 * tables those targets would fill: their schema and table names, with or without metadata columns.
 */
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PrimaryKeyRequiredError } from '../src/peer-settings.js';
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

const EXTRACTED = '2024-05-02T08:00:00.000000Z';
const message = (type: string, fields: Record<string, unknown>) => JSON.stringify({ type, ...fields });
/** A RECORD as a database tap writes it: with the table version and the extraction time. */
const tapRecord = (stream: string, version: number, record: Record<string, unknown>) =>
  message('RECORD', { stream, record, version, time_extracted: EXTRACTED });

/**
 * Streams named as their taps name them: tap-mysql `<database>-<table>`, tap-postgres `<schema>-<table>`
 * (log-based: ACTIVATE_VERSION first, `_sdc_deleted_at` undeclared in records), a Meltano SDK tap's
 * plain `users` with a nested object.
 */
function input(mysqlDatabase: string, pgSchema: string): string[] {
  const mysql = `${mysqlDatabase}-test_table_one`;
  const pg = `${pgSchema}-customers`;
  return [
    message('SCHEMA', {
      stream: mysql,
      schema: {
        type: 'object',
        properties: {
          id: {
            type: ['null', 'integer'],
            inclusion: 'automatic',
            minimum: -2147483648,
            maximum: 2147483647,
          },
          c_varchar: { type: ['null', 'string'], inclusion: 'available', maxLength: 255 },
          c_date: { type: ['null', 'string'], inclusion: 'available', format: 'date-time' },
        },
      },
      key_properties: ['id'],
    }),
    message('ACTIVATE_VERSION', { stream: mysql, version: 1714636800000 }),
    tapRecord(mysql, 1714636800000, { id: 1, c_varchar: 'one', c_date: '2024-05-01T00:00:00+00:00' }),
    tapRecord(mysql, 1714636800000, { id: 2, c_varchar: 'two', c_date: null }),
    message('ACTIVATE_VERSION', { stream: mysql, version: 1714636800000 }),
    stateMessage({ currently_syncing: pg, bookmarks: { [mysql]: { version: 1714636800000 } } }),
    message('ACTIVATE_VERSION', { stream: pg, version: 1714636900000 }),
    message('SCHEMA', {
      stream: pg,
      schema: {
        type: 'object',
        properties: {
          id: { type: ['integer'], minimum: -2147483648, maximum: 2147483647 },
          name: { type: ['null', 'string'] },
        },
      },
      key_properties: ['id'],
      bookmark_properties: ['lsn'],
    }),
    ...[1, 2, 3].map((id) => tapRecord(pg, 1714636900000, { id, name: `customer ${id}` })),
    message('ACTIVATE_VERSION', { stream: pg, version: 1714636900000 }),
    tapRecord(pg, 1714636900000, { id: 3, name: 'customer 3', _sdc_deleted_at: '2024-05-02T08:05:00+00:00' }),
    schemaMessage('users', {
      id: { type: ['integer'] },
      email: { type: ['string', 'null'] },
      address: { type: ['object', 'null'], properties: { city: { type: ['string', 'null'] } } },
    }),
    recordMessage(
      'users',
      { id: 7, email: 'a@example.com', address: { city: 'Lyon' } },
      { time_extracted: EXTRACTED },
    ),
    stateMessage({ bookmarks: { [pg]: { lsn: 1200, version: 1714636900000 } } }),
  ];
}

async function tablesIn(schemas: string[]): Promise<string[]> {
  const rows = await query<{ name: string }>(
    db.url,
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_schema = ANY($1) ORDER BY 1`,
    [schemas],
  );
  return rows.map((row) => row.name);
}

async function columnsOf(schema: string, table: string): Promise<string[]> {
  return Object.keys(await columnTypes(db.url, schema, table)).sort();
}

/** PipelineWise's connection settings for the test server. */
function pipelinewiseConnection(): Record<string, unknown> {
  const url = new URL(db.url);
  return {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    dbname: decodeURIComponent(url.pathname.slice(1)),
  };
}

describe('a PipelineWise config', () => {
  test('tables go where schema_mapping and default_target_schema put them, without metadata columns, with its indices', async () => {
    const [mysqlDb, pgSchema, mysqlTarget, pgTarget, fallback] = [
      'src_db',
      'src_pg',
      'pw_a',
      'pw_b',
      'pw_c',
    ].map((prefix) => uniqueSchema(prefix)) as [string, string, string, string, string];
    const config = {
      ...pipelinewiseConnection(),
      default_target_schema: fallback,
      schema_mapping: {
        [mysqlDb]: { target_schema: mysqlTarget },
        [pgSchema]: { target_schema: pgTarget, indices: { customers: ['name', 'name,id'] } },
      },
      batch_size_rows: 100000,
      validate_records: false,
      temp_dir: '/tmp/unused',
    };
    const run = await load(config, input(mysqlDb, pgSchema));
    expect(run.states.at(-1)).toEqual({
      bookmarks: { [`${pgSchema}-customers`]: { lsn: 1200, version: 1714636900000 } },
    });
    expect(run.logs.some((line) => line.includes("setting 'temp_dir' has no effect here"))).toBe(true);
    expect(await tablesIn([mysqlTarget, pgTarget, fallback])).toEqual(
      [`${mysqlTarget}.test_table_one`, `${pgTarget}.customers`, `${fallback}.users`].sort(),
    );
    // add_metadata_columns is off by default in PipelineWise: no _sdc_* columns anywhere.
    expect(await columnsOf(mysqlTarget, 'test_table_one')).toEqual(['c_date', 'c_varchar', 'id']);
    expect(await columnsOf(pgTarget, 'customers')).toEqual(['id', 'name']);
    expect(await columnsOf(fallback, 'users')).toEqual(['address', 'email', 'id']);
    expect(await query(db.url, `SELECT id::int, name FROM ${pgTarget}.customers ORDER BY id`)).toEqual([
      { id: 1, name: 'customer 1' },
      { id: 2, name: 'customer 2' },
      { id: 3, name: 'customer 3' },
    ]);
    const indexes = await query<{ indexname: string; indexdef: string }>(
      db.url,
      'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE $2 ORDER BY 1',
      [pgTarget, 'i_%'],
    );
    expect(indexes.map((index) => index.indexname)).toEqual(['i_customers_name', 'i_customers_name_id']);
    expect(indexes[1]?.indexdef).toContain('(name, id)');
  });

  test('add_metadata_columns adds the _sdc_* columns and marks the rows deleted at the source', async () => {
    const [mysqlDb, pgSchema, target] = ['src_db', 'src_pg', 'pw_m'].map((prefix) =>
      uniqueSchema(prefix),
    ) as [string, string, string];
    await load(
      { ...pipelinewiseConnection(), default_target_schema: target, add_metadata_columns: true },
      input(mysqlDb, pgSchema),
    );
    expect(await tablesIn([target])).toEqual([
      `${target}.customers`,
      `${target}.test_table_one`,
      `${target}.users`,
    ]);
    expect(await columnsOf(target, 'customers')).toEqual(
      expect.arrayContaining(['_sdc_deleted_at', '_sdc_extracted_at', '_sdc_batched_at']),
    );
    const rows = await query(
      db.url,
      `SELECT id::int, _sdc_deleted_at IS NOT NULL AS deleted FROM ${target}.customers ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, deleted: false },
      { id: 2, deleted: false },
      { id: 3, deleted: true },
    ]);
  });

  test('data_flattening_max_level makes nested objects parent__child columns, as the map stage flattens them', async () => {
    const [mysqlDb, pgSchema, target] = ['src_db', 'src_pg', 'pw_f'].map((prefix) =>
      uniqueSchema(prefix),
    ) as [string, string, string];
    await load(
      { ...pipelinewiseConnection(), default_target_schema: target, data_flattening_max_level: 1 },
      input(mysqlDb, pgSchema),
    );
    expect(await columnsOf(target, 'users')).toEqual(['address__city', 'email', 'id']);
    expect(await query(db.url, `SELECT id::int, address__city FROM ${target}.users`)).toEqual([
      { id: 7, address__city: 'Lyon' },
    ]);
  });

  test('a stream without key properties stops the run (primary_key_required), unless it is set to false', async () => {
    const target = uniqueSchema('pw_k');
    const lines = [
      schemaMessage('events', { id: { type: 'integer' } }, []),
      recordMessage('events', { id: 1 }),
    ];
    const run = await runTarget({ ...pipelinewiseConnection(), default_target_schema: target }, lines);
    expect(run.error).toBeInstanceOf(PrimaryKeyRequiredError);
    expect((run.error as PrimaryKeyRequiredError).describe()).toMatch(
      /^SINGER_PRIMARY_KEY_REQUIRED: stream 'events': .*primary_key_required/,
    );
    expect(await tablesIn([target])).toEqual([]);
    await load(
      { ...pipelinewiseConnection(), default_target_schema: target, primary_key_required: false },
      lines,
    );
    expect(await query(db.url, `SELECT id::int FROM ${target}.events`)).toEqual([{ id: 1 }]);
  });
});

describe('a MeltanoLabs config', () => {
  test('every table goes to default_target_schema under its last `-` part, with metadata columns; deletes are marked', async () => {
    const [mysqlDb, pgSchema, target] = ['src_db', 'src_pg', 'ml'].map((prefix) => uniqueSchema(prefix)) as [
      string,
      string,
      string,
    ];
    const config = {
      sqlalchemy_url: db.url.replace(/^postgres(ql)?:/, 'postgresql+psycopg:'),
      // Meltano sets it from the extractor's load_schema; run alone, MeltanoLabs defaults to 'melty'.
      default_target_schema: target,
      activate_version: true,
      add_record_metadata: true,
      hard_delete: false,
      use_copy: true,
    };
    const run = await load(config, input(mysqlDb, pgSchema));
    expect(run.logs.some((line) => line.includes("setting 'use_copy' has no effect here"))).toBe(true);
    expect(await tablesIn([target, mysqlDb, pgSchema])).toEqual([
      `${target}.customers`,
      `${target}.test_table_one`,
      `${target}.users`,
    ]);
    expect(await columnsOf(target, 'users')).toEqual(
      expect.arrayContaining([
        '_sdc_extracted_at',
        '_sdc_batched_at',
        '_sdc_deleted_at',
        '_sdc_table_version',
      ]),
    );
    const rows = await query(
      db.url,
      `SELECT id::int, name, _sdc_table_version::text AS version, _sdc_deleted_at IS NOT NULL AS deleted
         FROM ${target}.customers ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, name: 'customer 1', version: '1714636900000', deleted: false },
      { id: 2, name: 'customer 2', version: '1714636900000', deleted: false },
      { id: 3, name: 'customer 3', version: '1714636900000', deleted: true },
    ]);
  });

  test('activate_version: false ignores ACTIVATE_VERSION with a warning: rows of an earlier version stay', async () => {
    const target = uniqueSchema('ml_av');
    const config = { url: db.url, default_target_schema: target };
    const version = (v: number, ids: number[]) => [
      message('ACTIVATE_VERSION', { stream: 'items', version: v }),
      schemaMessage('items', { id: { type: 'integer' } }),
      ...ids.map((id) => message('RECORD', { stream: 'items', record: { id }, version: v })),
      message('ACTIVATE_VERSION', { stream: 'items', version: v }),
    ];
    await load(config, version(1, [1, 2]));
    const run = await load({ ...config, activate_version: false }, version(2, [1]));
    expect(
      run.logs.some((line) => line.includes('ACTIVATE_VERSION ignored: activate_version is false')),
    ).toBe(true);
    expect(
      await query(db.url, `SELECT id::int, _sdc_deleted_at IS NULL AS live FROM ${target}.items ORDER BY id`),
    ).toEqual([
      { id: 1, live: true },
      { id: 2, live: true },
    ]);
  });
});
