#!/usr/bin/env node
/**
 * Loads N realistic ~1 KB ticket records through the built target-snowflake into the SQL API emulator
 * (DuckDB, in this process) and, in the same run on the same input, through the built target-postgres
 * into a throwaway PostgreSQL. Prints, as medians over the runs: target-snowflake's records/s against
 * the emulator, statements and request bytes per record, its peak RSS (VmHWM of the spawned bin) and
 * the CPU time each target spent per record (user + system of the target process itself, so the
 * emulator's and the database's work do not count), with the ratio snowflake/postgres.
 *
 * The emulator runs statements one at a time on one DuckDB, so records/s here is a floor set by the
 * emulator, not Snowflake's rate; the README derives the rate on a real warehouse from statements
 * per record.
 *
 *   node packages/target-snowflake/bench/bench.mjs [--sizes 100000,1000000] [--runs 3]
 *
 * BENCH_NODE_ARGS adds Node options to the target processes only, e.g. to profile them:
 * `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" BENCH_NO_POSTGRES=1 node …/bench.mjs`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
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
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../../sdk/bench/lib.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: process.env.BENCH_SIZES ?? '100000,1000000' },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '3' },
    postgres: { type: 'boolean', default: process.env.BENCH_NO_POSTGRES === undefined },
  },
});
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SIZES = values.sizes.split(',').map(Number);
const RUNS = Number(values.runs);
const HERE = (path) => fileURLToPath(new URL(path, import.meta.url));
const SNOWFLAKE_BIN = HERE('../bin/target-snowflake.js');
const POSTGRES_BIN = HERE('../../target-postgres/bin/target-postgres.js');
for (const bundle of ['../dist/bundle/cli.js', '../../target-postgres/dist/bundle/cli.js']) {
  if (!existsSync(HERE(bundle))) {
    console.error('the targets are not built: run `pnpm build` first');
    process.exit(1);
  }
}

// The emulator is test code in TypeScript: compiled as `pnpm --filter target-snowflake emulator` does.
const compiled = spawnSync(
  process.execPath,
  [HERE('../../../node_modules/typescript/bin/tsc'), '-p', HERE('../test-support/tsconfig.json')],
  {
    stdio: 'inherit',
  },
);
if (compiled.status !== 0) process.exit(1);
const { SnowflakeEmulator } = await import(HERE('../test-support/dist/emulator/server.js'));

const STATUSES = ['new', 'open', 'pending', 'solved'];
const WORDS =
  'printer login invoice refund broken urgent account password shipping delayed order email sync'.split(' ');
const PROPERTIES = {
  id: { type: 'integer' },
  url: { type: 'string' },
  subject: { type: 'string' },
  description: { type: 'string' },
  status: { type: 'string' },
  requester_id: { type: 'integer' },
  assignee_id: { type: ['integer', 'null'] },
  tags: { type: 'array', items: { type: 'string' } },
  is_public: { type: 'boolean' },
  created_at: { type: 'string', format: 'date-time' },
  updated_at: { type: 'string', format: 'date-time' },
  satisfaction_score: { type: ['number', 'null'] },
  via: { type: 'object' },
};

function ticket(i) {
  const word = (k) => WORDS[(i * 7 + k * 13) % WORDS.length];
  const created = new Date(Date.UTC(2023, 0, 1) + i * 37_000).toISOString();
  return {
    id: i,
    url: `https://example.zendesk.com/api/v2/tickets/${i}.json`,
    subject: `${word(1)} ${word(2)} issue with ${word(3)}`,
    description: `Hello team, ${`the ${word(4)} is ${word(5)} again after the ${word(6)} change; `.repeat(8)}thanks ${i}`,
    status: STATUSES[i % 4],
    requester_id: 1_000_000 + (i % 50_000),
    assignee_id: i % 5 === 0 ? null : 2_000 + (i % 40),
    tags: [word(7), word(8), 'vip'],
    is_public: i % 2 === 1,
    created_at: created,
    updated_at: created,
    satisfaction_score: i % 6 === 0 ? null : (i % 5) + 0.25,
    via: { channel: 'email', source: { from: { address: `user${i}@example.com`, name: `Customer ${i}` } } },
  };
}

async function writeInput(dir, n) {
  const file = join(dir, `input-${n}.jsonl`);
  const out = createWriteStream(file);
  const write = (text) => (out.write(text) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(
    `${JSON.stringify({ type: 'SCHEMA', stream: 'tickets', key_properties: ['id'], schema: { type: 'object', properties: PROPERTIES } })}\n`,
  );
  for (let i = 1; i <= n; i += 1) {
    await write(`${JSON.stringify({ type: 'RECORD', stream: 'tickets', record: ticket(i) })}\n`);
    if (i % 10_000 === 0) await write(`${JSON.stringify({ type: 'STATE', value: { at: i } })}\n`);
  }
  await new Promise((r) => out.end(r));
  return file;
}

/** The child's own CPU time, written to stderr as it exits. */
const CPU_HOOK = `data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nBENCH_CPU_US "+(u.user+u.system)+"\\n")})`;

/** Runs a target bin over a file: seconds, peak RSS (MB) and its CPU microseconds. */
function runTarget(bin, configFile, inputFile) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...NODE_ARGS, '--import', CPU_HOOK, bin, '--config', configFile], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let peak = 0;
    let stderr = '';
    const timer = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {}
    }, 25);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
    });
    child.stdin.on('error', () => undefined);
    createReadStream(inputFile).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${bin} exited ${code}: ${stderr.slice(-2000)}`));
      const cpu = Number(/BENCH_CPU_US (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peak, cpuUs: cpu });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'target-snowflake-bench-'));
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const emulator = await SnowflakeEmulator.start({
  account: 'BENCH',
  users: [{ name: 'LOADER', publicKeys: [publicKey.export({ type: 'spki', format: 'pem' }).toString()] }],
  databases: [{ name: 'RAW' }],
  syncWindowMs: 45_000,
  // One DuckDB thread, as PostgreSQL runs a COPY on one backend: on a small machine a server using
  // every core slows the target it is measured against (BENCH_EMULATOR_THREADS to change it).
  threads: Number(process.env.BENCH_EMULATOR_THREADS ?? 1),
});
const snowflakeConfig = (schema) => {
  const file = join(dir, `snowflake-${schema}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      base_url: emulator.url,
      account: 'bench',
      user: 'loader',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      database: 'RAW',
      default_target_schema: schema,
      ...JSON.parse(process.env.BENCH_TARGET_CONFIG ?? '{}'),
    }),
  );
  return file;
};
const db = values.postgres
  ? await (await import('@singer-ts/sdk/testing/postgres')).startTestDatabase()
  : undefined;
const postgresConfig = (schema) => {
  const file = join(dir, `postgres-${schema}.json`);
  writeFileSync(file, JSON.stringify({ url: db.url, default_target_schema: schema }));
  return file;
};

const results = [];
try {
  for (const n of SIZES) {
    const input = await writeInput(dir, n);
    const measured = { rate: [], statements: [], bytes: [], rss: [], cpu: [], pgCpu: [], ratio: [] };
    for (let run = 0; run < RUNS; run += 1) {
      const schema = `BENCH_${n}_${run}`;
      const before = emulator.requests.length;
      const loaded = await runTarget(SNOWFLAKE_BIN, snowflakeConfig(schema), input);
      const posts = emulator.requests
        .slice(before)
        .filter((r) => r.method === 'POST' && r.path === '/api/v2/statements' && !r.retry);
      measured.rate.push(n / loaded.seconds);
      measured.statements.push(posts.length / n);
      measured.bytes.push(posts.reduce((sum, r) => sum + r.bodyBytes, 0) / n);
      measured.rss.push(loaded.peakMb);
      measured.cpu.push(loaded.cpuUs / n);
      await emulator.sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, 'RAW');
      if (db !== undefined) {
        const pg = await runTarget(POSTGRES_BIN, postgresConfig(`bench_${n}_${run}`), input);
        measured.pgCpu.push(pg.cpuUs / n);
        measured.ratio.push(loaded.cpuUs / pg.cpuUs);
      }
    }
    const row = Object.fromEntries(
      Object.entries(measured).map(([key, xs]) => [key, xs.length === 0 ? Number.NaN : median(xs)]),
    );
    row.records = n;
    results.push(row);
    console.log(
      `${n} records: ${measured.rate.map(Math.round).join(', ')} rec/s; peak RSS ${measured.rss.map(Math.round).join(', ')} MB`,
    );
  }
  console.log(`\nmedians of ${RUNS} run(s); CPU = the target process's user+system time per record\n`);
  console.log(
    '| records | rec/s (emulator) | statements/record | request bytes/record | peak RSS MB | CPU µs/record snowflake | CPU µs/record postgres | CPU ratio |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.records} | ${Math.round(r.rate)} | ${r.statements.toFixed(5)} | ${Math.round(r.bytes)} | ${Math.round(r.rss)} | ` +
        `${r.cpu.toFixed(1)} | ${r.pgCpu.toFixed(1)} | ${r.ratio.toFixed(2)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
  await db?.stop();
}
