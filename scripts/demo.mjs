// `pnpm demo`: the no-credentials first run. Starts a throwaway PostgreSQL and runs pipelines into it
// exactly as a user would pipe them: `tap-zendesk | target-postgres` against the bundled Zendesk API
// emulator, and `tap-csv | target-postgres` over a `sales.orders.csv` (which lands in table `orders`
// of schema `sales`), then `tap-zuora | target-postgres` and `tap-marketo | target-postgres` against
// their emulators (schemas `zuora` and `mkto`). It prints the rows of every table loaded, then
// reconciles the Zendesk and CSV pipelines' source
// and warehouse row counts with `singer-reconcile`. Nothing to configure, nothing left afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestDatabase } from '../packages/sdk/dist/testing/postgres.js';
import { startZendeskEmulator } from '../packages/tap-zendesk/dist/emulator/index.js';

const TICKETS = Number(process.env.DEMO_TICKETS ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'singer-ts-demo-'));
// The demo's targets name schemas as a plain pipe does, not as a Meltano run would.
const { MELTANO_EXTRACT__LOAD_SCHEMA: _meltanoLoadSchema, ...childEnv } = process.env;

function writeJson(name, value) {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** `tap | target`, as a shell pipe runs it; resolves to whether both exited 0 and the last STATE. */
async function pipe(tapArgs, targetConfig) {
  const tap = spawn(process.execPath, tapArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  const target = spawn(
    process.execPath,
    ['packages/target-postgres/bin/target-postgres.js', '--config', targetConfig],
    { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv },
  );
  tap.stdout.pipe(target.stdin);
  let tapErrors = '';
  let targetErrors = '';
  let lastState = '';
  tap.stderr.on('data', (chunk) => {
    tapErrors += chunk;
  });
  target.stderr.on('data', (chunk) => {
    targetErrors += chunk;
  });
  target.stdout.on('data', (chunk) => {
    lastState = String(chunk).trim().split('\n').at(-1) ?? lastState;
  });
  const [tapCode, targetCode] = await Promise.all([
    new Promise((resolve) => tap.on('close', resolve)),
    new Promise((resolve) => target.on('close', resolve)),
  ]);
  if (tapCode === 0 && targetCode === 0) return { ok: true, lastState };
  console.error(`tap exited ${tapCode}, target exited ${targetCode}`);
  const tail = (text) =>
    text
      .split('\n')
      .filter((line) => !line.includes('METRIC'))
      .slice(-5)
      .join('\n');
  console.error(tail(tapErrors));
  console.error(tail(targetErrors));
  process.exitCode = 1;
  return { ok: false, lastState };
}

/** Rows per table of these schemas, as a console table keyed `schema.table`. */
async function printRowCounts(url, schemas) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query(
      'SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY($1) ORDER BY 1, 2',
      [schemas],
    );
    const counts = {};
    for (const { table_schema: schema, table_name: table } of tables.rows) {
      const name = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
      counts[`${schema}.${table}`] = (await client.query(`SELECT count(*)::int AS n FROM ${name}`)).rows[0].n;
    }
    console.table(counts);
  } finally {
    await client.end();
  }
}

/** tap-zendesk | target-postgres against the emulator; returns what singer-reconcile needs. */
async function zendeskLeg(database, cleanups) {
  console.log(`Starting the Zendesk emulator (${TICKETS} tickets)…`);
  const emulator = await startZendeskEmulator({
    seed: 42,
    tickets: TICKETS,
    users: 100,
    organizations: 20,
    rateLimit: false,
  });
  // The emulator stays up for singer-reconcile, which asks Zendesk's count endpoints.
  cleanups.push(() => emulator.close());
  const { email, apiToken } = emulator.credentials;
  const tapConfig = writeJson('zendesk.json', {
    subdomain: 'acme',
    email,
    api_token: apiToken,
    base_url: emulator.url,
    start_date: '2020-01-01T00:00:00Z',
  });
  const targetConfig = writeJson('pg-zendesk.json', { url: database.url, default_target_schema: 'zendesk' });
  console.log(`\n$ tap-zendesk --config ${tapConfig} | target-postgres --config ${targetConfig}\n`);
  const started = Date.now();
  const run = await pipe(['packages/tap-zendesk/bin/tap-zendesk.js', '--config', tapConfig], targetConfig);
  if (!run.ok) return undefined;
  console.log(`Loaded in ${((Date.now() - started) / 1000).toFixed(1)} s. Rows per table:`);
  await printRowCounts(database.url, ['zendesk']);
  console.log(
    `Last STATE the target committed (save it and pass --state to resume):\n${run.lastState.slice(0, 300)}…`,
  );
  // The target's last output line is a STATE message; the tap's --state file holds its value.
  const stateFile = writeJson('zendesk-state.json', JSON.parse(run.lastState).value);
  return {
    label: 'tap-zendesk',
    args: [
      ...['--tap', 'packages/tap-zendesk', '--tap-config', tapConfig, '--state', stateFile],
      ...['--target', 'packages/target-postgres', '--target-config', targetConfig],
    ],
  };
}

/**
 * tap-csv | target-postgres over `sales.orders.csv`: stream `sales-orders`, which target-postgres
 * (no default_target_schema) puts in table `orders` of schema `sales`, as the original CSV loader did.
 */
async function csvLeg(database) {
  const folder = mkdtempSync(join(dir, 'csv-'));
  const header = 'id,customer,total,currency,ordered_at';
  const orders = Array.from({ length: 250 }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    return `${i + 1},customer ${(i * 7) % 31},${((i * 1937) % 50_000) / 100},EUR,2024-05-${day}T09:30:00Z`;
  });
  writeFileSync(join(folder, 'sales.orders.csv'), `${[header, ...orders].join('\n')}\n`);
  const tapConfig = writeJson('csv.json', { path: folder, keys: { 'sales-orders': ['id'] } });
  const targetConfig = writeJson('pg-csv.json', { url: database.url });
  console.log(`\n$ ls ${folder}\nsales.orders.csv`);
  console.log(`\n$ tap-csv --config ${tapConfig} | target-postgres --config ${targetConfig}\n`);
  const run = await pipe(['examples/tap-csv/bin/tap-csv.js', '--config', tapConfig], targetConfig);
  if (!run.ok) return undefined;
  console.log('sales.orders.csv is stream "sales-orders", loaded into table "orders" of schema "sales":');
  await printRowCounts(database.url, ['sales']);
  return {
    label: 'tap-csv',
    args: [
      ...['--tap', 'examples/tap-csv', '--tap-config', tapConfig],
      ...['--target', 'packages/target-postgres', '--target-config', targetConfig],
    ],
  };
}

async function reconcile({ label, args }) {
  console.log(`\n$ singer-reconcile ${args.join(' ')}    # ${label}\n`);
  const child = spawn(process.execPath, ['packages/sdk/bin/singer-reconcile.js', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: childEnv,
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) process.exitCode = code;
}

// ---- The Marketo leg: its emulator → tap-marketo | target-postgres (schema "mkto"), self-contained.
// Bulk Extract jobs take minutes on Marketo; the emulator's clock is moved a minute every 50 ms here,
// so each job finishes within a poll or two (bulk_poll_interval_ms: 1000).
async function marketoLeg() {
  const { startMarketoEmulator } = await import('../packages/tap-marketo/dist/emulator/index.js');
  const { rmSync } = await import('node:fs');
  const leads = Number(process.env.DEMO_LEADS ?? 2000);
  const workDir = mkdtempSync(join(tmpdir(), 'singer-ts-demo-marketo-'));
  console.log(`\nStarting the Marketo emulator (${leads} leads) and a throwaway PostgreSQL…`);
  const marketo = await startMarketoEmulator({
    seed: 42,
    leads,
    rateLimit: false,
    now: '2025-02-01T12:00:00Z',
  });
  const ticker = setInterval(() => marketo.control.advance(60), 50);
  const db = await startTestDatabase();
  try {
    const tapConfig = join(workDir, 'marketo.json');
    const targetConfig = join(workDir, 'pg.json');
    const client = marketo.clients[0];
    const config = {
      base_url: marketo.url,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      start_date: '2024-12-01T00:00:00Z',
      end_date: '2024-12-31T00:00:00Z',
      bulk_poll_interval_ms: 1000,
    };
    writeFileSync(tapConfig, JSON.stringify(config, null, 2));
    writeFileSync(targetConfig, JSON.stringify({ url: db.url, default_target_schema: 'mkto' }, null, 2));
    console.log(`\n$ tap-marketo --config ${tapConfig} | target-postgres --config ${targetConfig}\n`);
    const started = Date.now();
    const tap = spawn(process.execPath, ['packages/tap-marketo/bin/tap-marketo.js', '--config', tapConfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const target = spawn(
      process.execPath,
      ['packages/target-postgres/bin/target-postgres.js', '--config', targetConfig],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    tap.stdout.pipe(target.stdin);
    const logs = { tap: '', target: '' };
    tap.stderr.on('data', (chunk) => {
      logs.tap += chunk;
    });
    target.stderr.on('data', (chunk) => {
      logs.target += chunk;
    });
    const codes = await Promise.all(
      [tap, target].map((p) => new Promise((resolve) => p.on('close', resolve))),
    );
    if (codes.some((code) => code !== 0)) {
      console.error(`tap-marketo exited ${codes[0]}, target-postgres exited ${codes[1]}`);
      for (const text of [logs.tap, logs.target]) {
        console.error(
          text
            .split('\n')
            .filter((l) => !l.includes('METRIC'))
            .slice(-5)
            .join('\n'),
        );
      }
      process.exitCode = 1;
      return;
    }
    const pgClient = new pg.Client({ connectionString: db.url });
    await pgClient.connect();
    const tables = await pgClient.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'mkto' ORDER BY table_name",
    );
    const rows = {};
    for (const { table_name: table } of tables.rows) {
      const counted = await pgClient.query(
        `SELECT count(*)::int AS n FROM mkto.${pgClient.escapeIdentifier(table)}`,
      );
      rows[table] = counted.rows[0].n;
    }
    await pgClient.end();
    const jobs = logs.tap.match(/ rows from export /g)?.length ?? 0;
    console.log(
      `Loaded in ${((Date.now() - started) / 1000).toFixed(1)} s (${jobs} bulk export jobs). Rows per table in schema "mkto":`,
    );
    console.table(rows);
  } finally {
    clearInterval(ticker);
    await db.stop();
    await marketo.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The Zuora leg: its emulator (AQuA jobs that finish in a fraction of a second), discovery with the tap's own
 * `--discover`, five billing streams selected, then `tap-zuora | target-postgres` into schema `zuora`.
 */
async function zuoraLeg(databaseUrl, workDir) {
  const { startZuoraEmulator } = await import('../packages/tap-zuora/dist/emulator/index.js');
  const zuora = await startZuoraEmulator({ seed: 42, accounts: 200, submittedMs: 100, executingMs: 300 });
  try {
    const tapConfig = join(workDir, 'zuora.json');
    const targetConfig = join(workDir, 'pg-zuora.json');
    const catalogFile = join(workDir, 'zuora-catalog.json');
    writeFileSync(
      tapConfig,
      JSON.stringify(
        {
          base_url: zuora.url,
          client_id: zuora.credentials.clientId,
          client_secret: zuora.credentials.clientSecret,
          api_type: 'AQUA',
          partner_id: 'singer-ts-demo',
          start_date: '2020-01-01T00:00:00Z',
          poll_interval_ms: 200,
        },
        null,
        2,
      ),
    );
    writeFileSync(
      targetConfig,
      JSON.stringify({ url: databaseUrl, default_target_schema: 'zuora' }, null, 2),
    );
    const bin = 'packages/tap-zuora/bin/tap-zuora.js';
    console.log(`\n$ tap-zuora --config ${tapConfig} --discover > ${catalogFile}`);
    const discovered = await new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, '--config', tapConfig, '--discover'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      child.on('close', (code) => resolve(code === 0 ? JSON.parse(out) : null));
    });
    if (!discovered) {
      process.exitCode = 1;
      return;
    }
    const wanted = ['Account', 'Subscription', 'Invoice', 'InvoiceItem', 'Payment'];
    for (const entry of discovered.streams) {
      entry.metadata.find((m) => m.breadcrumb.length === 0).metadata.selected = wanted.includes(
        entry.tap_stream_id,
      );
    }
    writeFileSync(catalogFile, JSON.stringify(discovered, null, 2));
    console.log(
      `$ tap-zuora --config ${tapConfig} --catalog ${catalogFile} | target-postgres --config ${targetConfig}\n`,
    );
    const started = Date.now();
    const tap = spawn(process.execPath, [bin, '--config', tapConfig, '--catalog', catalogFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const target = spawn(
      process.execPath,
      ['packages/target-postgres/bin/target-postgres.js', '--config', targetConfig],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    tap.stdout.pipe(target.stdin);
    let errors = '';
    for (const child of [tap, target]) {
      child.stderr.on('data', (chunk) => {
        errors += chunk;
      });
    }
    const codes = await Promise.all(
      [tap, target].map((child) => new Promise((resolve) => child.on('close', resolve))),
    );
    if (codes.some((code) => code !== 0)) {
      console.error(`tap-zuora exited ${codes[0]}, target-postgres exited ${codes[1]}`);
      console.error(
        errors
          .split('\n')
          .filter((line) => !line.includes('METRIC'))
          .slice(-6)
          .join('\n'),
      );
      process.exitCode = 1;
      return;
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const tables = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'zuora' ORDER BY table_name",
    );
    const counts = {};
    for (const { table_name: table } of tables.rows) {
      const result = await client.query(
        `SELECT count(*)::int AS n FROM zuora.${client.escapeIdentifier(table)}`,
      );
      counts[table] = result.rows[0].n;
    }
    await client.end();
    console.log(
      `Loaded in ${((Date.now() - started) / 1000).toFixed(1)} s. Rows per table in schema "zuora":`,
    );
    console.table(counts);
  } finally {
    await zuora.close();
  }
}

console.log('Starting a throwaway PostgreSQL…');
const database = await startTestDatabase();
const cleanups = [];
try {
  const pipelines = [await zendeskLeg(database, cleanups), await csvLeg(database)];
  await zuoraLeg(database.url, dir);
  await marketoLeg();
  console.log('\nReconciling row counts, source against warehouse:');
  for (const pipeline of pipelines) if (pipeline) await reconcile(pipeline);
} finally {
  for (const cleanup of cleanups) await cleanup();
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}
