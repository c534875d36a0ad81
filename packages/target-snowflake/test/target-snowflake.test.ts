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
  runTarget,
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
});
