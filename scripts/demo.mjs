// `pnpm demo`: the no-credentials first run. Writes sample CSVs, runs tap-csv over them and saves
// its Singer output to a file, then prints what arrived per stream.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'singer-ts-demo-'));
const data = join(dir, 'csv');
execFileSync('mkdir', ['-p', data]);
writeFileSync(
  join(data, 'crm.customers.csv'),
  'id,name,email,signed_up\n1,Ada Lovelace,ada@example.com,2024-01-02T10:00:00+01:00\n2,Alan Turing,alan@example.com,2024-02-03 08:30:00Z\n3,Grace Hopper,grace@example.com,2024-03-04T12:00:00-05:00\n',
);
writeFileSync(
  join(data, 'crm.orders.csv'),
  'id,customer_id,amount,paid\n10,1,19.99,true\n11,1,5.00,false\n12,3,120.50,true\n',
);
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({ path: data, keys: { 'crm-customers': ['id'], 'crm-orders': ['id'] } }),
);

const output = join(dir, 'output.singer');
const singer = execFileSync(
  process.execPath,
  ['examples/tap-csv/bin/tap-csv.js', '--config', join(dir, 'config.json')],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
writeFileSync(output, singer);
const counts = {};
for (const line of readFileSync(output, 'utf8').trim().split('\n')) {
  const message = JSON.parse(line);
  const key = message.type === 'RECORD' ? `${message.stream} records` : message.type;
  counts[key] = (counts[key] ?? 0) + 1;
}
console.log(`\ntap-csv wrote ${output}`);
console.table(counts);
