// Soak (not CI): the built tap-zendesk against its emulator with faults injected (connection resets,
// truncated bodies, 429 storms, 5xx, slow pages), piped into the built target-postgres, for
// SOAK_MINUTES (default 10). Tickets, users and organizations change between runs; a run that fails
// is restarted from the last STATE the target printed. At the end a fault-free run catches up and the
// tables must hold exactly what a clean extraction from the emulator returns.
//   node packages/tap-zendesk/bench/soak.mjs        (after `pnpm build`)
// SOAK_SEED replays a soak (the seed is printed); SOAK_TICKETS sizes the tenant (default 5000).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@singer-ts/sdk';
import { startTestDatabase } from '@singer-ts/sdk/testing/postgres';
import { startZendeskEmulator } from '../dist/emulator/index.js';
import { RecordRng } from '../dist/emulator/rng.js';
import { TapZendesk } from '../dist/index.js';

// pg is the SDK's dependency, not this package's: resolve it from there.
const pg = createRequire(fileURLToPath(import.meta.resolve('@singer-ts/sdk')))('pg');

const TAP = fileURLToPath(new URL('../bin/tap-zendesk.js', import.meta.url));
const TARGET = fileURLToPath(new URL('../../target-postgres/bin/target-postgres.js', import.meta.url));
const STREAMS = { tickets: 'subject', users: 'name', organizations: 'name' };

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : Math.floor(Math.random() * 2 ** 31);
const ticketCount = Number(process.env.SOAK_TICKETS ?? 5000);
console.log(`soak: ${minutes} min, SOAK_SEED=${seed}, ${ticketCount} tickets`);

// The emulator's own seeded generator, so a soak's faults and changes can be replayed.
const rng = new RecordRng(seed, 0x50a4, 0);
const pick = (items) => rng.pick(items);
const between = (low, high) => low + rng.int(high - low + 1);
const chance = (p) => rng.chance(p);

const em = await startZendeskEmulator({
  tickets: ticketCount,
  seed: 7,
  rateLimit: false,
  now: Date.UTC(2026, 5, 1),
});
const db = await startTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'tap-zendesk-soak-'));
const config = {
  base_url: em.url,
  email: em.credentials.email,
  api_token: em.credentials.apiToken,
  start_date: '2020-01-01T00:00:00Z',
  incremental_requests_per_minute: 1_000_000,
  export_page_size: 500,
  state_interval_rows: 400,
  max_attempts: 4,
};
const paths = {
  config: join(dir, 'tap.json'),
  catalog: join(dir, 'catalog.json'),
  state: join(dir, 'state.json'),
  target: join(dir, 'target.json'),
};

try {
  const tap = new TapZendesk({ config, logger: new Logger({ name: 'soak', sink: () => undefined }) });
  const catalog = await tap.discover();
  for (const entry of catalog.streams) {
    const root = entry.metadata.find((m) => m.breadcrumb.length === 0);
    root.metadata.selected = entry.tap_stream_id in STREAMS;
  }
  writeFileSync(paths.config, JSON.stringify(config));
  writeFileSync(paths.catalog, JSON.stringify(catalog));
  writeFileSync(paths.target, JSON.stringify({ url: db.url, default_target_schema: 'soak' }));

  // Ids to change during the soak, from what the emulator serves.
  const initial = await cleanExtraction();
  const ids = Object.fromEntries([...initial].map(([stream, records]) => [stream, [...records.keys()]]));
  let state;
  const tally = { runs: 0, failed: 0, faults: 0, changes: 0 };
  const faultKinds = {};
  const deadline = Date.now() + minutes * 60_000;
  while (Date.now() < deadline) {
    changeSomeRecords(tally, ids);
    const faults = randomFaults();
    for (const fault of faults) faultKinds[fault.label] = (faultKinds[fault.label] ?? 0) + 1;
    tally.faults += faults.length;
    em.control.injectFault(faults.map(({ label: _label, ...fault }) => fault));
    const run = await pipeline(state);
    tally.runs += 1;
    if (run.state !== undefined) state = run.state;
    if (!run.ok) {
      tally.failed += 1;
      console.log(`run ${tally.runs} failed (restarting from the last STATE): ${run.reason}`);
    }
    em.control.clearFaults();
  }
  // Catch up without faults, then compare with a clean extraction of the emulator's data.
  em.control.advance(120);
  const last = await pipeline(state);
  tally.runs += 1;
  if (!last.ok) throw new Error(`the fault-free catch-up run failed: ${last.reason}`);
  const compared = await compare();
  console.log(
    `soak passed: ${tally.runs} runs (${tally.failed} failed and were resumed), ${tally.faults} faults injected ${JSON.stringify(faultKinds)}, ${tally.changes} record changes, ${compared} rows compared`,
  );
} finally {
  await em.close();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Updates a few tickets, users and organizations, then moves the clock past Zendesk's freshness window. */
function changeSomeRecords(tally, ids) {
  const round = tally.runs + 1;
  for (let i = 0; i < between(1, 20); i += 1) {
    em.control.updateTicket(Number(pick(ids.tickets)), { subject: `soak round ${round} change ${i}` });
    tally.changes += 1;
  }
  if (chance(0.5)) {
    em.control.updateUser(Number(pick(ids.users)), { name: `Soak User ${round}` });
    tally.changes += 1;
  }
  if (chance(0.3)) {
    em.control.updateOrganization(Number(pick(ids.organizations)), { name: `Soak Org ${round}` });
    tally.changes += 1;
  }
  em.control.advance(120);
}

function randomFaults() {
  const path = () => pick(['/incremental/tickets', '/incremental/users', '/incremental/organizations', '']);
  const makers = [
    () => ({ label: 'reset', kind: 'reset', times: between(1, 3), path: path() }),
    () => ({ label: 'truncate', kind: 'truncate', times: between(1, 3), path: path() }),
    () => ({
      label: '429 storm',
      kind: 'status',
      status: 429,
      retryAfter: 1,
      times: between(2, 8),
      path: path(),
    }),
    () => ({
      label: '5xx',
      kind: 'status',
      status: pick([500, 502, 503, 504]),
      times: between(1, 5),
      path: path(),
    }),
    () => ({ label: 'slow', kind: 'delay', delayMs: between(200, 3000), times: between(1, 3), path: path() }),
  ];
  return Array.from({ length: between(1, 4) }, () => pick(makers)());
}

/** tap | target from `state`; the last STATE the target printed, and whether both finished. */
function pipeline(state) {
  const args = ['--config', paths.config, '--catalog', paths.catalog];
  if (state !== undefined) {
    writeFileSync(paths.state, JSON.stringify(state));
    args.push('--state', paths.state);
  }
  const tap = spawn(process.execPath, [TAP, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const target = spawn(process.execPath, [TARGET, '--config', paths.target], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  tap.stdout.pipe(target.stdin);
  // Decoded as streams, so a character split between two chunks stays whole.
  for (const output of [tap.stderr, target.stderr, target.stdout]) output.setEncoding('utf8');
  const errors = { tap: '', target: '' };
  tap.stderr.on('data', (chunk) => {
    errors.tap = lastLine(errors.tap + chunk);
  });
  target.stderr.on('data', (chunk) => {
    errors.target = lastLine(errors.target + chunk);
  });
  let out = '';
  target.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const exit = (child) => new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return Promise.all([exit(tap), exit(target)]).then(([tapCode, targetCode]) => {
    const states = out.split('\n').filter((line) => line.trim() !== '');
    const lastState = states.length > 0 ? JSON.parse(states.at(-1)).value : undefined;
    const ok = tapCode === 0 && targetCode === 0;
    const reason = `tap exit ${tapCode} (${errors.tap}), target exit ${targetCode} (${errors.target})`;
    return { ok, state: lastState, reason };
  });
}

function lastLine(text) {
  const lines = text.trim().split('\n');
  return lines.at(-1) ?? '';
}

/** Every table equals a clean extraction (id, updated_at and one text column); returns rows compared. */
async function compare() {
  const clean = await cleanExtraction();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  let compared = 0;
  try {
    for (const [stream, column] of Object.entries(STREAMS)) {
      const { rows } = await client.query(
        `SELECT id::text AS id, updated_at, ${column} AS text FROM soak.${stream} ORDER BY id`,
      );
      const loaded = new Map(rows.map((row) => [row.id, row]));
      const expected = clean.get(stream);
      if (loaded.size !== expected.size)
        throw new Error(`${stream}: ${loaded.size} rows loaded, the emulator serves ${expected.size}`);
      for (const [id, record] of expected) {
        const row = loaded.get(id);
        const same =
          row !== undefined &&
          new Date(row.updated_at).getTime() === Date.parse(record.updated_at) &&
          row.text === record[column];
        if (!same)
          throw new Error(
            `${stream} ${id}: loaded ${JSON.stringify(row)}, emulator ${JSON.stringify(record)}`,
          );
        compared += 1;
      }
    }
  } finally {
    await client.end();
  }
  return compared;
}

/** The selected streams as a fault-free run from no STATE returns them: id -> latest record. */
async function cleanExtraction() {
  const tap = spawn(process.execPath, [TAP, '--config', paths.config, '--catalog', paths.catalog], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tap.stdout.setEncoding('utf8');
  tap.stderr.setEncoding('utf8');
  let stderr = '';
  tap.stderr.on('data', (chunk) => {
    stderr = lastLine(stderr + chunk);
  });
  const latest = new Map(Object.keys(STREAMS).map((stream) => [stream, new Map()]));
  let buffered = '';
  tap.stdout.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      const message = JSON.parse(line);
      if (message.type === 'RECORD')
        latest.get(message.stream)?.set(String(message.record.id), message.record);
    }
  });
  const code = await new Promise((resolve) => tap.on('close', resolve));
  if (code !== 0) throw new Error(`the clean extraction failed with exit ${code}: ${stderr}`);
  return latest;
}
