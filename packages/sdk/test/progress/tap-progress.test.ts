import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorInfo, RESTStream, runCli, Tap } from '../../src/index.js';
import { argsFor, collectResult } from '../../src/testing/index.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'tap-progress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PAGES = 5;
let server: Server;
let baseUrl = '';
/** stderr lines of the run in progress, as they are written. */
let stderr: string[] = [];
let answered429 = false;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', baseUrl);
    const page = Number(url.searchParams.get('page') ?? '1');
    if (page === 2 && !answered429) {
      answered429 = true;
      response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{}');
      return;
    }
    // Page 4 waits until a progress line was logged: the interval lines run while a stream syncs.
    if (page === 4) {
      while (!stderr.some((line) => line.includes(' progress items: ')))
        await new Promise((r) => setTimeout(r, 20));
    }
    const items = [0, 1, 2].map((i) => ({ id: page * 10 + i, updated_at: `2024-01-0${page}T00:00:0${i}Z` }));
    const next = page < PAGES ? `${baseUrl}/items?page=${page + 1}` : null;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ items, next_page: next }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

class Items extends RESTStream<Record<string, unknown>, { base_url?: string }> {
  readonly name = 'items';
  readonly path = '/items';
  override readonly recordsPath = 'items.*';
  override readonly primaryKeys = ['id'];
  override readonly replicationKey = 'updated_at';
  override readonly nextPagePath = '$.next_page';
  readonly schema = {
    type: 'object',
    properties: { id: { type: 'integer' }, updated_at: { type: 'string', format: 'date-time' } },
  } as const;
}

class TapItems extends Tap<{ base_url?: string }> {
  static override info: ConnectorInfo = {
    name: 'tap-items',
    version: '0.0.0',
    description: 'test',
    kind: 'tap',
    capabilities: ['state'],
    settings: { type: 'object', properties: { base_url: { type: 'string' } } },
  };
  override readonly streamTypes = [Items];
  protected override httpOptions() {
    return { baseUrl: 'https://api.example.invalid', retry: { maxAttempts: 3 } };
  }
}

async function run(config: Record<string, unknown>) {
  stderr = [];
  answered429 = false;
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exitCode = await runCli(TapItems, {
    argv: argsFor({ config: { base_url: baseUrl, progress_display: 'lines', ...config } }, scratch),
    stdin: Readable.from(['']),
    stdout,
    stderr: (line) => stderr.push(line),
    env: {},
    setExitCode: false,
  });
  return collectResult(exitCode, Buffer.concat(chunks).toString('utf8'), stderr.join('\n'));
}

const metricsOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.includes('METRIC: '))
    .map((line) => JSON.parse(line.slice(line.indexOf('METRIC: ') + 8)) as { metric: string; value: number });

describe('tap progress and summary', () => {
  it('logs progress lines while syncing and a summary equal to the records on stdout', async () => {
    const result = await run({ progress_interval_seconds: 0.05 });
    expect(result.exitCode).toBe(0);
    const records = result.records('items');
    expect(records).toHaveLength(PAGES * 3);
    expect(stderr.some((line) => / INFO tap-items progress items: \d+ records emitted/.test(line))).toBe(
      true,
    );
    const summary = stderr.find((line) => line.includes(' summary items (succeeded): '));
    const bookmark = (result.lastState() as { bookmarks: Record<string, unknown> }).bookmarks.items;
    // Five pages read, one 429 answered and retried after Retry-After: 1.
    expect(summary).toContain(`${records.length} records emitted, ${PAGES} pages in ${PAGES + 1} requests`);
    const waited = Number(/, ([\d.]+) s waiting on rate limits/.exec(summary ?? '')?.[1]);
    expect(waited).toBeGreaterThanOrEqual(0.9);
    expect(summary).toContain(`bookmark ${JSON.stringify(bookmark)}`);
    const metrics = metricsOf(result.stderr);
    expect(metrics).toContainEqual(
      expect.objectContaining({ metric: 'http_request_count', value: PAGES + 1 }),
    );
    expect(metrics).toContainEqual(
      expect.objectContaining({ metric: 'record_count', value: records.length }),
    );
    // At INFO an operator sees no line per request.
    expect(metrics.filter((metric) => metric.metric === 'http_request_duration')).toHaveLength(0);
  }, 60_000);

  it('logs one http_request_duration METRIC per request at metrics_log_level debug, none at warning', async () => {
    const debug = await run({ progress_interval_seconds: 0.05, metrics_log_level: 'debug' });
    expect(metricsOf(debug.stderr).filter((m) => m.metric === 'http_request_duration')).toHaveLength(
      PAGES + 1,
    );
    const quiet = await run({ progress_interval_seconds: 0.05, metrics_log_level: 'warning' });
    expect(quiet.exitCode).toBe(0);
    expect(metricsOf(quiet.stderr)).toHaveLength(0);
    expect(quiet.records('items')).toHaveLength(PAGES * 3);
  }, 60_000);
});
