// `pnpm bench` (tap-marketo): a bulk lead export of N leads served by the emulator (this process),
// read three ways, each in a child process, all from the same file in the same run:
//   tap    the tap itself (leads only, one window, RECORD messages to /dev/null), timed over its
//          file download (request to last row written; see tap-worker.mjs);
//   bare   undici + csv-parse with the options the SDK's CSV reader gives it, rows counted;
//   reader the SDK's CSV reader (csvRows) + this tap's value converter, no output.
// The tap runs first and creates the job; bare and reader then read that job's file. Reports medians
// of rows/s, the ratios to bare, and peak RSS of each reader and of the emulator.
// BENCH_SIZES (default 100000,1000000) and BENCH_RUNS (default 3). Needs `pnpm build`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConnector } from '@singer-ts/sdk/testing';
import { fmt, median, peakRssMb, runWorker } from '../../sdk/bench/lib.mjs';
import { startMarketoEmulator } from '../dist/emulator/index.js';
import { TapMarketo } from '../dist/tap.js';

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const worker = fileURLToPath(new URL('./export-worker.mjs', import.meta.url));
const tapWorker = fileURLToPath(new URL('./tap-worker.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'marketo-bench-'));

async function accessToken(em) {
  const c = em.clients[0];
  const q = `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`;
  return (await (await fetch(`${em.url}/identity/oauth/token?${q}`)).json()).access_token;
}

/** Config and a leads-only catalog for the tap against this emulator (one 30-day window). */
async function tapFiles(em) {
  const config = {
    base_url: em.url,
    client_id: em.clients[0].clientId,
    client_secret: em.clients[0].clientSecret,
    start_date: '2024-01-01T00:00:00Z',
    end_date: '2024-01-31T00:00:00Z',
    bulk_poll_interval_ms: 1000,
    requests_per_minute: 100000,
    // One http_request_duration METRIC line per request: the file download's is the tap's figure.
    metrics_log_level: 'debug',
  };
  const configPath = join(tmp, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const discovered = await runConnector(TapMarketo, { config, args: ['--discover'] });
  const catalog = JSON.parse(discovered.stdout);
  for (const entry of catalog.streams) {
    entry.metadata.find((m) => m.breadcrumb.length === 0).metadata.selected = entry.tap_stream_id === 'leads';
  }
  const catalogPath = join(tmp, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(catalog));
  return [configPath, catalogPath];
}

/** The tap in a child process while this one moves the emulator's clock, so its job completes at once. */
async function runTap(em, files) {
  const ticker = setInterval(() => em.control.advance(60), 50);
  try {
    return await runWorker(tapWorker, files);
  } finally {
    clearInterval(ticker);
  }
}

/** The newest completed leads export (the one the tap just read) and its row count. */
async function latestJob(em, token) {
  const page = await (
    await fetch(`${em.url}/bulk/v1/leads/export.json?status=Completed`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json();
  const jobs = page.result.toSorted((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
  return jobs.at(-1);
}

const rows = [];
const loads = [loadavg()[0]];
for (const size of sizes) {
  // Every lead inside one 31-day window, so one job exports all of them.
  const em = await startMarketoEmulator({
    leads: size,
    seed: 42,
    rateLimit: false,
    historyStart: '2024-01-01T00:00:00Z',
    historyEnd: '2024-01-31T00:00:00Z',
    now: '2024-02-15T00:00:00Z',
    bulk: { dailyQuotaBytes: 1e12 },
  });
  const files = await tapFiles(em);
  const results = { bare: [], reader: [], tap: [] };
  let job;
  for (let run = 0; run < runs; run++) {
    const t = await runTap(em, files);
    const token = await accessToken(em);
    job = await latestJob(em, token);
    if (t.records !== job.numberOfRecords)
      throw new Error(`tap: ${t.records} rows of ${job.numberOfRecords}`);
    results.tap.push(t);
    const url = `${em.url}/bulk/v1/leads/export/${job.exportId}/file.json`;
    for (const mode of ['bare', 'reader']) {
      const r = await runWorker(worker, [mode, url, token]);
      if (r.records !== job.numberOfRecords)
        throw new Error(`${mode}: ${r.records} rows of ${job.numberOfRecords}`);
      results[mode].push(r);
    }
    loads.push(loadavg()[0]);
  }
  await em.close();
  const rate = (rs) => median(rs.map((r) => r.records / r.seconds));
  rows.push({
    size,
    records: job.numberOfRecords,
    mb: job.fileSize / 1e6,
    bare: rate(results.bare),
    reader: rate(results.reader),
    tap: rate(results.tap),
    tapTotal: median(results.tap.map((r) => r.totalSeconds)),
    bareRss: median(results.bare.map((r) => r.rssMb)),
    readerRss: median(results.reader.map((r) => r.rssMb)),
    tapRss: median(results.tap.map((r) => r.rssMb)),
    emulatorRss: peakRssMb(),
  });
}

console.log(`Bulk lead export from the emulator, median of ${runs} runs (rows/s; RSS = peak, MB)`);
console.log(
  `1-minute load average during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${cpus().length} cores (on a loaded machine the rates are noisy; the ratios come from the same runs)`,
);
console.log(
  '| leads | rows | file MB | bare undici+csv-parse | tap (download → /dev/null) | tap ratio | reader+converter | reader ratio | tap run s | bare RSS | reader RSS | tap RSS | emulator RSS |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${fmt(r.size)} | ${fmt(r.records)} | ${r.mb.toFixed(0)} | ${fmt(r.bare)} | ${fmt(r.tap)} | ${(r.tap / r.bare).toFixed(2)} | ${fmt(r.reader)} | ${(r.reader / r.bare).toFixed(2)} | ${r.tapTotal.toFixed(1)} | ${r.bareRss} | ${r.readerRss} | ${r.tapRss} | ${r.emulatorRss} |`,
  );
}
rmSync(tmp, { recursive: true, force: true });
