import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TargetPostgres } from '../src/target.js';
import {
  load,
  query,
  recordMessage,
  runTarget,
  schemaMessage,
  stateMessage,
  uniqueSchema,
} from './helpers.js';

let db: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'target-postgres-batch-'));
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.stop();
});

/** A gzip jsonl batch file as a Meltano SDK tap writes it: one raw record per line. */
function gzipBatchFile(name: string, records: Record<string, unknown>[]): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(`${records.map((record) => JSON.stringify(record)).join('\n')}\n`));
  return pathToFileURL(path).href;
}

const batchMessage = (stream: string, manifest: string[]) =>
  JSON.stringify({ type: 'BATCH', stream, encoding: { format: 'jsonl', compression: 'gzip' }, manifest });

describe('BATCH messages', () => {
  test('loads a stream from gzip batch files beside RECORD lines of another stream, then emits STATE', async () => {
    const schema = uniqueSchema('batch');
    const first = gzipBatchFile('users-1.json.gz', [
      { id: 1, name: 'ada', balance: 100 },
      { id: 2, name: 'grace', balance: 2.5 },
    ]);
    // Written by hand so the number reaches the target with every digit.
    const second = join(dir, 'users-2.json.gz');
    writeFileSync(
      second,
      gzipSync(
        '{"id":3,"name":"edsger","balance":0.12345678901234567890123}\n{"id":1,"name":"ada lovelace","balance":1}\n',
      ),
    );
    const run = await load({ url: db.url, default_target_schema: schema, batch_size_rows: 2 }, [
      schemaMessage('users', {
        id: { type: 'integer' },
        name: { type: 'string' },
        balance: { type: 'number' },
      }),
      schemaMessage('orders', { id: { type: 'integer' }, total: { type: 'number' } }),
      recordMessage('orders', { id: 10, total: 9.99 }),
      batchMessage('users', [first, pathToFileURL(second).href]),
      recordMessage('orders', { id: 11, total: 20 }),
      stateMessage({ bookmarks: { users: 3, orders: 11 } }),
    ]);
    expect(run.states).toEqual([{ bookmarks: { users: 3, orders: 11 } }]);
    expect(run.summary?.records).toBe(6);
    expect(
      await query(db.url, `SELECT id, name, balance::text AS balance FROM ${schema}.users ORDER BY id`),
    ).toEqual([
      { id: '1', name: 'ada lovelace', balance: '1' },
      { id: '2', name: 'grace', balance: '2.5' },
      { id: '3', name: 'edsger', balance: '0.12345678901234567890123' },
    ]);
    expect(await query(db.url, `SELECT id, total::text AS total FROM ${schema}.orders ORDER BY id`)).toEqual([
      { id: '10', total: '9.99' },
      { id: '11', total: '20' },
    ]);
  });

  test('a missing batch file fails the run and the STATE after it is not emitted', async () => {
    const schema = uniqueSchema('batch');
    const run = await runTarget({ url: db.url, default_target_schema: schema }, [
      schemaMessage('users', { id: { type: 'integer' } }),
      batchMessage('users', [pathToFileURL(join(dir, 'gone.json.gz')).href]),
      stateMessage({ n: 1 }),
    ]);
    expect((run.error as { code?: string }).code).toBe('SINGER_BATCH_FILE');
    expect(run.states).toEqual([]);
  });

  test("declares the 'batch' capability", () => {
    expect(TargetPostgres.info.capabilities).toContain('batch');
  });
});
