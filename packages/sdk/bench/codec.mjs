// Protocol codec benchmark: realistic ~1 KB ticket-like records read → validated → written by the SDK,
// against bare JSON.parse/JSON.stringify of the same lines in the same run. Medians of several runs.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRuns, fmt, runWorker } from './lib.mjs';

const worker = fileURLToPath(new URL('./codec-worker.mjs', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);

export const ticketSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    subject: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
    status: { type: 'string' },
    priority: { type: ['string', 'null'] },
    requester_id: { type: 'integer' },
    assignee_id: { type: ['integer', 'null'] },
    organization_id: { type: ['integer', 'null'] },
    tags: { type: 'array', items: { type: 'string' } },
    custom_fields: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, value: {} } },
    },
    satisfaction_score: { type: ['number', 'null'] },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

export function ticket(i) {
  const words = ['printer', 'invoice', 'login', 'refund', 'shipping', 'café', 'délai', 'urgent'];
  return {
    id: 360000000000 + i,
    url: `https://acme.zendesk.com/api/v2/tickets/${360000000000 + i}.json`,
    subject: `Ticket ${i}: ${words[i % 8]} issue with order #${(i * 7919) % 100000}`,
    description: `Customer reports a ${words[(i + 3) % 8]} problem. `.repeat(10),
    status: ['new', 'open', 'pending', 'solved', 'closed'][i % 5],
    priority: i % 3 === 0 ? null : 'normal',
    requester_id: 1000 + (i % 5000),
    assignee_id: i % 4 === 0 ? null : 2000 + (i % 50),
    organization_id: 3000 + (i % 300),
    tags: ['vip', words[i % 8], `region_${i % 12}`],
    custom_fields: [
      { id: 11, value: `v${i % 17}` },
      { id: 12, value: i % 2 === 0 },
    ],
    satisfaction_score: (i % 50) / 10,
    created_at: new Date(Date.UTC(2023, 0, 1) + i * 1000).toISOString(),
    updated_at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
  };
}

/** Writes a SCHEMA, `count` ticket RECORDs and a STATE as Singer lines to `path`. */
export async function writeInput(path, count) {
  const out = createWriteStream(path);
  const write = (text) =>
    out.write(text) ? undefined : new Promise((resolve) => out.once('drain', resolve));
  await write(
    `${JSON.stringify({ type: 'SCHEMA', stream: 'tickets', schema: ticketSchema, key_properties: ['id'] })}\n`,
  );
  let buffer = '';
  for (let i = 0; i < count; i += 1) {
    buffer += `${JSON.stringify({ type: 'RECORD', stream: 'tickets', record: ticket(i), time_extracted: '2024-06-01T00:00:00Z' })}\n`;
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(
    `${buffer}${JSON.stringify({ type: 'STATE', value: { bookmarks: { tickets: { replication_key_value: count } } } })}\n`,
  );
  await new Promise((resolve) => out.end(resolve));
}

export async function benchCodec() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-codec-'));
  const rows = [];
  try {
    for (const size of sizes) {
      const file = join(dir, `input-${size}.jsonl`);
      await writeInput(file, size);
      const sdk = [];
      const bare = [];
      for (let run = 0; run < runs; run += 1) {
        bare.push(await runWorker(worker, ['bare', file]));
        sdk.push(await runWorker(worker, ['sdk', file]));
      }
      rows.push(compareRuns(size, sdk, bare));
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n## Protocol codec: read → validate → write (${runs} runs each, medians)`);
  console.log(
    '| records | SDK records/s | bare JSON records/s | ratio (target ≥ 0.5) | SDK peak RSS MB | bare peak RSS MB |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${fmt(row.size)} | ${fmt(row.sdkRate)} | ${fmt(row.bareRate)} | ${row.ratio.toFixed(2)} | ${row.sdkRss} | ${row.bareRss} |`,
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCodec();
