// `pnpm bench` (tap-zendesk): records/s and peak RSS of the built tap extracting emulated tickets.
// The emulator runs in this process; each run is a child process (the tap's CLI, stdout to /dev/null,
// only `tickets` selected) whose peak RSS is reported. BENCH_SIZES (default 100000,1000000) and
// BENCH_RUNS (default 3) scale it. Needs `pnpm build` first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@singer-ts/sdk';
import { fmt, median, runWorker } from '../../sdk/bench/lib.mjs';
import { startZendeskEmulator } from '../dist/emulator/index.js';
import { TapZendesk } from '../dist/index.js';

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const worker = fileURLToPath(new URL('./extract-worker.mjs', import.meta.url));

const rows = [];
for (const size of sizes) {
  const em = await startZendeskEmulator({
    tickets: size,
    seed: 42,
    rateLimit: false,
    now: Date.UTC(2026, 5, 1),
  });
  const dir = mkdtempSync(join(tmpdir(), 'tap-zendesk-bench-'));
  const config = {
    base_url: em.url,
    email: em.credentials.email,
    api_token: em.credentials.apiToken,
    start_date: '2000-01-01T00:00:00Z',
    export_page_size: 1000,
    // The emulator's limiter is off; the tap's own 10/min budget would make this a 100-minute wait.
    incremental_requests_per_minute: 1_000_000,
  };
  const tap = new TapZendesk({ config, logger: new Logger({ name: 'bench', sink: () => undefined }) });
  const catalog = await tap.discover();
  for (const entry of catalog.streams) {
    const root = entry.metadata.find((m) => m.breadcrumb.length === 0);
    root.metadata.selected = entry.tap_stream_id === 'tickets';
  }
  const configPath = join(dir, 'config.json');
  const catalogPath = join(dir, 'catalog.json');
  writeFileSync(configPath, JSON.stringify(config));
  writeFileSync(catalogPath, JSON.stringify(catalog));
  const results = [];
  for (let run = 0; run < runs; run++) {
    const result = await runWorker(worker, [configPath, catalogPath]);
    if (result.records !== size)
      throw new Error(`expected ${size} tickets, the tap emitted ${result.records}`);
    results.push(result);
  }
  await em.close();
  rows.push({
    size,
    rate: median(results.map((r) => r.records / r.seconds)),
    seconds: median(results.map((r) => r.seconds)),
    rss: median(results.map((r) => r.rssMb)),
  });
}

console.log(
  `tap-zendesk: tickets from the cursor export of the emulator to /dev/null (median of ${runs} runs)\n`,
);
console.log('| tickets | records/s | seconds | peak RSS (MB) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${fmt(row.size)} | ${fmt(row.rate)} | ${row.seconds.toFixed(1)} | ${fmt(row.rss)} |`);
}
