// The original design's CSV loader rule, end to end: `sales.orders.csv` is stream `sales-orders`, which
// target-postgres (the Meltano SDK naming rule: table = last `-` part, schema = the part before it)
// loads into table `orders` of schema `sales`. Under Meltano, `MELTANO_EXTRACT__LOAD_SCHEMA` (the
// extractor's load_schema) wins over the file's schema part, as it does for every Meltano SDK target.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReconcileReport, runReconcile } from '@singer-ts/sdk';
import { runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TapCsv } from '../src/index.js';

const TAP_DIR = fileURLToPath(new URL('../', import.meta.url));
const TARGET_DIR = fileURLToPath(new URL('../../../packages/target-postgres/', import.meta.url));
const TARGET_BIN = join(TARGET_DIR, 'bin', 'target-postgres.js');

const ORDERS = [
  'id,customer,total,ordered_at',
  ...Array.from(
    { length: 40 },
    (_, i) =>
      `${i + 1},customer ${i % 7},${(i * 12.5).toFixed(2)},2024-03-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
  ),
].join('\n');
const PEOPLE = 'id,name\n1,Ada\n2,Grace\n';

let db: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'tap-csv-naming-'));
const config = { path: dir, keys: { 'sales-orders': ['id'], 'crm-people': ['id'] } };

beforeAll(async () => {
  // The spawned target inherits this process's environment: no Meltano load schema unless a test sets one.
  delete process.env.MELTANO_EXTRACT__LOAD_SCHEMA;
  writeFileSync(join(dir, 'sales.orders.csv'), `${ORDERS}\n`);
  writeFileSync(join(dir, 'crm.people.csv'), PEOPLE);
  db = await startTestDatabase();
}, 180_000);

afterAll(async () => {
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function load(target: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const tap = await runConnector(TapCsv, { config });
  expect(tap.exitCode).toBe(0);
  const run = await runConnectorProcess(TARGET_BIN, {
    config: { url: db.url, ...target },
    input: tap.stdout,
    env,
    timeoutMs: 120_000,
  });
  expect(run.exitCode, run.stderr).toBe(0);
  return { tap, run };
}

describe('sales.orders.csv in PostgreSQL', () => {
  it('lands in table orders of schema sales, every row and value as in the file', async () => {
    const { tap, run } = await load({});
    expect(tap.records('sales-orders')).toHaveLength(40);
    const loaded = await rows(
      'SELECT id::int AS id, customer, total::text AS total, ordered_at FROM sales.orders ORDER BY id',
    );
    expect(loaded).toHaveLength(40);
    expect(loaded[0]).toEqual({
      id: 1,
      customer: 'customer 0',
      total: '0.00',
      ordered_at: new Date('2024-03-01T10:00:00Z'),
    });
    expect(loaded[39]).toMatchObject({ id: 40, customer: 'customer 4', total: '487.50' });
    expect(await rows('SELECT id::int AS id, name FROM crm.people ORDER BY id')).toEqual([
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Grace' },
    ]);
    // Nothing under the whole stream name, nor in public.
    const tables = await rows(
      "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    );
    expect(tables.map((r) => r.t)).toEqual(['crm.people', 'sales.orders']);
    expect(run.lastState()).toMatchObject({
      bookmarks: { 'sales-orders': { file_hash: expect.any(String) } },
    });
  }, 180_000);

  it('reconciles sales-orders against sales.orders: a match, then the exact difference after rows go', async () => {
    await load({});
    const configFile = join(dir, 'tap.json');
    const targetFile = join(dir, 'target.json');
    writeFileSync(configFile, JSON.stringify(config));
    writeFileSync(targetFile, JSON.stringify({ url: db.url }));
    const reconcile = async () => {
      let out = '';
      const code = await runReconcile({
        argv: [
          '--tap',
          TAP_DIR,
          '--tap-config',
          configFile,
          '--target',
          TARGET_DIR,
          '--target-config',
          targetFile,
        ],
        stdout: (text) => {
          out += text;
        },
        stderr: () => undefined,
        env: {},
      });
      const json = await runReconcile({
        argv: [
          ...['--tap', TAP_DIR, '--tap-config', configFile],
          ...['--target', TARGET_DIR, '--target-config', targetFile, '--format', 'json'],
        ],
        stdout: (text) => {
          out += `\n${text}`;
        },
        stderr: () => undefined,
        env: {},
      });
      expect(json).toBe(code);
      const report = JSON.parse(out.slice(out.indexOf('\n{'))) as ReconcileReport;
      return { code, table: out.slice(0, out.indexOf('\n{')), report };
    };
    const clean = await reconcile();
    expect(clean.code).toBe(0);
    expect(clean.report.streams.find((r) => r.stream === 'sales-orders')).toMatchObject({
      status: 'match',
      table: 'sales.orders',
      source_rows: 40,
      warehouse_rows: 40,
    });
    expect(clean.table).toMatch(/^sales-orders\s+40\s+40\s+0\s+0\s+match$/m);
    await rows('DELETE FROM sales.orders WHERE id <= 2');
    const after = await reconcile();
    expect(after.code).toBe(1);
    expect(after.report.streams.find((r) => r.stream === 'sales-orders')).toMatchObject({
      status: 'differs',
      difference: 2,
    });
  }, 120_000);

  it("goes to the extractor's load_schema under Meltano, to default_target_schema when set, and where schema_mapping says", async () => {
    await load({}, { MELTANO_EXTRACT__LOAD_SCHEMA: 'tap_csv_ts' });
    expect(await rows('SELECT count(*)::int AS n FROM tap_csv_ts.orders')).toEqual([{ n: 40 }]);
    await load({ default_target_schema: 'landing' }, { MELTANO_EXTRACT__LOAD_SCHEMA: 'tap_csv_ts' });
    expect(await rows('SELECT count(*)::int AS n FROM landing.orders')).toEqual([{ n: 40 }]);
    // PipelineWise's schema_mapping keeps the file's schema whatever the others say.
    await load(
      { default_target_schema: 'landing', schema_mapping: { sales: { target_schema: 'sales_mapped' } } },
      { MELTANO_EXTRACT__LOAD_SCHEMA: 'tap_csv_ts' },
    );
    expect(await rows('SELECT count(*)::int AS n FROM sales_mapped.orders')).toEqual([{ n: 40 }]);
  }, 180_000);
});
