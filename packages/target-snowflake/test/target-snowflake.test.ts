/**
 * target-snowflake end to end through real HTTP against the emulator: tables created and evolved,
 * upsert, append, overwrite, deletes, exact values read back, batches larger than one statement,
 * and the STATE guarantee.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { startEmulator } from './support.js';
import {
  emulatorConfig,
  load,
  recordMessage,
  rows,
  schemaMessage,
  stateMessage,
  uniqueSchema,
} from './target-support.js';

let emulator: SnowflakeEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ syncWindowMs: 10_000 });
});
afterAll(async () => {
  await emulator?.close();
});

const USERS = {
  id: { type: 'integer' },
  name: { type: ['string', 'null'] },
  updatedAt: { type: ['string', 'null'], format: 'date-time' },
};

describe('target-snowflake: tables', () => {
  test('creates the schema and the table (upper-case names, primary key) and upserts, the last record of a key winning', async () => {
    const schema = uniqueSchema();
    const run = await load(emulatorConfig(emulator, schema, { add_record_metadata: false }), [
      schemaMessage('users', USERS),
      recordMessage('users', { id: 1, name: 'ann', updatedAt: '2024-05-01T10:00:00.123456+02:00' }),
      recordMessage('users', { id: 2, name: 'bob' }),
      recordMessage('users', { id: 1, name: 'anne' }),
      stateMessage({ bookmark: 1 }),
    ]);
    expect(run.states).toEqual([{ bookmark: 1 }]);
    expect(
      await rows(emulator, `SELECT "ID", "NAME", "UPDATED_AT" FROM "${schema}"."USERS" ORDER BY "ID"`),
    ).toEqual([
      { ID: '1', NAME: 'anne', UPDATED_AT: null },
      { ID: '2', NAME: 'bob', UPDATED_AT: null },
    ]);
    const described = await emulator.sql(`DESCRIBE TABLE "${schema}"."USERS"`, 'RAW');
    expect(described.map((row) => [row[0], row[1], row[5]])).toEqual([
      ['ID', 'NUMBER(38,0)', 'Y'],
      ['NAME', 'VARCHAR(16777216)', 'N'],
      ['UPDATED_AT', 'TIMESTAMP_TZ(9)', 'N'],
    ]);
    // Across batches and runs: the same key updates its row.
    await load(emulatorConfig(emulator, schema, { add_record_metadata: false }), [
      schemaMessage('users', USERS),
      recordMessage('users', { id: 2, name: 'bobby', updatedAt: '2024-05-01T10:00:00.123456+02:00' }),
    ]);
    expect(
      await rows(emulator, `SELECT "ID", "NAME", "UPDATED_AT" FROM "${schema}"."USERS" ORDER BY "ID"`),
    ).toEqual([
      { ID: '1', NAME: 'anne', UPDATED_AT: null },
      { ID: '2', NAME: 'bobby', UPDATED_AT: '1714550400.123456000 1440' },
    ]);
  });

  test('a later SCHEMA adds columns and widens others (integer to string) keeping every value', async () => {
    const schema = uniqueSchema();
    const config = emulatorConfig(emulator, schema, { add_record_metadata: false });
    await load(config, [
      schemaMessage('items', { id: { type: 'integer' }, code: { type: 'integer' } }),
      recordMessage('items', { id: 1, code: 42 }),
    ]);
    await load(config, [
      schemaMessage('items', {
        id: { type: 'integer' },
        code: { type: ['integer', 'string'] },
        note: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
      }),
      recordMessage('items', { id: 2, code: 'A-7', note: 'new', tags: ['x', 'y'] }),
    ]);
    expect(
      await rows(emulator, `SELECT "ID", "CODE", "NOTE", "TAGS" FROM "${schema}"."ITEMS" ORDER BY "ID"`),
    ).toEqual([
      { ID: '1', CODE: '42', NOTE: null, TAGS: null },
      { ID: '2', CODE: 'A-7', NOTE: 'new', TAGS: '["x","y"]' },
    ]);
    const described = await emulator.sql(`DESCRIBE TABLE "${schema}"."ITEMS"`, 'RAW');
    expect(Object.fromEntries(described.map((row) => [row[0], row[1]]))).toEqual({
      ID: 'NUMBER(38,0)',
      CODE: 'VARCHAR(16777216)',
      NOTE: 'VARCHAR(16777216)',
      TAGS: 'VARIANT',
    });
  });

  test("append-only keeps every record; overwrite replaces the table with the run's records", async () => {
    const schema = uniqueSchema();
    const records = [
      schemaMessage('events', USERS),
      recordMessage('events', { id: 1, name: 'a' }),
      recordMessage('events', { id: 1, name: 'b' }),
    ];
    await load(emulatorConfig(emulator, schema, { load_method: 'append-only' }), records);
    await load(emulatorConfig(emulator, schema, { load_method: 'append-only' }), records);
    const appended = await rows(emulator, `SELECT "NAME" FROM "${schema}"."EVENTS" ORDER BY "NAME"`);
    expect(appended.map((row) => row.NAME)).toEqual(['a', 'a', 'b', 'b']);
    await load(emulatorConfig(emulator, schema, { load_method: 'overwrite' }), [
      schemaMessage('events', USERS, []),
      recordMessage('events', { id: 9, name: 'only' }),
    ]);
    expect(await rows(emulator, `SELECT "ID", "NAME" FROM "${schema}"."EVENTS"`)).toEqual([
      { ID: '9', NAME: 'only' },
    ]);
  });

  test('ACTIVATE_VERSION soft-deletes rows of older versions, or deletes them with hard_delete', async () => {
    for (const hard of [false, true]) {
      const schema = uniqueSchema();
      const config = emulatorConfig(emulator, schema, { hard_delete: hard });
      const version = (v: number, ids: number[]) => [
        schemaMessage('users', USERS),
        JSON.stringify({ type: 'ACTIVATE_VERSION', stream: 'users', version: v }),
        ...ids.map((id) => recordMessage('users', { id, name: `v${v}` }, { version: v })),
        JSON.stringify({ type: 'ACTIVATE_VERSION', stream: 'users', version: v }),
      ];
      await load(config, version(1, [1, 2]));
      await load(config, version(2, [2, 3]));
      const table = await rows(
        emulator,
        `SELECT "ID", "NAME", "_SDC_TABLE_VERSION", "_SDC_DELETED_AT" FROM "${schema}"."USERS" ORDER BY "ID"`,
      );
      const summary = table.map((row) => [
        row.ID,
        row.NAME,
        row._SDC_TABLE_VERSION,
        row._SDC_DELETED_AT !== null,
      ]);
      expect(summary).toEqual(
        hard
          ? [
              ['2', 'v2', '2', false],
              ['3', 'v2', '2', false],
            ]
          : [
              ['1', 'v1', '1', true],
              ['2', 'v2', '2', false],
              ['3', 'v2', '2', false],
            ],
      );
    }
  });

  test('with hard_delete a record carrying _sdc_deleted_at deletes its row, in one batch and across batches', async () => {
    const schema = uniqueSchema();
    const config = emulatorConfig(emulator, schema, { hard_delete: true });
    const props = { ...USERS, _sdc_deleted_at: { type: ['null', 'string'], format: 'date-time' } };
    await load(config, [
      schemaMessage('users', props),
      recordMessage('users', { id: 1, name: 'a' }),
      recordMessage('users', { id: 2, name: 'b' }),
      recordMessage('users', { id: 3, name: 'c', _sdc_deleted_at: '2024-01-01T00:00:00Z' }),
    ]);
    await load(config, [
      schemaMessage('users', props),
      recordMessage('users', { id: 1, name: 'a', _sdc_deleted_at: '2024-01-02T00:00:00Z' }),
      recordMessage('users', { id: 2, name: 'bb' }),
    ]);
    expect(await rows(emulator, `SELECT "ID", "NAME" FROM "${schema}"."USERS" ORDER BY "ID"`)).toEqual([
      { ID: '2', NAME: 'bb' },
    ]);
  });
});

describe('target-snowflake: exact values', () => {
  test('integers beyond 64 bits, 30-digit decimals and microsecond timestamps read back digit for digit', async () => {
    const schema = uniqueSchema();
    const lines = [
      schemaMessage('n', {
        id: { type: 'integer' },
        big: { type: 'integer' },
        amount: { type: 'number' },
        ratio: { type: 'number' },
        at: { type: 'string', format: 'date-time' },
      }),
      '{"type":"RECORD","stream":"n","record":{"id":1,"big":123456789012345678901234567890,"amount":123456789012345678901.123456789,"ratio":0.1,"at":"2024-05-01T10:00:00.123456Z"}}',
      '{"type":"RECORD","stream":"n","record":{"id":2,"big":-9223372036854775809,"amount":12.5,"ratio":1.5e-7,"at":"1999-12-31T23:59:59.999999-05:30"}}',
    ];
    await load(emulatorConfig(emulator, schema, { add_record_metadata: false }), lines);
    expect(
      await rows(emulator, `SELECT "ID", "BIG", "AMOUNT", "RATIO", "AT" FROM "${schema}"."N" ORDER BY "ID"`),
    ).toEqual([
      {
        ID: '1',
        BIG: '123456789012345678901234567890',
        AMOUNT: '123456789012345678901.123456789',
        RATIO: '0.10000000',
        AT: '1714557600.123456000 1440',
      },
      {
        ID: '2',
        BIG: '-9223372036854775809',
        AMOUNT: '12.500000000',
        RATIO: '0.00000015',
        AT: '946704599.999999000 1440', // 2000-01-01T05:29:59.999999Z
      },
    ]);
    const described = await emulator.sql(`DESCRIBE TABLE "${schema}"."N"`, 'RAW');
    expect(Object.fromEntries(described.map((row) => [row[0], row[1]]))).toMatchObject({
      BIG: 'NUMBER(38,0)',
      AMOUNT: 'NUMBER(38,9)',
      RATIO: 'NUMBER(38,8)',
    });
  });

  test('a number 38 digits cannot hold moves its column to VARCHAR with the exact text', async () => {
    const schema = uniqueSchema();
    await load(emulatorConfig(emulator, schema, { add_record_metadata: false }), [
      schemaMessage('n', { id: { type: 'integer' }, v: { type: 'number' } }),
      '{"type":"RECORD","stream":"n","record":{"id":1,"v":1.25}}',
      '{"type":"RECORD","stream":"n","record":{"id":2,"v":123456789012345678901234567890123456789.5}}',
    ]);
    expect(await rows(emulator, `SELECT "ID", "V" FROM "${schema}"."N" ORDER BY "ID"`)).toEqual([
      { ID: '1', V: '1.25' },
      { ID: '2', V: '123456789012345678901234567890123456789.5' },
    ]);
  });
});
