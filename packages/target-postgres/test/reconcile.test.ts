import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReconcileReport, runReconcile } from '@singer-ts/sdk';
import { runConnectorProcess } from '@singer-ts/sdk/testing';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { load, query, uniqueSchema } from './helpers.js';

const TAP_DIR = fileURLToPath(new URL('../../../examples/tap-postgres/', import.meta.url));
const TARGET_DIR = fileURLToPath(new URL('../', import.meta.url));
const TAP_BIN = join(TAP_DIR, 'bin', 'tap-postgres.js');

let db: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'singer-ts-reconcile-'));
const source = uniqueSchema('src');
const warehouse = uniqueSchema('dw');
const files = {
  tap: join(dir, 'tap.json'),
  target: join(dir, 'target.json'),
  state: join(dir, 'state.json'),
};

beforeAll(async () => {
  db = await startTestDatabase();
  await query(
    db.url,
    `CREATE SCHEMA ${source};
     CREATE TABLE ${source}.orders (id int PRIMARY KEY, updated_at timestamptz NOT NULL, total int);
     INSERT INTO ${source}.orders SELECT n, timestamptz '2024-06-01' + n * interval '1 minute', n FROM generate_series(1, 500) n;
     CREATE TABLE ${source}.events (id int, kind text);
     INSERT INTO ${source}.events SELECT n, 'click' FROM generate_series(1, 40) n;`,
  );
  const url = new URL(db.url);
  writeFileSync(
    files.tap,
    JSON.stringify({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      filter_schemas: [source],
      replication_keys: { [`${source}-orders`]: 'updated_at' },
    }),
  );
  writeFileSync(files.target, JSON.stringify({ url: db.url, default_target_schema: warehouse }));
  // The pipeline: tap-postgres | target-postgres, keeping the last STATE as a scheduler would.
  const tap = await runConnectorProcess(TAP_BIN, { args: ['--config', files.tap] });
  expect(tap.exitCode).toBe(0);
  const run = await load({ url: db.url, default_target_schema: warehouse }, tap.stdout);
  writeFileSync(files.state, JSON.stringify(run.states.at(-1)));
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.stop();
});

/** Runs singer-reconcile in-process; returns its exit code, stdout and stderr lines. */
async function runWith(argv: string[]): Promise<{ code: number; out: string; stderr: string[] }> {
  let out = '';
  const stderr: string[] = [];
  const code = await runReconcile({
    argv,
    stdout: (text) => {
      out += text;
    },
    stderr: (line) => stderr.push(line),
    env: {},
  });
  return { code, out, stderr };
}

const PIPELINE = () => [
  '--tap',
  TAP_DIR,
  '--tap-config',
  files.tap,
  '--target',
  TARGET_DIR,
  '--target-config',
  files.target,
];

async function reconcile(
  ...extra: string[]
): Promise<{ code: number; report: ReconcileReport; stderr: string[] }> {
  const { code, out, stderr } = await runWith([
    ...PIPELINE(),
    '--state',
    files.state,
    '--format',
    'json',
    ...extra,
  ]);
  return { code, report: out === '' ? ({} as ReconcileReport) : JSON.parse(out), stderr };
}

const row = (report: ReconcileReport, stream: string) => report.streams.find((r) => r.stream === stream);

describe('singer-reconcile', () => {
  test('reports no difference right after the pipeline ran, and the exact difference after deletes at either end', async () => {
    const clean = await reconcile();
    expect(clean.stderr).toEqual([]);
    expect(clean.code).toBe(0);
    expect(row(clean.report, `${source}-orders`)).toMatchObject({
      status: 'match',
      source_rows: 500,
      warehouse_rows: 500,
      soft_deleted: 0,
      difference: 0,
    });
    expect(row(clean.report, `${source}-events`)).toMatchObject({
      status: 'match',
      source_rows: 40,
      warehouse_rows: 40,
    });

    // Rows written at the source after the run are outside the window (past the bookmark): still a match.
    await query(db.url, `INSERT INTO ${source}.orders VALUES (501, now(), 501)`);
    expect((await reconcile()).code).toBe(0);

    // Three rows deleted at the source: the warehouse holds three more.
    await query(db.url, `DELETE FROM ${source}.orders WHERE id IN (1, 2, 3)`);
    const sourceDeleted = await reconcile();
    expect(sourceDeleted.code).toBe(1);
    expect(row(sourceDeleted.report, `${source}-orders`)).toMatchObject({
      status: 'differs',
      source_rows: 497,
      warehouse_rows: 500,
      difference: -3,
    });
    expect(sourceDeleted.report.differing).toBe(1);

    // Within a tolerance of 3 rows, no alert.
    expect((await reconcile('--tolerance', '3')).code).toBe(0);

    // Five rows gone from the warehouse and two marked deleted there.
    const table = row(clean.report, `${source}-orders`)!.table!;
    await query(db.url, `DELETE FROM ${table} WHERE id BETWEEN 10 AND 14`);
    await query(db.url, `UPDATE ${table} SET _sdc_deleted_at = now() WHERE id IN (20, 21)`);
    const both = await reconcile();
    expect(row(both.report, `${source}-orders`)).toMatchObject({
      source_rows: 497,
      warehouse_rows: 493,
      soft_deleted: 2,
      difference: 4,
    });
  }, 120_000);

  test('prints a table, and exits 2 naming the problem when the usage is wrong', async () => {
    const { code, out } = await runWith(PIPELINE());
    expect([0, 1]).toContain(code);
    expect(out.split('\n')[0]).toMatch(
      /^stream\s+source rows\s+warehouse rows\s+soft-deleted\s+difference\s+status$/,
    );
    expect(out).toContain(`${source}-events`);

    const bad = await runWith(['--tap', TAP_DIR]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.join('\n')).toContain('--tap and --target are required');
  }, 60_000);
});
