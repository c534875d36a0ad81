/**
 * ACTIVATE_VERSION before its stream's SCHEMA, in the shape a log-based database tap (tap-postgres,
 * tap-mysql) sends on a table's initial sync: records carry `version`, `time_extracted` and, for rows
 * deleted at the source, an undeclared `_sdc_deleted_at`.
 */
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PrimaryKeyRequiredError } from '../src/peer-settings.js';
import { load, query, runTarget, stateMessage, uniqueSchema } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

/**
 * The bounds tap-postgres writes for an `integer` column. (Its bigint bounds, beyond what a double
 * holds, are #20.1's and tested with it.)
 */
const BOUNDS = '"minimum": -2147483648, "maximum": 2147483647';

/** A tap-postgres-shaped SCHEMA for `<schema>-customers` (tap_stream_id is `<schema>-<table>`). */
const schemaLine = (stream: string) =>
  JSON.stringify({
    type: 'SCHEMA',
    stream,
    schema: {
      type: 'object',
      properties: {
        id: { type: ['integer'], bounds: 0 },
        name: { type: ['null', 'string'] },
        updated_at: { type: ['null', 'string'], format: 'date-time' },
        credit: { type: ['null', 'integer'], bounds: 0 },
      },
    },
    key_properties: ['id'],
    bookmark_properties: ['lsn'],
  }).replaceAll('"bounds":0', BOUNDS);

const activate = (stream: string, version: number) =>
  JSON.stringify({ type: 'ACTIVATE_VERSION', stream, version });

const record = (stream: string, version: number, row: Record<string, unknown>) =>
  JSON.stringify({
    type: 'RECORD',
    stream,
    record: row,
    version,
    time_extracted: '2024-03-01T10:00:00.000000Z',
  });

const customer = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `customer ${id}`,
  updated_at: '2024-03-01T09:00:00+00:00',
  credit: 1000 * id,
  ...extra,
});

describe('ACTIVATE_VERSION before its SCHEMA (log-based initial sync)', () => {
  test("a new table's initial sync loads, and the activation is applied once the SCHEMA arrives", async () => {
    const schema = uniqueSchema('lb');
    const stream = `${schema}-customers`;
    const run = await load({ url: db.url }, [
      activate(stream, 1700000000000),
      stateMessage({ bookmarks: { [stream]: { version: 1700000000000 } } }),
      schemaLine(stream),
      record(stream, 1700000000000, customer(1)),
      record(stream, 1700000000000, customer(2)),
      record(stream, 1700000000000, customer(3)),
      activate(stream, 1700000000000),
      stateMessage({ bookmarks: { [stream]: { version: 1700000000000, lsn: 100 } } }),
      // Log-based changes after the initial copy: an update and a delete, _sdc_deleted_at undeclared.
      record(stream, 1700000000000, customer(2, { name: 'renamed' })),
      record(stream, 1700000000000, customer(3, { _sdc_deleted_at: '2024-03-01T10:05:00+00:00' })),
      stateMessage({ bookmarks: { [stream]: { version: 1700000000000, lsn: 120 } } }),
    ]);
    expect(run.states.at(-1)).toEqual({ bookmarks: { [stream]: { version: 1700000000000, lsn: 120 } } });
    expect(run.logs.some((line) => line.includes('applied when the SCHEMA arrives'))).toBe(true);
    const rows = await query(
      db.url,
      `SELECT id::int, name, credit::text, _sdc_table_version::text AS version, _sdc_deleted_at IS NOT NULL AS deleted
         FROM ${schema}.customers ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, name: 'customer 1', credit: '1000', version: '1700000000000', deleted: false },
      { id: 2, name: 'renamed', credit: '2000', version: '1700000000000', deleted: false },
      { id: 3, name: 'customer 3', credit: '3000', version: '1700000000000', deleted: true },
    ]);
  });

  test('a re-sync that sends ACTIVATE_VERSION first retires the rows of the earlier version', async () => {
    const schema = uniqueSchema('lb');
    const stream = `${schema}-customers`;
    await load({ url: db.url }, [
      schemaLine(stream),
      record(stream, 1, customer(1)),
      record(stream, 1, customer(2)),
      record(stream, 1, customer(3)),
      activate(stream, 1),
    ]);
    // The new version's initial sync: activation first, then only rows 1 and 2 exist at the source.
    await load({ url: db.url }, [
      activate(stream, 2),
      schemaLine(stream),
      record(stream, 2, customer(1)),
      record(stream, 2, customer(2)),
      activate(stream, 2),
    ]);
    const soft = await query(
      db.url,
      `SELECT id::int, _sdc_table_version::int AS version, _sdc_deleted_at IS NOT NULL AS deleted
         FROM ${schema}.customers ORDER BY id`,
    );
    expect(soft).toEqual([
      { id: 1, version: 2, deleted: false },
      { id: 2, version: 2, deleted: false },
      { id: 3, version: 1, deleted: true },
    ]);

    await load({ url: db.url, hard_delete: true }, [
      activate(stream, 3),
      schemaLine(stream),
      record(stream, 3, customer(2)),
    ]);
    const hard = await query(db.url, `SELECT id::int FROM ${schema}.customers ORDER BY id`);
    expect(hard).toEqual([{ id: 2 }]);
  });

  test('a STATE after a pending ACTIVATE_VERSION is held until it is applied: not printed when the SCHEMA then fails', async () => {
    const schema = uniqueSchema('lb');
    const stream = `${schema}-events`;
    const run = await runTarget({ url: db.url, primary_key_required: true }, [
      activate(stream, 9),
      stateMessage({ bookmarks: { [stream]: { version: 9 } } }),
      JSON.stringify({
        type: 'SCHEMA',
        stream,
        schema: { type: 'object', properties: { id: { type: 'integer' } } },
        key_properties: [],
      }),
    ]);
    expect(run.error).toBeInstanceOf(PrimaryKeyRequiredError);
    expect(run.states).toEqual([]);
  });

  test('an ACTIVATE_VERSION whose stream never gets a SCHEMA is a warning naming the stream; the run succeeds', async () => {
    const schema = uniqueSchema('lb');
    const stream = `${schema}-customers`;
    const run = await load({ url: db.url }, [
      activate(`${schema}-never_sent`, 5),
      schemaLine(stream),
      record(stream, 5, customer(1)),
      stateMessage({ done: true }),
    ]);
    expect(run.states.at(-1)).toEqual({ done: true });
    const warning = run.logs.find((line) => line.includes('ACTIVATE_VERSION not applied'));
    expect(warning).toContain(`${schema}-never_sent`);
    expect(await query(db.url, `SELECT id::int FROM ${schema}.customers`)).toEqual([{ id: 1 }]);
  });
});
