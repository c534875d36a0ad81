// `pnpm bench` (tap-zuora): an AQuA export of N Account rows read (a) by bare undici + csv-parse and (b) by the
// tap itself (the built tap, a full AQuA sync of Account: token, job, polls, download, typed RECORDs to
// /dev/null), each in a child process. Reports rows/s, the ratio (b)/(a) over the whole tap run and over its
// download alone, and peak RSS.
//
// The emulator generates rows at about 20k/s, slower than either reader, so the file is recorded once (the
// first tap run downloads it through a pass-through proxy that writes it to disk) and every later download,
// bare or tap, is served from that recording by the proxy: both read the same bytes at disk speed. Jobs,
// tokens and polls still go to the emulator. BENCH_SIZES (default 100000,1000000), BENCH_RUNS (default 3).
// BENCH_NODE_ARGS: node options for the measured tap runs only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
// Needs `pnpm build`.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConnector } from '@singer-ts/sdk/testing';
import { fmt, median, peakRssMb, runWorker } from '../../sdk/bench/lib.mjs';
import { startZuoraEmulator } from '../dist/emulator/index.js';
import { TapZuora } from '../dist/tap.js';

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tapNodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const readWorker = fileURLToPath(new URL('./read-worker.mjs', import.meta.url));
const tapWorker = fileURLToPath(new URL('./tap-worker.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'zuora-bench-'));
// The recordings are large (about 600 MB at 1M rows): removed however the run ends.
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Forwards to the emulator; `/v1/file/*` is recorded to `file` on first download and served from it after. */
function startProxy(target, file) {
  let recorded = false;
  const server = createServer((req, res) => {
    if (req.url.startsWith('/v1/file/') && recorded) {
      res.writeHead(200, { 'content-type': 'text/csv;charset=UTF-8', 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
      return;
    }
    const upstream = httpRequest(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        if (req.url.startsWith('/v1/file/') && up.statusCode === 200) {
          const out = createWriteStream(file);
          up.on('data', (chunk) => out.write(chunk));
          up.on('end', () =>
            out.end(() => {
              recorded = true;
            }),
          );
        }
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}

const rows = [];
for (const size of sizes) {
  const em = await startZuoraEmulator({
    accounts: 10,
    counts: { Account: size },
    seed: 42,
    submittedMs: 50,
    executingMs: 100,
  });
  const file = join(tmp, `account-${size}.csv`);
  const proxy = await startProxy(em.url, file);
  const config = {
    base_url: proxy.url,
    client_id: em.credentials.clientId,
    client_secret: em.credentials.clientSecret,
    partner_id: 'bench',
    start_date: '2020-01-01T00:00:00Z',
    poll_interval_ms: 100,
    metrics_log_level: 'debug',
  };
  const discovered = await runConnector(TapZuora, { config, args: ['--discover'] });
  const catalog = JSON.parse(discovered.stdout);
  for (const entry of catalog.streams)
    entry.metadata.find((m) => m.breadcrumb.length === 0).metadata.selected =
      entry.tap_stream_id === 'Account';
  const configPath = join(tmp, 'config.json');
  const catalogPath = join(tmp, 'catalog.json');
  writeFileSync(configPath, JSON.stringify(config));
  writeFileSync(catalogPath, JSON.stringify(catalog));
  const t0 = performance.now();
  const recording = await runWorker(tapWorker, [configPath, catalogPath]);
  const recordSeconds = (performance.now() - t0) / 1000;
  const results = { bare: [], tap: [] };
  for (let run = 0; run < runs; run++) {
    const r = await runWorker(readWorker, [`${proxy.url}/v1/file/recorded`]);
    if (r.records !== recording.records)
      throw new Error(`bare: ${r.records} rows, expected ${recording.records}`);
    results.bare.push(r);
    const t = await runWorker(tapWorker, [configPath, catalogPath], tapNodeArgs);
    if (t.records !== recording.records)
      throw new Error(`tap: ${t.records} rows, expected ${recording.records}`);
    results.tap.push(t);
  }
  proxy.close();
  await em.close();
  const rate = (rs, key = 'seconds') => median(rs.map((r) => r.records / r[key]));
  rows.push({
    size,
    records: recording.records,
    mb: statSync(file).size / 1e6,
    recordSeconds,
    bare: rate(results.bare),
    tap: rate(results.tap, 'totalSeconds'),
    tapDownload: rate(results.tap),
    bareRss: median(results.bare.map((r) => r.rssMb)),
    tapRss: median(results.tap.map((r) => r.rssMb)),
    emulatorRss: peakRssMb(),
  });
  rmSync(file, { force: true });
}

console.log(
  `AQuA export of Account from a recording of the emulator's file, median of ${runs} runs (rows/s; RSS = peak, MB)`,
);
console.log(
  '| rows | file MB | recording s | bare undici+csv-parse | tap (whole run) | ratio | tap (download only) | ratio | bare RSS | tap RSS | bench+emulator RSS |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${fmt(r.records)} | ${r.mb.toFixed(0)} | ${r.recordSeconds.toFixed(0)} | ${fmt(r.bare)} | ${fmt(r.tap)} | ${(r.tap / r.bare).toFixed(2)} | ${fmt(r.tapDownload)} | ${(r.tapDownload / r.bare).toFixed(2)} | ${r.bareRss} | ${r.tapRss} | ${r.emulatorRss} |`,
  );
}
