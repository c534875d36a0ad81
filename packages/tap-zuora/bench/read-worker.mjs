// One read of a recorded AQuA result file over HTTP by bare undici + csv-parse with the options the SDK's csvRows
// sets for tap-zuora (quotedEmptyIsText asks csv-parse for each record's raw text), rows counted.
// Prints one JSON line: rows, seconds, peak RSS.
import { parse } from 'csv-parse';
import { request } from 'undici';
import { peakRssMb } from '../../sdk/bench/lib.mjs';

const [url] = process.argv.slice(2);
const t0 = performance.now();
const { body } = await request(url);
let records = -1; // the header
for await (const _ of body.pipe(
  parse({ delimiter: ',', record_delimiter: ['\r\n', '\n'], bom: true, raw: true }),
))
  records++;
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ records, seconds, rssMb: peakRssMb() })}\n`);
