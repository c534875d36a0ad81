// `pnpm bench`: runs every package's benchmark script in turn and prints their figures.
// BENCH_RUNS (default 3) and BENCH_SIZES (default 100000,1000000) scale all of them; BENCH_ONLY picks some.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  ['codec', 'packages/sdk/bench/codec.mjs'],
  ['http', 'packages/sdk/bench/http.mjs'],
  ['singer-map', 'packages/sdk/bench/map.mjs'],
  ['target-postgres', 'packages/target-postgres/bench/bench.mjs'],
  ['target-snowflake', 'packages/target-snowflake/bench/bench.mjs'],
  ['tap-zendesk', 'packages/tap-zendesk/bench/extract.mjs'],
  ['tap-marketo', 'packages/tap-marketo/bench/export.mjs'],
  ['tap-zuora', 'packages/tap-zuora/bench/aqua.mjs'],
];
const only = process.env.BENCH_ONLY?.split(',');
let failed = false;
for (const [name, script] of benches) {
  if (only && !only.includes(name)) continue;
  if (!existsSync(script)) continue;
  console.log(`\n# ${name} (${script})`);
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
