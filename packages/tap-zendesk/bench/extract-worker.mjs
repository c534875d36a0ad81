// One benchmark run: the tap's CLI in this process, Singer output to /dev/null; prints one JSON line
// {records, seconds, rssMb} for extract.mjs.
import { createWriteStream } from 'node:fs';
import { runCli } from '@singer-ts/sdk';
import { peakRssMb } from '../../sdk/bench/lib.mjs';
import { TapZendesk } from '../dist/index.js';

const [configPath, catalogPath] = process.argv.slice(2);
const out = createWriteStream('/dev/null');
let records = 0;
const started = process.hrtime.bigint();
const code = await runCli(TapZendesk, {
  argv: ['--config', configPath, '--catalog', catalogPath],
  stdout: out,
  stderr: (line) => {
    const metric = /METRIC: (\{.*\})$/.exec(line);
    if (!metric) {
      if (/ERROR|SINGER_/.test(line)) process.stderr.write(`${line}\n`);
      return;
    }
    const value = JSON.parse(metric[1]);
    if (value.metric === 'record_count' && value.tags?.stream === 'tickets') records += value.value;
  },
  setExitCode: false,
});
await new Promise((resolve) => out.end(resolve));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (code !== 0) process.exit(code);
console.log(JSON.stringify({ records, seconds, rssMb: peakRssMb() }));
