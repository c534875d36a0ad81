import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BearerTokenAuthenticator,
  type ConnectorInfo,
  createHttpClient,
  Logger,
  RateLimiter,
  RESTStream,
  type RecordPage,
  type StreamContext,
  Tap,
} from '../../src/index.js';
import { runConnector } from '../../src/testing/index.js';

let server: Server;
let baseUrl = '';
const seenAuth: string[] = [];
const tokenRequests: string[] = [];

/** Counts the slots taken from it. */
class CountingLimiter extends RateLimiter {
  taken = 0;
  override acquire() {
    this.taken += 1;
    return super.acquire();
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    seenAuth.push(request.headers.authorization ?? '');
    const url = new URL(request.url ?? '/', baseUrl);
    if (request.headers.authorization !== 'Bearer good-token') {
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error":"Couldn\'t authenticate you"}');
      return;
    }
    if (url.pathname === '/tokens') {
      // Token paging: `next` is a token sent back as ?after=; three pages of two.
      tokenRequests.push(url.search);
      const after = Number(url.searchParams.get('after') ?? '0');
      const rows = [after + 1, after + 2].map((id) => ({ id }));
      const next = after < 4 ? String(after + 2) : null;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: rows, meta: { next } }));
      return;
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const since = url.searchParams.get('since') ?? '';
    const items = [0, 1].map((i) => ({
      id: page * 10 + i,
      updated_at: `2024-01-0${page}T00:00:0${i}Z`,
      big: '__BIG__',
    }));
    const next = page < 3 ? `${baseUrl}/items?page=${page + 1}&since=${since}` : null;
    const body = JSON.stringify({ items, next_page: next }).replaceAll('"__BIG__"', '123456789012345678901');
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Config {
  base_url?: string;
  token: string;
  start_date?: string;
}

class Items extends RESTStream<Record<string, unknown>, Config> {
  readonly name = 'items';
  readonly path = '/items';
  override readonly recordsPath = 'items.*';
  override readonly primaryKeys = ['id'];
  override readonly replicationKey = 'updated_at';
  readonly schema = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      updated_at: { type: 'string', format: 'date-time' },
      big: { type: 'integer' },
    },
  } as const;
  override readonly nextPagePath = '$.next_page';
  override queryParams(context: StreamContext) {
    return { since: String(context.startingValue ?? '') };
  }
}

class TapItems extends Tap<Config> {
  static override info: ConnectorInfo = {
    name: 'tap-items',
    version: '0.0.0',
    description: 'test',
    kind: 'tap',
    capabilities: ['state'],
    settings: {
      type: 'object',
      required: ['token'],
      properties: {
        base_url: { type: 'string' },
        token: { type: 'string', secret: true },
        start_date: { type: 'string' },
      },
    },
  };
  override readonly streamTypes = [Items];
  protected override httpOptions() {
    return {
      baseUrl: 'https://api.example.invalid',
      authenticator: new BearerTokenAuthenticator(this.config.token),
      retry: { maxAttempts: 1 },
    };
  }
}

describe('RESTStream', () => {
  it('follows next-page links through base_url and yields every record with exact numbers', async () => {
    const result = await runConnector(TapItems, {
      config: { base_url: baseUrl, token: 'good-token', start_date: '2024-01-01T00:00:00Z' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.records('items').map((r) => r.id)).toEqual([10, 11, 20, 21, 30, 31]);
    expect(result.stdout).toContain('"big":123456789012345678901');
    expect(result.lastState()).toMatchObject({
      bookmarks: { items: { replication_key_value: '2024-01-03T00:00:01Z' } },
    });
  });

  it('fails a 401 with a clear line, no RECORD and no token in the output', async () => {
    const result = await runConnector(TapItems, { config: { base_url: baseUrl, token: 'bad-token-12345' } });
    expect(result.exitCode).toBe(1);
    expect(result.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr).not.toContain('bad-token-12345');
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.includes('METRIC')),
    ).toHaveLength(1);
  });
});

/** Token paging from a JSON path, read-ahead, an endpoint budget and a cursor kept in the bookmark. */
class Tokens extends RESTStream<{ id: number }, Config> {
  readonly name = 'tokens';
  readonly path = '/tokens';
  override readonly recordsPath = 'data.*';
  override readonly nextPagePath = 'meta.next';
  override readonly nextPageParam = 'after';
  readonly schema = { type: 'object', properties: { id: { type: 'integer' } } } as const;
  readonly budget = new CountingLimiter({ requestsPerWindow: 100, windowMs: 60_000 });
  readonly postProcessed: number[] = [];
  readonly yieldedWhenProcessed: number[] = [];
  private yielded = 0;
  override readAhead(): number {
    return 1;
  }
  override endpointBudget(): RateLimiter {
    return this.budget;
  }
  override postProcess(record: Record<string, unknown>): { id: number } | undefined {
    const id = Number(record.id);
    this.postProcessed.push(id);
    this.yieldedWhenProcessed.push(this.yielded);
    return { id };
  }
  override afterPage(page: RecordPage<Record<string, unknown>>, context: StreamContext): void {
    context.bookmark.pages = (Number(context.bookmark.pages) || 0) + 1;
    context.bookmark.records_at_commit = this.yielded;
    void page;
  }
  async *read(context: StreamContext): AsyncGenerator<{ id: number }> {
    for await (const record of this.getRecords(context)) {
      this.yielded += 1;
      yield record;
    }
  }
}

describe('RESTStream hooks', () => {
  it('pages by a token at a JSON path, reads ahead, takes the endpoint budget per page and commits after each page', async () => {
    const logger = new Logger({ name: 'test', sink: () => undefined });
    const http = createHttpClient({}, { baseUrl, logger, headers: { authorization: 'Bearer good-token' } });
    try {
      const stream = new Tokens({ config: { token: 'good-token' }, logger, http });
      const bookmark: Record<string, unknown> = {};
      const ids: number[] = [];
      for await (const record of stream.read({ bookmark, signal: new AbortController().signal }))
        ids.push(record.id);
      expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
      expect(tokenRequests).toEqual(['', '?after=2', '?after=4']);
      expect(stream.budget.taken).toBe(3);
      // Read-ahead of one: the second record of a page is processed before the first is handed out.
      expect(stream.yieldedWhenProcessed.slice(0, 2)).toEqual([0, 0]);
      // afterPage runs only once every record of the page has been handed out.
      expect(bookmark).toEqual({ pages: 3, records_at_commit: 6 });
    } finally {
      await http.close();
    }
  });
});
