// HTTP benchmark: a REST stream reading N records from a local server serving 1000-record JSON pages
// (`{"records":[...],"next_page":...}`, ~1 KB ticket-like records), written as Singer RECORD messages to
// /dev/null by a Tap, against a bare undici request + JSON.parse of the same pages in the same run.
// Each side runs in its own child process (this script with `sdk URL` or `bare URL`; peak RSS is per
// worker); the server runs in the driver process, which is otherwise idle during a run.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { compareRuns, fmt, peakRssMb, runWorker } from './lib.mjs';

const self = fileURLToPath(import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const PAGE_SIZE = 1000;
/** Distinct pre-rendered record arrays; page p serves template p % TEMPLATES, ids shifted per page. */
const TEMPLATES = 8;

/**
 * Pre-renders the records of a few pages once, so serving a page is three buffer writes and the
 * server is never the bottleneck. Records repeat every TEMPLATES pages; the SDK and bare sides see
 * the very same bytes.
 */
async function renderTemplates() {
  // codec.mjs loads the SDK: imported here only, so the bare worker does not carry it.
  const { ticket } = await import('./codec.mjs');
  const templates = [];
  for (let t = 0; t < TEMPLATES; t += 1) {
    const records = [];
    for (let i = 0; i < PAGE_SIZE; i += 1) records.push(JSON.stringify(ticket(t * PAGE_SIZE + i)));
    templates.push(Buffer.from(`{"records":[${records.join(',')}]`));
  }
  return templates;
}

async function startServer(templates) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const total = Number(url.searchParams.get('total'));
    const page = Number(url.searchParams.get('page') ?? '0');
    const pages = Math.ceil(total / PAGE_SIZE);
    const next =
      page + 1 < pages ? `"http://${request.headers.host}/tickets?total=${total}&page=${page + 1}"` : 'null';
    const body = templates[page % TEMPLATES];
    const tail = Buffer.from(`,"next_page":${next},"count":${total}}`);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length + tail.length,
    });
    response.write(body);
    response.end(tail);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export async function benchHttp() {
  const templates = await renderTemplates();
  const server = await startServer(templates);
  const base = `http://127.0.0.1:${server.address().port}`;
  const rows = [];
  try {
    for (const size of sizes) {
      if (size % PAGE_SIZE !== 0) throw new Error(`BENCH_SIZES must be multiples of ${PAGE_SIZE}`);
      const url = `${base}/tickets?total=${size}&page=0`;
      const sdk = [];
      const bare = [];
      for (let run = 0; run < runs; run += 1) {
        bare.push(await runWorker(self, ['bare', url]));
        sdk.push(await runWorker(self, ['sdk', url]));
      }
      for (const result of [...sdk, ...bare])
        if (result.records !== size) throw new Error(`a worker read ${result.records} of ${size} records`);
      rows.push(compareRuns(size, sdk, bare));
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  console.log(
    `\n## HTTP: REST stream of ${PAGE_SIZE}-record JSON pages → /dev/null (${runs} runs each, medians)`,
  );
  console.log(
    '| records | SDK records/s | bare fetch + JSON.parse records/s | ratio (target ≥ 0.6) | SDK peak RSS MB | bare peak RSS MB |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${fmt(row.size)} | ${fmt(row.sdkRate)} | ${fmt(row.bareRate)} | ${row.ratio.toFixed(2)} | ${row.sdkRss} | ${row.bareRss} |`,
    );
  }
  return rows;
}

/** SDK side: a Tap with one RESTStream (NextUrlPaginator) synced into a MessageWriter on /dev/null. */
async function sdkRunner() {
  const { Logger, MessageWriter, NextUrlPaginator, RESTStream, Tap } = await import('../dist/index.js');
  const { ticketSchema } = await import('./codec.mjs');
  return (url, output) =>
    runSdk({ Logger, MessageWriter, NextUrlPaginator, RESTStream, Tap }, ticketSchema, url, output);
}

async function runSdk(sdk, ticketSchema, url, output) {
  const { Logger, MessageWriter, NextUrlPaginator, RESTStream, Tap } = sdk;
  class Tickets extends RESTStream {
    name = 'tickets';
    path = url;
    recordsPath = 'records.*';
    primaryKeys = ['id'];
    replicationKey = 'updated_at';
    schema = ticketSchema;
    paginator() {
      return new NextUrlPaginator({ path: 'next_page' });
    }
  }
  class BenchTap extends Tap {
    streamTypes = [Tickets];
    httpOptions() {
      return { baseUrl: new URL(url).origin };
    }
  }
  const logger = new Logger({ name: 'bench', sink: () => undefined });
  const tap = new BenchTap({ config: { start_date: '2000-01-01T00:00:00Z' }, logger });
  const writer = new MessageWriter(output, { chunkBytes: 1 << 18 });
  const summary = await tap.sync({ writer });
  await writer.flush();
  await tap.dispose();
  return summary.recordCounts.tickets;
}

/** Bare side: undici request, whole body, JSON.parse, JSON.stringify each record, follow next_page. */
async function bareRunner() {
  const { request } = await import('undici');
  return (url, output) => runBare(request, url, output);
}

async function runBare(request, url, output) {
  let records = 0;
  let out = '';
  for (let next = url; next; ) {
    const { body } = await request(next);
    const page = JSON.parse(await body.text());
    for (const record of page.records) {
      out += `${JSON.stringify(record)}\n`;
      records += 1;
      if (out.length > 1 << 18) {
        if (!output.write(out)) await new Promise((resolve) => output.once('drain', resolve));
        out = '';
      }
    }
    next = page.next_page;
  }
  output.write(out);
  return records;
}

async function work(mode, url) {
  const run = mode === 'sdk' ? await sdkRunner() : await bareRunner();
  const output = createWriteStream('/dev/null', { highWaterMark: 1 << 20 });
  const start = performance.now();
  const records = await run(url, output);
  await new Promise((resolve) => output.end(resolve));
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ records, seconds, rssMb: peakRssMb() })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, url] = process.argv.slice(2);
  if (mode === 'sdk' || mode === 'bare') await work(mode, url);
  else await benchHttp();
}
