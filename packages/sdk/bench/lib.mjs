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

/**
 * One tap run in this process through the real CLI path, stdout to /dev/null, for a worker script: returns the
 * records it emitted (`recordsIn` reads them from a stderr line), the seconds of its file downloads (the
 * `http_request_duration` metrics of requests whose line `isDownload` picks), the whole run's seconds, and peak
 * RSS. The SDK loads undici on first use (about 0.2 s); a bare reader imports it before its clock starts, so this
 * clock starts after it too: both sides time reading, not module loading.
 */
export async function timeTapRun(Tap, { configPath, catalogPath, recordsIn, isDownload }) {
  const { runCli } = await import('@singer-ts/sdk');
  const { createWriteStream } = await import('node:fs');
  await import('undici');
  let records = 0;
  let seconds = 0;
  const t0 = performance.now();
  const code = await runCli(Tap, {
    argv: ['--config', configPath, '--catalog', catalogPath],
    stdout: createWriteStream('/dev/null'),
    stderr: (line) => {
      records += recordsIn(line) ?? 0;
      if (line.includes('"http_request_duration"') && isDownload(line))
        seconds += JSON.parse(line.slice(line.indexOf('{'))).value;
      if (/SINGER_[A-Z_]+:/.test(line)) process.stderr.write(`${line}\n`);
    },
    setExitCode: false,
    env: {},
  });
  if (code !== 0) process.exit(code);
  return { records, seconds, totalSeconds: (performance.now() - t0) / 1000, rssMb: peakRssMb() };
}
