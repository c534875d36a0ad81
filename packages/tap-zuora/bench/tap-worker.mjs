// One tap-zuora run (the built tap, in this process, through the real CLI path) with stdout to /dev/null: an
// AQuA sync of one stream. Prints one JSON line: records emitted (from the tap's summary), the whole run's seconds
// (token, job submit and polls included), the file download's seconds, and peak RSS.
import { createWriteStream } from 'node:fs';
import { runCli } from '@singer-ts/sdk';
import { peakRssMb } from '../../sdk/bench/lib.mjs';
import { TapZuora } from '../dist/tap.js';

// The SDK loads undici on first use (about 0.2 s); the bare reader imports it before its clock starts, so the
// tap's clock starts after it too: both sides time reading, not module loading.
await import('undici');

const [configPath, catalogPath] = process.argv.slice(2);
let records = 0;
let seconds = 0;
const t0 = performance.now();
const code = await runCli(TapZuora, {
  argv: ['--config', configPath, '--catalog', catalogPath],
  stdout: createWriteStream('/dev/null'),
  stderr: (line) => {
    const rows = /summary \S+ \(succeeded\): ([\d,]+) records emitted/.exec(line);
    if (rows) records += Number(rows[1].replaceAll(',', ''));
    if (line.includes('"http_request_duration"') && line.includes('/v1/file/')) {
      seconds += JSON.parse(line.slice(line.indexOf('{'))).value;
    }
    if (/SINGER_[A-Z_]+:/.test(line)) process.stderr.write(`${line}\n`);
  },
  setExitCode: false,
  env: {},
});
if (code !== 0) process.exit(code);
process.stdout.write(
  `${JSON.stringify({ records, seconds, totalSeconds: (performance.now() - t0) / 1000, rssMb: peakRssMb() })}\n`,
);
