// One tap-marketo run (the built tap, in this process, through the real CLI path) with stdout going to
// /dev/null: the leads stream over one bulk export window. Prints one JSON line: rows emitted, the
// seconds of the file download (request to last byte, read while rows are parsed, converted and
// written: the part comparable to bare undici + csv-parse), the whole run's seconds, and peak RSS.
import { createWriteStream } from 'node:fs';
import { runCli } from '@singer-ts/sdk';
import { peakRssMb } from '../../sdk/bench/lib.mjs';
import { TapMarketo } from '../dist/tap.js';

const [configPath, catalogPath] = process.argv.slice(2);
let records = 0;
let seconds = 0;
const t0 = performance.now();
const code = await runCli(TapMarketo, {
  argv: ['--config', configPath, '--catalog', catalogPath],
  stdout: createWriteStream('/dev/null'),
  stderr: (line) => {
    const rows = / (\d+) rows from export /.exec(line);
    if (rows) records += Number(rows[1]);
    if (line.includes('"http_request_duration"') && line.includes('/file.json"')) {
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
