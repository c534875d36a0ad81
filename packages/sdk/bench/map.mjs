// singer-map benchmark: the spawned bin hashing two fields per record (HMAC-SHA256), and evaluating
// three Meltano-style expressions per record (split + method, a filtering comprehension with a
// conditional, arithmetic + str()), on ticket-like records, each against the same bin with no maps
// configured (parse + serialize pass-through), same run.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeInput } from './codec.mjs';
import { fmt, median } from './lib.mjs';

const bin = fileURLToPath(new URL('../bin/singer-map.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);

/** Runs singer-map over `input` to /dev/null; returns the seconds it took. */
async function runMap(configPath, input) {
  const start = performance.now();
  const child = spawn(process.execPath, [bin, '--config', configPath], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  createReadStream(input).pipe(child.stdin);
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`singer-map exited ${code}`);
  return { seconds: (performance.now() - start) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-map-'));
const hashing = join(dir, 'hash.json');
const passthrough = join(dir, 'none.json');
writeFileSync(
  hashing,
  JSON.stringify({
    pseudonymize: { tickets: ['subject', 'requester_id'] },
    pseudonymize_key: 'bench-key-of-32-bytes-0123456789',
  }),
);
const expressions = join(dir, 'expressions.json');
writeFileSync(
  expressions,
  JSON.stringify({
    stream_maps: {
      tickets: {
        subject_word: "subject.split(' ')[0].lower()",
        region: "[t for t in tags if t.startswith('region_')][0] if tags else None",
        requester_bucket: 'str(requester_id % 10)',
      },
    },
  }),
);
writeFileSync(passthrough, JSON.stringify({}));
const rows = [];
try {
  for (const size of sizes) {
    const input = join(dir, `input-${size}.jsonl`);
    await writeInput(input, size);
    const mapped = [];
    const evaluated = [];
    const plain = [];
    for (let run = 0; run < runs; run += 1) {
      plain.push(await runMap(passthrough, input));
      mapped.push(await runMap(hashing, input));
      evaluated.push(await runMap(expressions, input));
    }
    const rate = (results) => median(results.map((r) => size / r.seconds));
    rows.push({ size, mapped: rate(mapped), evaluated: rate(evaluated), plain: rate(plain) });
    rmSync(input);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n## singer-map: maps vs pass-through (${runs} runs each, medians)`);
console.log(
  '| records | pass-through records/s | hashing records/s | ratio (target ≥ 0.5) | expressions records/s | ratio (target ≥ 0.5) |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows)
  console.log(
    `| ${fmt(row.size)} | ${fmt(row.plain)} | ${fmt(row.mapped)} | ${(row.mapped / row.plain).toFixed(2)} | ${fmt(row.evaluated)} | ${(row.evaluated / row.plain).toFixed(2)} |`,
  );
