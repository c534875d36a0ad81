import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectorInfo,
  createHttpClient,
  type HttpClient,
  NextUrlPaginator,
  RESTStream,
  type StreamContext,
  Tap,
} from '../../src/index.js';
import { runConnector } from '../../src/testing/index.js';

let server: Server;
let baseUrl = '';
const seenAuth: string[] = [];

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
  override queryParams(context: StreamContext<Config>) {
    return { since: String(context.startingValue ?? '') };
  }
  override paginator() {
    return new NextUrlPaginator({ path: 'next_page' });
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
  discoverStreams() {
    const client: HttpClient = createHttpClient(this.config, {
      baseUrl: 'https://api.example.invalid',
      logger: this.logger,
      headers: { authorization: `Bearer ${this.config.token}` },
      secrets: [this.config.token],
      retry: { maxAttempts: 1 },
    });
    return [new Items({ config: this.config, logger: this.logger, client })];
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
