// singer-reconcile over the pipeline `pnpm demo` runs: tap-zendesk against its emulator, piped into
// target-postgres (the built bin) on a throwaway PostgreSQL, then counted at both ends. Zendesk's counts
// leave deleted records out, so the warehouse leaves out the rows loaded with their markers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReconcileReport, type ReconcileRow, runReconcile } from '@singer-ts/sdk';
import { runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';
import { configFor, discover, select, startEmulator } from './tap-helpers.js';

const TAP_DIR = fileURLToPath(new URL('../', import.meta.url));
const TARGET_DIR = fileURLToPath(new URL('../../target-postgres/', import.meta.url));
const TARGET_BIN = join(TARGET_DIR, 'bin', 'target-postgres.js');
const SEED = 23;

let db: TestDatabase;
let em: ZendeskEmulator;
const dir = mkdtempSync(join(tmpdir(), 'tap-zendesk-reconcile-'));
const files = {
  tap: join(dir, 'tap.json'),
  target: join(dir, 'target.json'),
  catalog: join(dir, 'catalog.json'),
  state: join(dir, 'state.json'),
};

async function sql(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await startTestDatabase();
  em = await startEmulator({ seed: SEED, tickets: 150 });
  // One user deleted before the load (past the export's freshness window): loaded with active false.
  em.control.deleteUser(em.tenant.userId(em.tenant.agentCount));
  em.control.advance(120);
  const catalog = select(await discover(em), ['tickets', 'users', 'organizations', 'groups']);
  writeFileSync(files.tap, JSON.stringify(configFor(em)));
  writeFileSync(files.catalog, JSON.stringify(catalog));
  writeFileSync(files.target, JSON.stringify({ url: db.url, default_target_schema: 'zendesk' }));
  const tap = await runConnector(TapZendesk, { config: configFor(em), catalog });
  expect(tap.exitCode).toBe(0);
  const target = await runConnectorProcess(TARGET_BIN, {
    args: ['--config', files.target],
    input: tap.stdout,
    timeoutMs: 120_000,
  });
  expect(target.exitCode, target.stderr).toBe(0);
  writeFileSync(files.state, JSON.stringify(target.lastState()));
}, 180_000);

afterAll(async () => {
  await em?.close();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function reconcile(tapConfig = files.tap): Promise<{ code: number; report: ReconcileReport }> {
  let out = '';
  const stderr: string[] = [];
  const code = await runReconcile({
    argv: [
      ...['--tap', TAP_DIR, '--tap-config', tapConfig, '--catalog', files.catalog, '--state', files.state],
      ...['--target', TARGET_DIR, '--target-config', files.target, '--format', 'json'],
    ],
    stdout: (text) => {
      out += text;
    },
    stderr: (line) => stderr.push(line),
    env: {},
  });
  expect(stderr).toEqual([]);
  return { code, report: JSON.parse(out) as ReconcileReport };
}

const row = (report: ReconcileReport, stream: string): ReconcileRow | undefined =>
  report.streams.find((r) => r.stream === stream);

describe('singer-reconcile after tap-zendesk | target-postgres', () => {
  test('matches right after the load, then shows the exact difference after deletes at the source and in the warehouse', async () => {
    const clean = await reconcile();
    expect(clean.code).toBe(0);
    const loaded = Number((await sql('SELECT count(*) FROM zendesk.tickets')).rows[0].count);
    const deletedAtSource = Number(
      (await sql("SELECT count(*) FROM zendesk.tickets WHERE status = 'deleted'")).rows[0].count,
    );
    expect(deletedAtSource).toBeGreaterThan(0);
    expect(row(clean.report, 'tickets')).toMatchObject({
      status: 'match',
      source_rows: loaded - deletedAtSource,
      warehouse_rows: loaded - deletedAtSource,
      uncounted: deletedAtSource,
      difference: 0,
      table: 'zendesk.tickets',
    });
    for (const stream of ['users', 'organizations'])
      expect(row(clean.report, stream)).toMatchObject({ status: 'match', difference: 0 });
    expect(row(clean.report, 'users')!.uncounted).toBeGreaterThan(0);
    expect(row(clean.report, 'groups')).toMatchObject({
      status: 'not comparable',
      warehouse_rows: 12,
      reason: 'source: Zendesk has no count endpoint for it',
    });

    // Two tickets deleted in Zendesk after the load: the warehouse holds two more.
    const [a, b, c, d, e] = (
      await sql("SELECT id FROM zendesk.tickets WHERE status <> 'deleted' ORDER BY id LIMIT 5")
    ).rows.map((r) => Number(r.id));
    em.control.deleteTicket(a!);
    em.control.deleteTicket(b!);
    const sourceDeleted = await reconcile();
    expect(sourceDeleted.code).toBe(1);
    expect(row(sourceDeleted.report, 'tickets')).toMatchObject({ status: 'differs', difference: -2 });
    expect(sourceDeleted.report.differing).toBe(1);

    // Three other tickets gone from the warehouse: one more than the source lost.
    await sql(`DELETE FROM zendesk.tickets WHERE id IN (${c}, ${d}, ${e})`);
    const both = await reconcile();
    expect(row(both.report, 'tickets')).toMatchObject({
      status: 'differs',
      source_rows: loaded - deletedAtSource - 2,
      warehouse_rows: loaded - deletedAtSource - 3,
      difference: 1,
    });
  }, 120_000);

  test("a large account's cached count being refreshed is approximate: shown with its reason, never an alert", async () => {
    // The same generated account, its counts cached above 50 as Zendesk caches them above 100,000.
    const large = await startEmulator({ seed: SEED, tickets: 150, countCacheAbove: 50 });
    large.control.deleteUser(large.tenant.userId(large.tenant.agentCount));
    try {
      const config = join(dir, 'large.json');
      writeFileSync(config, JSON.stringify(configFor(large)));
      const { code, report } = await reconcile(config);
      expect(code).toBe(0);
      const tickets = row(report, 'tickets')!;
      expect(tickets).toMatchObject({ status: 'approximate', approximate: true, source_rows: 50 });
      expect(tickets.difference).toBeLessThan(0);
      expect(tickets.reason).toContain('Zendesk is recounting');
      expect(report.differing).toBe(0);
      // Only tickets are past the threshold; the small users count is still counted on each request.
      expect(report.approximate).toBe(1);
      expect(row(report, 'users')).toMatchObject({ status: 'match', difference: 0 });
    } finally {
      await large.close();
    }
  }, 60_000);
});
