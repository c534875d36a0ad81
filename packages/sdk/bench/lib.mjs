// Shared helpers for benchmark scripts: child-process runs with peak RSS, medians, table output.
import { spawn } from 'node:child_process';

/**
 * Runs `node script args`, expecting one JSON line of results on stdout; adds peak RSS in MB. `nodeArgs` go to
 * node itself (e.g. `--cpu-prof` to profile one side of a comparison).
 */
export async function runWorker(script, args, nodeArgs = []) {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', ...nodeArgs, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** One table row from the worker results of the SDK path and its bare baseline at one size. */
export function compareRuns(size, sdk, bare) {
  const rate = (results) => median(results.map((r) => r.records / r.seconds));
  const sdkRate = rate(sdk);
  const bareRate = rate(bare);
  return {
    size,
    sdkRate,
    bareRate,
    ratio: sdkRate / bareRate,
    sdkRss: median(sdk.map((r) => r.rssMb)),
    bareRss: median(bare.map((r) => r.rssMb)),
  };
}
