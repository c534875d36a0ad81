/**
 * target-snowflake under faults and bad input, against the emulator: batches larger than one
 * statement go through the stage in one transaction; requests retried after a dropped connection
 * are applied once; a wrong key stops the run before any input is read; a STATE is printed only
 * after everything before it is committed; bad input names stream, line and field and commits
 * nothing of its batch.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { keyPair, startEmulator } from './support.js';
import {
  emulatorConfig,
  load,
  recordMessage,
  rows,
  runTarget,
  schemaMessage,
  stateMessage,
  uniqueSchema,
} from './target-support.js';

let emulator: SnowflakeEmulator;
/** Statement texts in the order the emulator started them. */
let statements: string[] = [];
/** Called as each statement starts, to inject faults at a chosen point of a run. */
let onStatement: ((statement: string) => void) | undefined;
beforeAll(async () => {
  emulator = await startEmulator({
    syncWindowMs: 10_000,
    statementDelayMs: (statement) => {
      statements.push(statement);
      onStatement?.(statement);
      return 0;
    },
  });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  statements = [];
  onStatement = undefined;
  emulator.faults.clear();
});

const ITEMS = { id: { type: 'integer' }, name: { type: 'string' }, n: { type: 'integer' } };
const items = (from: number, to: number, name = 'x') =>
  Array.from({ length: to - from + 1 }, (_, i) =>
    recordMessage('items', { id: from + i, name, n: from + i }),
  );

describe('target-snowflake: batches larger than one statement', () => {
  test('are staged chunk by chunk, then applied in one statement or one BEGIN…COMMIT request; duplicates across chunks resolved', async () => {
    const schema = uniqueSchema();
    const input = [schemaMessage('items', ITEMS), ...items(1, 400, 'first'), ...items(1, 200, 'last')];
    await load(emulatorConfig(emulator, schema, { add_record_metadata: false }), input, {
      maxRequestBytes: 8_000,
    });
    const table = await rows(
      emulator,
      `SELECT COUNT(*), COUNT(DISTINCT "ID"), MIN("NAME"), MAX("NAME") FROM "${schema}"."ITEMS"`,
    );
    expect(Object.values(table[0] as object)).toEqual(['400', '400', 'first', 'last']);
    const last = await rows(emulator, `SELECT "NAME" FROM "${schema}"."ITEMS" WHERE "ID" = 200`);
    expect(last).toEqual([{ NAME: 'last' }]);
    const stageInserts = statements.filter((sql) => /^INSERT INTO "[^"]+"\."_SINGER_STAGE_ITEMS_/.test(sql));
    expect(stageInserts.length).toBeGreaterThanOrEqual(2);
    // The merge from the stage is one statement after the stage is filled: atomic on its own.
    const merge = statements.findIndex((sql) => sql.startsWith(`MERGE INTO "${schema}"."ITEMS"`));
    expect(statements[merge]).toMatch(/ USING "[^"]+"\."_SINGER_STAGE_ITEMS_[0-9A-F]+" AS s ON /);
    expect(statements.lastIndexOf(stageInserts.at(-1) as string)).toBeLessThan(merge);
    expect(statements.some((sql) => sql.startsWith('BEGIN'))).toBe(false);
    // The run's stage is gone at the end.
    const stages = await rows(
      emulator,
      `SELECT table_name FROM RAW.INFORMATION_SCHEMA.TABLES WHERE table_schema = '${schema}'`,
    );
    expect(stages).toEqual([{ table_name: 'ITEMS' }]);

    // Overwrite through the stage: emptying the table and inserting the batch is one transaction.
    statements = [];
    await load(
      emulatorConfig(emulator, schema, { add_record_metadata: false, load_method: 'overwrite' }),
      [schemaMessage('items', ITEMS), ...items(1000, 1300)],
      { maxRequestBytes: 8_000 },
    );
    const transactions = statements.filter((sql) => sql.startsWith('BEGIN'));
    expect(transactions).toHaveLength(1);
    expect(transactions[0]?.split(';\n')).toEqual([
      'BEGIN',
      `DELETE FROM "${schema}"."ITEMS"`,
      expect.stringMatching(
        /^MERGE INTO "[^"]+"\."ITEMS" AS t USING "[^"]+"\."_SINGER_STAGE_ITEMS_[0-9A-F]+" AS s /,
      ),
      'COMMIT',
    ]);
    expect(await rows(emulator, `SELECT COUNT(*), MIN("ID") FROM "${schema}"."ITEMS"`)).toEqual([
      { 'COUNT(*)': '301', 'MIN("ID")': '1000' },
    ]);
  });
});

describe('target-snowflake: retried requests', () => {
  test('every statement whose answer was lost is resubmitted with retry=true and applied once', async () => {
    const schema = uniqueSchema();
    emulator.injectFault({ on: 'submit', dropAfterExecute: true, times: 1_000 });
    await load(emulatorConfig(emulator, schema, { load_method: 'append-only', add_record_metadata: false }), [
      schemaMessage('items', ITEMS),
      ...items(1, 50),
    ]);
    emulator.faults.clear();
    expect(await rows(emulator, `SELECT COUNT(*) FROM "${schema}"."ITEMS"`)).toEqual([{ 'COUNT(*)': '50' }]);
    const retried = emulator.requests.filter((request) => request.retry && request.requestId !== undefined);
    expect(retried.length).toBeGreaterThan(3);
    // A statement that failed (DESCRIBE of a table not created yet) counts 0; none counts twice.
    for (const request of retried)
      expect(emulator.appliedCount(request.requestId as string)).toBeLessThanOrEqual(1);
    expect(emulator.statements.appliedMoreThanOnce()).toEqual([]);
  });

  test('429 bursts and 503s in the middle of a batch are retried without loading a row twice', async () => {
    const schema = uniqueSchema();
    let batches = 0;
    onStatement = (statement) => {
      // After the second batch's insert, the next requests meet a 429 burst, then a 503.
      if (!statement.startsWith('INSERT INTO')) return;
      batches += 1;
      if (batches !== 2) return;
      emulator.injectFault({ on: 'submit', status: 429, times: 2, retryAfterSeconds: 0 });
      emulator.injectFault({ on: 'submit', status: 503, times: 1 });
    };
    const config = { load_method: 'append-only', add_record_metadata: false, batch_size_rows: 5 };
    await load(emulatorConfig(emulator, schema, config), [schemaMessage('items', ITEMS), ...items(1, 20)]);
    expect(await rows(emulator, `SELECT COUNT(*), COUNT(DISTINCT "ID") FROM "${schema}"."ITEMS"`)).toEqual([
      { 'COUNT(*)': '20', 'COUNT(DISTINCT "ID")': '20' },
    ]);
    expect(batches).toBeGreaterThan(2);
    expect(emulator.requests.filter((request) => request.status === 429)).toHaveLength(2);
  });
});

describe('target-snowflake: start-up', () => {
  test('a key Snowflake does not know fails before any input is read, in one line naming the fingerprint', async () => {
    const schema = uniqueSchema();
    const before = emulator.requests.length;
    const run = await runTarget(emulatorConfig(emulator, schema, { private_key: keyPair(1).privatePem }), [
      schemaMessage('items', ITEMS),
      ...items(1, 3),
    ]);
    const error = run.error as { code: string; message: string };
    expect(error.code).toBe('SINGER_SNOWFLAKE_AUTH');
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/refused key-pair JWT for MYORG-ANALYTICS\.LOADER \(public key SHA256:/);
    const submitted = emulator.requests.slice(before).filter((request) => request.method === 'POST');
    expect(submitted.every((request) => request.status === 401)).toBe(true);
    expect(statements).toEqual([]);
  });
});

describe('target-snowflake: the STATE guarantee and bad input', () => {
  test('a failing batch stops the run: the STATEs before it are printed, none after, nothing of it committed', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(
      emulatorConfig(emulator, schema, {
        add_record_metadata: false,
        batch_size_rows: 2,
        validate_records: false,
      }),
      [
        schemaMessage('items', { id: { type: 'integer' }, day: { type: 'string', format: 'date' } }),
        recordMessage('items', { id: 1, day: '2024-01-01' }),
        recordMessage('items', { id: 2, day: '2024-01-02' }),
        stateMessage({ at: 2 }),
        recordMessage('items', { id: 3, day: '2024-01-03' }),
        recordMessage('items', { id: 4, day: 'not a day' }),
        stateMessage({ at: 4 }),
        recordMessage('items', { id: 5, day: '2024-01-05' }),
        stateMessage({ at: 5 }),
      ],
    );
    expect(run.error).toBeDefined();
    const error = run.error as { message: string; context: Record<string, unknown> };
    expect(error.context).toMatchObject({ stream: 'items', batch: 2 });
    expect(error.message).toMatch(/loading 2 rows into .*items failed: Snowflake error \d+/);
    expect(run.states).toEqual([{ at: 2 }]);
    expect(await rows(emulator, `SELECT "ID" FROM "${schema}"."ITEMS" ORDER BY "ID"`)).toEqual([
      { ID: '1' },
      { ID: '2' },
    ]);
  });

  test('a record violating its schema names stream, line and field; its batch is not committed', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(emulatorConfig(emulator, schema, { add_record_metadata: false }), [
      schemaMessage('items', ITEMS),
      recordMessage('items', { id: 1, name: 'a', n: 1 }),
      stateMessage({ at: 1 }),
      recordMessage('items', { id: 2, name: 'b', n: 'two' }),
    ]);
    const error = run.error as { code: string; context: Record<string, unknown> };
    expect(error.code).toBe('SINGER_RECORD_INVALID');
    expect(error.context).toMatchObject({ stream: 'items', line: 4 });
    expect(JSON.stringify(error.context)).toContain('n');
    expect(run.states).toEqual([]);
    expect(await rows(emulator, `SELECT COUNT(*) FROM "${schema}"."ITEMS"`)).toEqual([{ 'COUNT(*)': '0' }]);
  });

  test('a date-time Snowflake cannot store is refused naming stream, line and field', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(emulatorConfig(emulator, schema, { validate_records: false }), [
      schemaMessage('items', { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } }),
      recordMessage('items', { id: 1, at: '2024-01-01T00:00:00Z' }),
      recordMessage('items', { id: 2, at: '10000-01-01T00:00:00Z' }),
    ]);
    const error = run.error as { code: string; message: string; context: Record<string, unknown> };
    expect(error.code).toBe('SINGER_RECORD_INVALID');
    expect(error.context).toEqual({ stream: 'items', line: 3, field: 'at' });
    expect(error.message).toContain('"10000-01-01T00:00:00Z"');
    expect(await rows(emulator, `SELECT COUNT(*) FROM "${schema}"."ITEMS"`)).toEqual([{ 'COUNT(*)': '0' }]);
  });

  test('a record before its schema is refused naming the stream and line', async () => {
    const run = await runTarget(emulatorConfig(emulator, uniqueSchema()), [
      recordMessage('items', { id: 1 }),
    ]);
    expect(run.error).toMatchObject({
      code: 'SINGER_RECORD_BEFORE_SCHEMA',
      context: { stream: 'items', line: 1 },
    });
  });
});

describe('target-snowflake: property names that share a column', () => {
  const USERS = { id: { type: 'integer' }, ID: { type: 'string' }, name: { type: 'string' } };

  test('id and ID stop the run before anything is created, in one line naming both', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(emulatorConfig(emulator, schema), [
      schemaMessage('users', USERS),
      recordMessage('users', { id: 1, ID: 'u-1', name: 'Ada' }),
      stateMessage({ at: 1 }),
    ]);
    const error = run.error as { code: string; message: string; context: Record<string, unknown> };
    expect(error.code).toBe('SINGER_SNOWFLAKE_NAME_COLLISION');
    expect(error.message).toBe(
      `properties 'id' and 'ID' of stream 'users' would both be stored as column "ID"; rename one with a stream map (stream_maps)`,
    );
    expect(error.context).toMatchObject({ stream: 'users', field: 'ID' });
    expect(run.states).toEqual([]);
    expect(statements.some((sql) => sql.includes(schema))).toBe(false);
  });

  test('a later SCHEMA that makes two properties collide stops there; what came before stays committed', async () => {
    const schema = uniqueSchema();
    const run = await runTarget(emulatorConfig(emulator, schema, { add_record_metadata: false }), [
      schemaMessage('users', { id: { type: 'integer' }, firstName: { type: 'string' } }),
      recordMessage('users', { id: 1, firstName: 'Ada' }),
      stateMessage({ at: 2 }),
      schemaMessage('users', {
        id: { type: 'integer' },
        firstName: { type: 'string' },
        first_name: { type: 'string' },
      }),
      recordMessage('users', { id: 2, firstName: 'Grace', first_name: 'Grace' }),
      stateMessage({ at: 5 }),
    ]);
    expect((run.error as Error).message).toContain(`properties 'firstName' and 'first_name'`);
    expect(run.states).toEqual([{ at: 2 }]);
    expect(await rows(emulator, `SELECT "ID", "FIRST_NAME" FROM "${schema}"."USERS"`)).toEqual([
      { ID: '1', FIRST_NAME: 'Ada' },
    ]);
  });

  test('the stream map the error suggests resolves it', async () => {
    const schema = uniqueSchema();
    await load(
      emulatorConfig(emulator, schema, {
        add_record_metadata: false,
        stream_maps: { users: { user_code: 'ID', ID: null } },
      }),
      [schemaMessage('users', USERS), recordMessage('users', { id: 1, ID: 'u-1', name: 'Ada' })],
    );
    expect(await rows(emulator, `SELECT "ID", "USER_CODE", "NAME" FROM "${schema}"."USERS"`)).toEqual([
      { ID: '1', USER_CODE: 'u-1', NAME: 'Ada' },
    ]);
  });
});

describe('target-snowflake: widening a column is atomic', () => {
  const CODES = (type: string) => ({ id: { type: 'integer' }, code: { type } });
  const describeTable = async (schema: string) =>
    Object.fromEntries(
      (await emulator.sql(`DESCRIBE TABLE "${schema}"."ITEMS"`, 'RAW')).map((row) => [
        row[0],
        row[5] === 'Y' ? `${row[1]} key` : row[1],
      ]),
    );
  const codes = (schema: string) =>
    rows(emulator, `SELECT "ID", "CODE" FROM "${schema}"."ITEMS" ORDER BY "ID"`);

  test.each([
    ['the clone', /^CREATE OR REPLACE TABLE .* CLONE /, 'before'],
    ['the new column', /^ALTER TABLE .* ADD COLUMN "CODE__SINGER_WIDENED"/, 'before'],
    ['the copy of the values', /^UPDATE .*"CODE__SINGER_WIDENED" =/, 'before'],
    ['the drop of the old column', /^ALTER TABLE .* DROP COLUMN "CODE"/, 'before'],
    ['the rename', /^ALTER TABLE .* RENAME COLUMN/, 'before'],
    ['the swap', /^ALTER TABLE .* SWAP WITH /, 'before'],
    ['the drop of the old table', /^DROP TABLE IF EXISTS .*_SINGER_WIDEN_/, 'after'],
  ])('a failure at %s leaves the table usable and its data whole', async (_step, statement, when) => {
    const schema = uniqueSchema();
    const config = emulatorConfig(emulator, schema, { add_record_metadata: false });
    await load(config, [
      schemaMessage('items', CODES('integer')),
      recordMessage('items', { id: 1, code: 10 }),
      recordMessage('items', { id: 2, code: 20 }),
    ]);
    emulator.faults.failStatement({ statement, message: 'warehouse suspended (injected)' });
    const widened = [schemaMessage('items', CODES('string')), recordMessage('items', { id: 3, code: 'c-3' })];
    const failed = await runTarget(config, widened);
    expect((failed.error as Error).message).toContain('warehouse suspended (injected)');
    expect(await describeTable(schema)).toEqual({
      ID: 'NUMBER(38,0) key',
      CODE: when === 'before' ? 'NUMBER(38,0)' : 'VARCHAR(16777216)',
    });
    expect(await codes(schema)).toEqual([
      { ID: '1', CODE: '10' },
      { ID: '2', CODE: '20' },
    ]);
    // No clone is left behind once the run has ended.
    const tables = await rows(
      emulator,
      `SELECT table_name FROM RAW.INFORMATION_SCHEMA.TABLES WHERE table_schema = '${schema}'`,
    );
    expect(tables).toEqual([{ table_name: 'ITEMS' }]);
    // The table takes loads as it is, and the widening succeeds when the run is repeated.
    if (when === 'before')
      await load(config, [
        schemaMessage('items', CODES('integer')),
        recordMessage('items', { id: 4, code: 40 }),
      ]);
    await load(config, widened);
    expect((await describeTable(schema)).CODE).toBe('VARCHAR(16777216)');
    expect(await codes(schema)).toEqual([
      { ID: '1', CODE: '10' },
      { ID: '2', CODE: '20' },
      { ID: '3', CODE: 'c-3' },
      ...(when === 'before' ? [{ ID: '4', CODE: '40' }] : []),
    ]);
  });
});
