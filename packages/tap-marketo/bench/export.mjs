// `pnpm bench` (tap-marketo, emulator half): a bulk lead export of N leads served by the emulator and
// read (a) by bare undici + csv-parse and (b) by this package's CSV reader and value converter, each in a
// child process with stdout discarded. Reports rows/s, the ratio (b)/(a), and peak RSS of the readers and
// of the emulator (this process), which streams the file without holding it. The tap's own figure joins
// once the tap exists. BENCH_SIZES (default 100000,1000000) and BENCH_RUNS (default 3). Needs `pnpm build`.
import { fileURLToPath } from 'node:url';
import { fmt, median, peakRssMb, runWorker } from '../../sdk/bench/lib.mjs';
import { describeResult, startMarketoEmulator } from '../dist/emulator/index.js';

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const worker = fileURLToPath(new URL('./export-worker.mjs', import.meta.url));

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
  const results = { bare: [], reader: [] };
  for (let run = 0; run < runs; run++) {
    for (const mode of ['bare', 'reader']) {
      const r = await runWorker(worker, [mode, url, token.access_token]);
      if (r.records !== status.numberOfRecords)
        throw new Error(`${mode}: ${r.records} rows, expected ${status.numberOfRecords}`);
      results[mode].push(r);
    }
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
    emulatorRss: peakRssMb(),
  });
}

console.log(`Bulk lead export from the emulator, median of ${runs} runs (rows/s; RSS = peak, MB)`);
console.log(
  '| leads | rows | file MB | emulator spool s | bare undici+csv-parse | reader+converter | ratio | bare RSS | reader RSS | emulator RSS |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${fmt(r.size)} | ${fmt(r.records)} | ${r.mb.toFixed(0)} | ${r.statsSeconds.toFixed(1)} | ${fmt(r.bare)} | ${fmt(r.reader)} | ${(r.reader / r.bare).toFixed(2)} | ${r.bareRss} | ${r.readerRss} | ${r.emulatorRss} |`,
  );
}
