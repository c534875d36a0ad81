// One tap-zuora run (the built tap, in this process, through the real CLI path) with stdout to /dev/null: an
// AQuA sync of one stream. Prints one JSON line: records emitted (from the tap's summary), the whole run's seconds
// (token, job submit and polls included), the file download's seconds, and peak RSS.
import { timeTapRun } from '../../sdk/bench/lib.mjs';
import { TapZuora } from '../dist/tap.js';

const [configPath, catalogPath] = process.argv.slice(2);
const result = await timeTapRun(TapZuora, {
  configPath,
  catalogPath,
  recordsIn: (line) => {
    const rows = /summary \S+ \(succeeded\): ([\d,]+) records emitted/.exec(line);
    return rows ? Number(rows[1].replaceAll(',', '')) : undefined;
  },
  isDownload: (line) => line.includes('/v1/file/'),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
