#!/usr/bin/env node
/**
 * Loads N realistic ~1 KB Zendesk-ticket-like records through the built target-postgres and, in the
 * same run and database, times a bare `COPY FROM STDIN` of the equivalent CSV into the same table
 * shape. Prints records/s for both, the ratio and the target's peak RSS (VmHWM of the spawned bin, run
 * as a user runs it) as a markdown table of medians over the runs. The target runs with its default
 * settings (so `validate_records` is on) unless BENCH_TARGET_CONFIG (JSON) overrides some.
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

async function copyBaseline(url, schema, csvFile) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE ${schema}.baseline (LIKE ${schema}.tickets INCLUDING ALL)`);
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

const overrides = JSON.parse(process.env.BENCH_TARGET_CONFIG ?? '{}');
const db = await startTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'target-postgres-bench-'));
const results = [];
try {
  for (const n of SIZES) {
    const { singer, csv } = await writeInputs(dir, n);
    const target = [];
    const copy = [];
    const rss = [];
    const ratios = [];
    for (let run = 0; run < RUNS; run += 1) {
      const schema = `bench_${n}_${run}`;
      const configFile = join(dir, `config-${schema}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          url: db.url,
          default_target_schema: schema,
          ...overrides,
        }),
      );
      const { seconds, peakMb } = await runTarget(configFile, singer);
      target.push(n / seconds);
      rss.push(peakMb);
      copy.push(n / (await copyBaseline(db.url, schema, csv)));
      // Each run's ratio pairs the target with the COPY timed right after it, on the same machine load.
      ratios.push((target.at(-1) ?? 0) / (copy.at(-1) ?? 1));
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
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
