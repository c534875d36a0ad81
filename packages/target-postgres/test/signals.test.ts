/**
 * SIGTERM/SIGINT to the built target while its input is still open: it stops reading, commits the
 * open batch, prints only the STATE whose records are committed, and exits non-zero (it did not finish).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { query, recordMessage, schemaMessage, stateMessage, uniqueSchema } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/target-postgres.js', import.meta.url));

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
    throw new Error('target-postgres is not built: run `pnpm build` before this test');
  }
  db = await startTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'target-postgres-signals-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.stop();
});

/** Resolves once `condition` holds, checking every 50 ms; fails after `timeoutMs` (room for a loaded machine). */
async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)(
  'on %s commits what it read, prints only committed STATE and exits %i',
  async (signal, code) => {
    const schema = uniqueSchema('signals');
    const configFile = join(dir, `${schema}.json`);
    // Batches that never fill or age: only the shutdown can commit these rows.
    writeFileSync(
      configFile,
      JSON.stringify({
        url: db.url,
        default_target_schema: schema,
        batch_size_rows: 1_000_000,
        batch_max_age_ms: 3_600_000,
      }),
    );
    const child = spawn(process.execPath, [BIN, '--config', configFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    const lines = [schemaMessage('tickets', { id: { type: 'integer' }, body: { type: 'string' } })];
    for (let id = 1; id <= 1_000; id += 1) lines.push(recordMessage('tickets', { id, body: `ticket ${id}` }));
    lines.push(stateMessage({ bookmark: 1_000 }));
    for (let id = 1_001; id <= 1_010; id += 1)
      lines.push(recordMessage('tickets', { id, body: `ticket ${id}` }));
    // A second stream's SCHEMA creates its table: once it exists, every line before it has been read.
    lines.push(schemaMessage('marker', { id: { type: 'integer' } }));
    child.stdin.write(`${lines.join('\n')}\n`);
    await until(async () => {
      const found = await query(
        db.url,
        `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'marker'`,
        [schema],
      );
      return found.length > 0;
    });
    expect(stdout).toBe(''); // nothing committed yet, so no STATE yet
    child.kill(signal);
    const exit = await closed;
    expect(exit, stderr).toBe(code);
    expect(stderr).toMatch(new RegExp(`SINGER_INTERRUPTED: stopped by ${signal} before the run finished`));
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ type: 'STATE', value: { bookmark: 1_000 } }]);
    const rows = await query<{ id: string; body: string }>(
      db.url,
      `SELECT id, body FROM ${schema}.tickets ORDER BY id`,
    );
    expect(rows.map((row) => [Number(row.id), row.body])).toEqual(
      Array.from({ length: 1_010 }, (_, index) => [index + 1, `ticket ${index + 1}`]),
    );
  },
  120_000,
);
