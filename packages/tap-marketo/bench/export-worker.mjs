// One read of an emulated bulk export file: `bare` (undici + csv-parse with the options the SDK's
// csvRows passes it, rows counted) or `reader` (the SDK's csvRows through this tap's wrapper, and the
// value converter over the describe schema). Prints one JSON line with the figures.
import { parse } from 'csv-parse';
import { request } from 'undici';
import { peakRssMb } from '../../sdk/bench/lib.mjs';
import { csvRows } from '../dist/csv-rows.js';
import { describeResult } from '../dist/emulator/index.js';
import { leadSchemaFromDescribe } from '../dist/lead-schema.js';
import { compileRecordConverter } from '../dist/values.js';

const [mode, url, token] = process.argv.slice(2);
const t0 = performance.now();
const { body } = await request(url, { headers: { Authorization: `Bearer ${token}` } });
let records = 0;
if (mode === 'bare') {
  // The same options as packages/sdk/src/sources/csv-rows.ts; the header is a record too.
  const parser = body.pipe(parse({ delimiter: ',', record_delimiter: ['\r\n', '\n'], bom: true }));
  for await (const _ of parser) records++;
  records -= 1;
} else {
  const convert = compileRecordConverter('leads', leadSchemaFromDescribe(describeResult()).schema);
  for await (const row of csvRows(body, { stream: 'leads' })) {
    convert(row.values, row.line);
    records++;
  }
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ records, seconds, rssMb: peakRssMb() })}\n`);
