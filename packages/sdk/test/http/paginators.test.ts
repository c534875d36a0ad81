import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { PaginationLoopError } from '../../src/http/errors.js';
import { paginate, paginateRecords } from '../../src/http/pages.js';
import {
  CursorPaginator,
  LinkHeaderPaginator,
  NextUrlPaginator,
  OffsetPaginator,
  PageNumberPaginator,
  parseLinkHeader,
  TimeWindowPaginator,
} from '../../src/http/paginators.js';
import type { PageInfo } from '../../src/http/record-page.js';
import { captureLogger, sendJson, startServer, type TestServer } from './server.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(handler: Parameters<typeof startServer>[0]) {
  const server = await startServer(handler);
  servers.push(server);
  const http = new HttpClient({ baseUrl: `${server.url}/api/v2`, logger: captureLogger().logger });
  clients.push(http);
  return { server, http };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function page(body: unknown, recordCount: number, headers: PageInfo['headers'] = {}): PageInfo {
  return { status: 200, headers, url: new URL('http://x/'), body, recordCount, lastRecord: undefined };
}

describe('walking pages over HTTP', () => {
  it('follows next_page URLs (Zendesk style) and ends on null', async () => {
    const { server, http } = await setup((request, response) => {
      const n = Number(request.query.get('page') ?? '1');
      sendJson(response, 200, {
        tickets: [{ id: n * 10 + 1 }, { id: n * 10 + 2 }],
        next_page: n < 3 ? `${server.url}/api/v2/tickets.json?page=${n + 1}&per_page=2` : null,
      });
    });
    const records = await collect(
      paginateRecords(http, {
        request: { url: '/tickets.json', query: { per_page: 2 } },
        recordsPath: 'tickets.*',
        paginator: new NextUrlPaginator({ path: 'next_page' }),
      }),
    );
    expect(records.map((r) => r.id)).toEqual([11, 12, 21, 22, 31, 32]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/v2/tickets.json?per_page=2',
      '/api/v2/tickets.json?page=2&per_page=2',
      '/api/v2/tickets.json?page=3&per_page=2',
    ]);
  });

  it('follows Link headers and exposes each page to the caller', async () => {
    const { server, http } = await setup((request, response) => {
      const n = Number(request.query.get('page') ?? '1');
      const link =
        n < 2 ? { link: `<${server.url}/api/v2/users?page=${n + 1}>; rel="next", <x>; rel="last"` } : {};
      sendJson(response, 200, [{ id: n }], link);
    });
    const seen: string[] = [];
    for await (const current of paginate(http, {
      request: { url: '/users' },
      recordsPath: '*',
      paginator: new LinkHeaderPaginator(),
    })) {
      const records = await collect(current);
      seen.push(
        `${current.url.search}:${records.length}:${current.lastRecord && JSON.stringify(current.lastRecord)}`,
      );
    }
    expect(seen).toEqual([':1:{"id":1}', '?page=2:1:{"id":2}']);
  });

  it('stops with a clear error when the API repeats a cursor', async () => {
    const { server, http } = await setup((_request, response) =>
      sendJson(response, 200, { data: [{ id: 1 }], meta: { has_more: true, after_cursor: 'abc' } }),
    );
    const walk = collect(
      paginateRecords(http, {
        request: { url: '/tickets' },
        recordsPath: 'data.*',
        paginator: new CursorPaginator({
          path: 'meta.after_cursor',
          param: 'page[after]',
          hasMorePath: 'meta.has_more',
        }),
        context: { stream: 'tickets' },
      }),
    );
    const error = (await walk.catch((e: unknown) => e)) as PaginationLoopError;
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect(error.code).toBe('SINGER_HTTP_PAGINATION_LOOP');
    expect(error.describe()).toMatch(
      /^SINGER_HTTP_PAGINATION_LOOP: stream 'tickets': pagination loop: page 2 gave the token it was requested with \(abc\)/,
    );
    expect(server.requests.map((r) => r.query.get('page[after]'))).toEqual([null, 'abc']);
  });

  it('reads the rest of a page the consumer skipped, and refuses to go on after one it abandoned', async () => {
    const { server, http } = await setup((request, response) => {
      const cursor = request.query.get('cursor');
      sendJson(response, 200, {
        data: [{ id: 1 }, { id: 2 }],
        next: cursor === null ? 'c2' : cursor === 'c2' ? 'c3' : null,
      });
    });
    const walk = (abandon: boolean) =>
      (async () => {
        let pages = 0;
        for await (const current of paginate(http, {
          request: { url: '/x' },
          recordsPath: 'data.*',
          paginator: new CursorPaginator({ path: 'next', param: 'cursor' }),
        })) {
          pages += 1;
          if (abandon) for await (const _ of current) break;
        }
        return pages;
      })();
    expect(await walk(false)).toBe(3);
    expect(server.requests).toHaveLength(3);
    await expect(walk(true)).rejects.toThrow(/closed before its end/);
  });
});

describe('paginators', () => {
  it('counts pages until one comes back short', () => {
    const paginator = new PageNumberPaginator({ pageSize: 2, sizeParam: 'per_page' });
    expect(paginator.prepare({ url: '/x' }).query).toEqual({ page: 1, per_page: 2 });
    paginator.advance(page({}, 2));
    expect(paginator.prepare({ url: '/x' }).query).toEqual({ page: 2, per_page: 2 });
    paginator.advance(page({}, 1));
    expect(paginator.finished).toBe(true);
  });

  it('moves the offset by the records received and stops at the total', () => {
    const paginator = new OffsetPaginator({ limit: 100, totalPath: 'total' });
    expect(paginator.prepare({ url: '/x', query: { q: 'a' } }).query).toEqual({
      q: 'a',
      offset: 0,
      limit: 100,
    });
    paginator.advance(page({ total: 250 }, 100));
    paginator.advance(page({ total: 250 }, 100));
    expect(paginator.current).toBe(200);
    paginator.advance(page({ total: 250 }, 50));
    expect(paginator.finished).toBe(true);
  });

  it('walks time windows with an inclusive boundary and a cursor inside each window', () => {
    const paginator = new TimeWindowPaginator({
      start: new Date('2024-01-01T00:00:00Z'),
      end: new Date('2024-01-03T12:00:00Z'),
      windowMs: 86_400_000,
      startParam: 'from',
      endParam: 'to',
      inner: () => new CursorPaginator({ path: 'next', param: 'cursor' }),
    });
    const requests: string[] = [];
    const bodies = [{ next: 'c1' }, { next: null }, { next: null }, { next: null }];
    for (const body of bodies) {
      const query = paginator.prepare({ url: '/x' }).query!;
      requests.push(`${query.from} ${query.to} ${query.cursor ?? '-'}`);
      paginator.advance(page(body, 1));
    }
    expect(paginator.finished).toBe(true);
    expect(requests).toEqual([
      '2024-01-01T00:00:00.000Z 2024-01-02T00:00:00.000Z -',
      '2024-01-01T00:00:00.000Z 2024-01-02T00:00:00.000Z c1',
      '2024-01-02T00:00:00.000Z 2024-01-03T00:00:00.000Z -',
      '2024-01-03T00:00:00.000Z 2024-01-03T12:00:00.000Z -',
    ]);
  });

  it('reads Link headers with several relations', () => {
    expect(parseLinkHeader('<https://a/?p=2>; rel="next", <https://a/?p=9>; rel="last"')).toEqual({
      next: 'https://a/?p=2',
      last: 'https://a/?p=9',
    });
  });

  it('honours a hasMore override (Zendesk end_of_stream)', () => {
    const paginator = new NextUrlPaginator({
      path: 'next_page',
      hasMore: (info) => (info.body as { end_of_stream: boolean }).end_of_stream !== true,
    });
    paginator.advance(page({ next_page: 'https://x/?cursor=1', end_of_stream: false }, 1));
    expect(paginator.finished).toBe(false);
    paginator.advance(page({ next_page: 'https://x/?cursor=2', end_of_stream: true }, 1));
    expect(paginator.finished).toBe(true);
  });
});
