// `pnpm bench` (tap-marketo, emulator half): a bulk lead export of N leads served by the emulator and
// read (a) by bare undici + csv-parse and (b) by this package's CSV reader and value converter, each in a
// child process with stdout discarded. Reports rows/s, the ratio (b)/(a), and peak RSS of the readers and
// of the emulator (this process), which streams the file without holding it; and (c) the tap itself
// (leads only, one window, stdout to /dev/null), timed over its file download (see tap-worker.mjs).
// BENCH_SIZES (default 100000,1000000) and BENCH_RUNS (default 3). Needs `pnpm build`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConnector } from '@singer-ts/sdk/testing';
import { fmt, median, peakRssMb, runWorker } from '../../sdk/bench/lib.mjs';
import { describeResult, startMarketoEmulator } from '../dist/emulator/index.js';
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

const rows = [];
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
  const c = em.clients[0];
  const token = await (
    await fetch(
      `${em.url}/identity/oauth/token?grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`,
    )
  ).json();
  const auth = { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' };
  const fields = describeResult()
    .filter((f) => f.rest && f.dataType !== 'formula')
    .map((f) => f.rest.name);
  const created = await (
    await fetch(`${em.url}/bulk/v1/leads/export/create.json`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        fields,
        filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' } },
      }),
    })
  ).json();
  const id = created.result[0].exportId;
  await fetch(`${em.url}/bulk/v1/leads/export/${id}/enqueue.json`, { method: 'POST', headers: auth });
  em.control.advance(600);
  const t0 = performance.now();
  const status = (
    await (await fetch(`${em.url}/bulk/v1/leads/export/${id}/status.json`, { headers: auth })).json()
  ).result[0];
  const statsSeconds = (performance.now() - t0) / 1000;
  const url = `${em.url}/bulk/v1/leads/export/${id}/file.json`;
  const results = { bare: [], reader: [], tap: [] };
  const files = await tapFiles(em);
  for (let run = 0; run < runs; run++) {
    for (const mode of ['bare', 'reader']) {
      // The tap's runs move the emulator's clock by hours, so the bench asks for a live token each time.
      const r = await runWorker(worker, [mode, url, await accessToken(em)]);
      if (r.records !== status.numberOfRecords)
        throw new Error(`${mode}: ${r.records} rows, expected ${status.numberOfRecords}`);
      results[mode].push(r);
    }
    const t = await runTap(em, files);
    // Its own job filters on updatedAt, so its row count is close to, not equal to, the createdAt job's.
    if (t.records < status.numberOfRecords * 0.9) throw new Error(`tap: only ${t.records} rows`);
    results.tap.push(t);
  }
  await em.close();
  const rate = (rs) => median(rs.map((r) => r.records / r.seconds));
  rows.push({
    size,
    records: status.numberOfRecords,
    mb: status.fileSize / 1e6,
    statsSeconds,
    bare: rate(results.bare),
    reader: rate(results.reader),
    bareRss: median(results.bare.map((r) => r.rssMb)),
    readerRss: median(results.reader.map((r) => r.rssMb)),
    tap: rate(results.tap),
    tapTotal: median(results.tap.map((r) => r.totalSeconds)),
    tapRss: median(results.tap.map((r) => r.rssMb)),
    emulatorRss: peakRssMb(),
  });
}

console.log(`Bulk lead export from the emulator, median of ${runs} runs (rows/s; RSS = peak, MB)`);
console.log(
  '| leads | rows | file MB | emulator spool s | bare undici+csv-parse | reader+converter | ratio | tap (download → /dev/null) | tap ratio | tap run s | bare RSS | reader RSS | tap RSS | emulator RSS |',
);
console.log(
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const r of rows) {
  console.log(
    `| ${fmt(r.size)} | ${fmt(r.records)} | ${r.mb.toFixed(0)} | ${r.statsSeconds.toFixed(1)} | ${fmt(r.bare)} | ${fmt(r.reader)} | ${(r.reader / r.bare).toFixed(2)} | ${fmt(r.tap)} | ${(r.tap / r.bare).toFixed(2)} | ${r.tapTotal.toFixed(1)} | ${r.bareRss} | ${r.readerRss} | ${r.tapRss} | ${r.emulatorRss} |`,
  );
}
rmSync(tmp, { recursive: true, force: true });
