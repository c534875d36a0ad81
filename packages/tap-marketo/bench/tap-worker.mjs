// One tap-marketo run (the built tap, in this process, through the real CLI path) with stdout going to
// /dev/null: the leads stream over one bulk export window. Prints one JSON line: rows emitted, the
// seconds of the file download (request to last byte, read while rows are parsed, converted and
// written: the part comparable to bare undici + csv-parse), the whole run's seconds, and peak RSS.
import { timeTapRun } from '../../sdk/bench/lib.mjs';
import { TapMarketo } from '../dist/tap.js';

const [configPath, catalogPath] = process.argv.slice(2);
const result = await timeTapRun(TapMarketo, {
  configPath,
  catalogPath,
  recordsIn: (line) => {
    const rows = / (\d+) rows from export /.exec(line);
    return rows ? Number(rows[1]) : undefined;
  },
  isDownload: (line) => line.includes('/file.json"'),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
