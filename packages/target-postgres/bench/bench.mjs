#!/usr/bin/env node
/**
 * Loads N realistic ~1 KB Zendesk-ticket-like records through the built target-postgres and, in the
 * same run and database, times a bare `COPY FROM STDIN` of the equivalent CSV into the same table
 * shape. Prints records/s for both, the ratio and the target's peak RSS (VmHWM of the spawned bin, run
 * as a user runs it) as a markdown table of medians over the runs. The target runs with its default
 * settings (so `validate_records` is on) unless BENCH_TARGET_CONFIG (JSON) overrides some. One
 * unmeasured load warms the server first, and the order of the two loads alternates between runs.
 * Autovacuum is off and each timed load starts after a CHECKPOINT, so neither pays for the other.
 *
 *   node packages/target-postgres/bench/bench.mjs [--sizes 100000,1000000] [--runs 3]
 */
import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startTestDatabase } from '@singer-ts/sdk/testing/postgres';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: process.env.BENCH_SIZES ?? '100000,1000000' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '3' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const RUNS = Number(values.runs);
const BIN = fileURLToPath(new URL('../bin/target-postgres.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
  console.error('target-postgres is not built: run `pnpm build` first');
  process.exit(1);
}

const PROPERTIES = {
  id: { type: 'integer' },
  url: { type: 'string' },
  external_id: { type: ['string', 'null'] },
  type: { type: ['string', 'null'] },
  subject: { type: 'string' },
  description: { type: 'string' },
  priority: { type: ['string', 'null'] },
  status: { type: 'string' },
  requester_id: { type: 'integer' },
  assignee_id: { type: ['integer', 'null'] },
  organization_id: { type: ['integer', 'null'] },
  group_id: { type: ['integer', 'null'] },
  collaborator_ids: { type: 'array', items: { type: 'integer' } },
  tags: { type: 'array', items: { type: 'string' } },
  has_incidents: { type: 'boolean' },
  is_public: { type: 'boolean' },
  due_at: { type: ['string', 'null'], format: 'date-time' },
  created_at: { type: 'string', format: 'date-time' },
  updated_at: { type: 'string', format: 'date-time' },
  satisfaction_score: { type: ['number', 'null'] },
  custom_fields: { type: 'array', items: { type: 'object' } },
  via: { type: 'object' },
};
const COLUMNS = Object.keys(PROPERTIES);
const WORDS =
  'printer login invoice refund broken urgent account password shipping delayed order email sync mobile app crash billing plan upgrade export'.split(
    ' ',
  );

function ticket(i) {
  const word = (k) => WORDS[(i * 7 + k * 13) % WORDS.length];
  const created = new Date(Date.UTC(2023, 0, 1) + i * 37_000).toISOString();
  return {
    id: i,
    url: `https://example.zendesk.com/api/v2/tickets/${i}.json`,
    external_id: i % 3 === 0 ? null : `ext-${i}`,
    type: i % 2 === 0 ? 'incident' : 'question',
    subject: `${word(1)} ${word(2)} issue with ${word(3)}`,
    description: `Hello team, ${`the ${word(4)} is ${word(5)} again after the ${word(6)} change; `.repeat(6)}thanks, customer ${i}`,
    priority: ['low', 'normal', 'high', 'urgent'][i % 4],
    status: ['new', 'open', 'pending', 'solved'][i % 4],
    requester_id: 1_000_000 + (i % 50_000),
    assignee_id: i % 5 === 0 ? null : 2_000 + (i % 40),
    organization_id: 30_000 + (i % 900),
    group_id: 400 + (i % 12),
    collaborator_ids: [i % 97, i % 89],
    tags: [word(7), word(8), 'vip'],
    has_incidents: i % 11 === 0,
    is_public: i % 2 === 1,
    due_at: i % 4 === 0 ? created : null,
    created_at: created,
    updated_at: created,
    satisfaction_score: i % 6 === 0 ? null : (i % 5) + 0.5,
    custom_fields: [
      { id: 360001, value: word(9) },
      { id: 360002, value: i % 2 === 0 },
    ],
    via: { channel: 'email', source: { from: { address: `user${i}@example.com` } } },
  };
}

async function writeInputs(dir, n) {
  const singer = join(dir, `input-${n}.jsonl`);
  const csv = join(dir, `input-${n}.csv`);
  const out = createWriteStream(singer);
  const csvOut = createWriteStream(csv);
  const write = (stream, text) =>
    stream.write(text) ? undefined : new Promise((r) => stream.once('drain', r));
  await write(
    out,
    `${JSON.stringify({ type: 'SCHEMA', stream: 'tickets', key_properties: ['id'], schema: { type: 'object', properties: PROPERTIES } })}\n`,
  );
  for (let i = 1; i <= n; i += 1) {
    const record = ticket(i);
    await write(
      out,
      `${JSON.stringify({ type: 'RECORD', stream: 'tickets', record, time_extracted: record.updated_at })}\n`,
    );
    if (i % 10_000 === 0)
      await write(
        out,
        `${JSON.stringify({ type: 'STATE', value: { bookmarks: { tickets: { updated_at: record.updated_at } } } })}\n`,
      );
    await write(csvOut, `${COLUMNS.map((column) => csvField(record[column])).join(',')}\n`);
  }
  await Promise.all([new Promise((r) => out.end(r)), new Promise((r) => csvOut.end(r))]);
  return { singer, csv };
}

function csvField(value) {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Runs the target over a file; returns seconds and peak RSS (MB) sampled from /proc. */
function runTarget(configFile, inputFile) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, '--config', configFile], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let peak = 0;
    let stderr = '';
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {}
    };
    const timer = setInterval(sample, 25);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.on('error', () => undefined);
    createReadStream(inputFile).pipe(child.stdin);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`target-postgres exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peak });
    });
  });
}

/**
 * Times COPY of the CSV into `schema`.baseline, a table shaped like the target's `tickets` (its
 * columns, key and metadata columns). When the target has not run yet, the same shape is created here
 * from the target's own DDL, run beforehand on an empty input.
 */
async function copyBaseline(url, schema, csvFile, createShape = false) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (createShape) await runTarget(writeConfig(dir, schema), schemaOnly);
    await client.query(`CREATE TABLE ${schema}.baseline (LIKE ${schema}.tickets INCLUDING ALL)`);
    await client.query('CHECKPOINT');
    const started = process.hrtime.bigint();
    await pipeline(
      createReadStream(csvFile),
      client.query(
        copyStreams.from(
          `COPY ${schema}.baseline (${COLUMNS.map((c) => `"${c}"`).join(', ')}) FROM STDIN WITH (FORMAT csv)`,
        ),
      ),
    );
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await client.end();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function writeConfig(directory, schema) {
  const file = join(directory, `config-${schema}.json`);
  writeFileSync(file, JSON.stringify({ url: db.url, default_target_schema: schema, ...overrides }));
  return file;
}

/** Runs SQL statements on a connection of their own. */
async function execute(...statements) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

const overrides = JSON.parse(process.env.BENCH_TARGET_CONFIG ?? '{}');
const db = await startTestDatabase();
// Measurement hygiene: autovacuum would analyze one load's fresh table while the next load is timed,
// and a checkpoint left pending by one load would be paid by the next. Neither happens mid-load now:
// autovacuum is off for the bench's server, and every timed load starts after a CHECKPOINT.
await execute('ALTER SYSTEM SET autovacuum = off', 'SELECT pg_reload_conf()');
const dir = mkdtempSync(join(tmpdir(), 'target-postgres-bench-'));
const schemaOnly = join(dir, 'schema-only.jsonl');
writeFileSync(
  schemaOnly,
  `${JSON.stringify({ type: 'SCHEMA', stream: 'tickets', key_properties: ['id'], schema: { type: 'object', properties: PROPERTIES } })}\n`,
);
const results = [];
try {
  for (const n of SIZES) {
    const { singer, csv } = await writeInputs(dir, n);
    const target = [];
    const copy = [];
    const rss = [];
    const ratios = [];
    // Unmeasured: the first load into a new server also creates its WAL files and warms its caches,
    // which would count against whichever side ran first.
    await runTarget(writeConfig(dir, `bench_${n}_warmup`), singer);
    await dropSchema(`bench_${n}_warmup`);
    for (let run = 0; run < RUNS; run += 1) {
      const schema = `bench_${n}_${run}`;
      const configFile = writeConfig(dir, schema);
      // Each run's ratio pairs the target with a COPY timed right next to it, on the same machine
      // load; which one goes first alternates, so neither always meets the other's checkpoint.
      let loaded;
      let copySeconds;
      if (run % 2 === 0) {
        await execute('CHECKPOINT');
        loaded = await runTarget(configFile, singer);
        copySeconds = await copyBaseline(db.url, schema, csv);
      } else {
        copySeconds = await copyBaseline(db.url, schema, csv, true);
        await execute('CHECKPOINT');
        loaded = await runTarget(configFile, singer);
      }
      target.push(n / loaded.seconds);
      rss.push(loaded.peakMb);
      copy.push(n / copySeconds);
      ratios.push((target.at(-1) ?? 0) / (copy.at(-1) ?? 1));
      await dropSchema(schema);
    }
    const row = {
      records: n,
      target: median(target),
      copy: median(copy),
      ratio: median(ratios),
      rss: median(rss),
      rssMax: Math.max(...rss),
    };
    results.push(row);
    console.log(
      `${n} records: target ${target.map(Math.round).join(', ')} rec/s; COPY ${copy.map(Math.round).join(', ')} rec/s; ` +
        `peak RSS ${rss.map(Math.round).join(', ')} MB`,
    );
  }
  const settings = Object.keys(overrides).length === 0 ? 'defaults' : JSON.stringify(overrides);
  console.log(
    `\ntarget-postgres settings: ${settings} (validate_records ${overrides.validate_records ?? true}); ` +
      `medians of ${RUNS} run(s); ratio = median of each run's target/COPY\n`,
  );
  console.log('| records | target rec/s | COPY rec/s | ratio | peak RSS MB (max) |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const row of results) {
    console.log(
      `| ${row.records} | ${Math.round(row.target)} | ${Math.round(row.copy)} | ${row.ratio.toFixed(2)} | ` +
        `${Math.round(row.rss)} (${Math.round(row.rssMax)}) |`,
    );
  }
} finally {
  if (process.env.BENCH_KEEP) console.log('inputs kept in', dir);
  else rmSync(dir, { recursive: true, force: true });
  await db.stop();
}
