/**
 * Exactly-once resume: the built target is killed with SIGKILL at random points while loading, the
 * "tap" restarts from the last STATE the target printed, and the final table must equal a clean load.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { query, uniqueSchema } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/target-postgres.js', import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
    throw new Error('target-postgres is not built: run `pnpm build` before this test');
  }
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const TOTAL = 30_000;
const KEYS = 12_000;
const SCHEMA_LINE = JSON.stringify({
  type: 'SCHEMA',
  stream: 'tickets',
  key_properties: ['id'],
  schema: {
    type: 'object',
    properties: { id: { type: 'integer' }, seq: { type: 'integer' }, body: { type: 'string' } },
  },
});

/** The tap's output from bookmark `from`: record i updates ticket i % KEYS; a STATE every 250 records. */
function tapOutput(from: number): string {
  const lines = [SCHEMA_LINE];
  for (let i = from + 1; i <= TOTAL; i += 1) {
    lines.push(
      JSON.stringify({
        type: 'RECORD',
        stream: 'tickets',
        record: { id: i % KEYS, seq: i, body: `ticket ${i}` },
      }),
    );
    if (i % 250 === 0) lines.push(JSON.stringify({ type: 'STATE', value: { bookmark: i } }));
  }
  return `${lines.join('\n')}\n`;
}

function runTarget(
  configFile: string,
  input: string,
  killAfterMs?: number,
): Promise<{ states: number[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--config', configFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (killAfterMs === undefined && code !== 0) reject(new Error(`target failed (${code}): ${err}`));
      const states = out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => (JSON.parse(line) as { value: { bookmark: number } }).value.bookmark);
      resolve({ states, code });
    });
  });
}

test('resumes from the last STATE after SIGKILL at random points and ends equal to a clean load', async () => {
  const schema = uniqueSchema('crash');
  const dir = mkdtempSync(join(tmpdir(), 'target-postgres-crash-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ url: db.url, default_target_schema: schema, batch_size_rows: 700 }),
  );

  let bookmark = 0;
  let kills = 0;
  for (const delay of [150 + Math.random() * 200, 300 + Math.random() * 300, 500 + Math.random() * 400]) {
    const run = await runTarget(configFile, tapOutput(bookmark), delay);
    if (run.code === null) kills += 1;
    const last = run.states.at(-1);
    if (last !== undefined) {
      expect(last).toBeGreaterThanOrEqual(bookmark);
      // Every row of an emitted STATE is committed: nothing at or before the bookmark is missing.
      const [row] = await query(db.url, `SELECT coalesce(max(seq), 0)::int AS seq FROM ${schema}.tickets`);
      expect(row?.seq as number).toBeGreaterThanOrEqual(last);
      bookmark = last;
    }
  }
  const final = await runTarget(configFile, tapOutput(bookmark));
  expect(final.states.at(-1)).toBe(TOTAL);
  expect(kills).toBeGreaterThan(0);

  const rows = await query<{ id: string; seq: string; body: string }>(
    db.url,
    `SELECT id, seq, body FROM ${schema}.tickets ORDER BY id`,
  );
  expect(rows).toHaveLength(KEYS);
  for (const row of rows) {
    const id = Number(row.id);
    const expectedSeq = TOTAL - ((TOTAL - id) % KEYS);
    expect({ id, seq: Number(row.seq), body: row.body }).toEqual({
      id,
      seq: expectedSeq,
      body: `ticket ${expectedSeq}`,
    });
  }
}, 120_000);
