import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpBodyInterruptedError } from '../../src/http/errors.js';
import { paginateRecords } from '../../src/http/pages.js';
import { NextUrlPaginator } from '../../src/http/paginators.js';
import { httpHarness, sendJson } from './server.js';

const { serve, client } = httpHarness({ retry: { baseDelayMs: 5, maxDelayMs: 20 } });

const records = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, name: `record ${from + i}` }));

/** Sends the page's first `keep` records and part of the next one, then drops the connection. */
function truncate(response: ServerResponse, page: unknown[], keep: number, envelope = ''): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  const head = `{${envelope}"data":${JSON.stringify(page.slice(0, keep)).slice(0, -1)},{"id":`;
  response.write(head, () => response.socket?.destroy());
}

async function drain<T>(iterable: AsyncIterable<T>, seen: T[]): Promise<unknown> {
  try {
    for await (const item of iterable) seen.push(item);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('a page whose body breaks after records were emitted', () => {
  it('is re-requested, skipping the records already emitted', async () => {
    const page = records(1, 6);
    const server = await serve((_request, response, index) => {
      if (index === 0) truncate(response, page, 3);
      else sendJson(response, 200, { data: page });
    });
    const { client: http, lines } = client(server);
    const seen: unknown[] = [];
    const error = await drain(await http.records({ url: '/items' }, { recordsPath: 'data.*' }), seen);
    expect(error).toBeUndefined();
    expect(seen).toEqual(page);
    expect(server.requests.map((request) => request.url)).toEqual(['/items', '/items']);
    expect(
      lines.some((line) => /after 3 records of the page were emitted; re-requesting the page/.test(line)),
    ).toBe(true);
  });

  it('survives breaking again at another place, and each record is emitted once', async () => {
    const page = records(1, 8);
    const server = await serve((_request, response, index) => {
      if (index === 0) truncate(response, page, 2);
      else if (index === 1) truncate(response, page, 5);
      else if (index === 2)
        truncate(response, page, 1); // before the new ground: retried at once
      else sendJson(response, 200, { data: page });
    });
    const { client: http } = client(server, { retry: { maxAttempts: 3, baseDelayMs: 5 } });
    const seen: unknown[] = [];
    expect(
      await drain(await http.records({ url: '/items' }, { recordsPath: 'data.*' }), seen),
    ).toBeUndefined();
    expect(seen).toEqual(page);
    expect(server.requests).toHaveLength(4);
  });

  it('keeps paginating from the envelope of the re-requested response', async () => {
    const server = await serve((request, response, index) => {
      const n = Number(request.query.get('page') ?? '1');
      const next = n < 2 ? `"next_page":"${server.url}/items?page=${n + 1}",` : '"next_page":null,';
      const page = records(n * 10, 4);
      if (index === 0) truncate(response, page, 2, next);
      else sendJson(response, 200, JSON.parse(`{${next}"data":${JSON.stringify(page)}}`));
    });
    const { client: http } = client(server);
    const seen: unknown[] = [];
    const walk = paginateRecords(http, {
      request: { url: '/items' },
      recordsPath: 'data.*',
      paginator: new NextUrlPaginator({ path: 'next_page' }),
    });
    expect(await drain(walk, seen)).toBeUndefined();
    expect(seen).toEqual([...records(10, 4), ...records(20, 4)]);
  });

  it('fails, emitting nothing twice, when the re-requested page changed', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) truncate(response, records(1, 6), 3);
      else sendJson(response, 200, { data: records(2, 6) }); // a record was inserted before: shifted
    });
    const { client: http } = client(server);
    const seen: unknown[] = [];
    const error = await drain(
      await http.records({ url: '/items' }, { recordsPath: 'data.*', context: { stream: 'items' } }),
      seen,
    );
    expect(seen).toEqual(records(1, 3));
    expect(error).toBeInstanceOf(HttpBodyInterruptedError);
    expect((error as Error).message).toMatch(/re-requested after its body broke, but it changed/);
  });

  it('fails when the re-requested page ends before the records already emitted', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) truncate(response, records(1, 6), 3);
      else sendJson(response, 200, { data: records(1, 2) });
    });
    const { client: http } = client(server);
    const seen: unknown[] = [];
    const error = await drain(await http.records({ url: '/items' }, { recordsPath: 'data.*' }), seen);
    expect(seen).toEqual(records(1, 3));
    expect((error as Error).message).toMatch(/it now ends 1 record\(s\) before them/);
  });

  it('gives up once the attempts are used, with the interrupted error', async () => {
    const server = await serve((_request, response) => truncate(response, records(1, 6), 3));
    const { client: http } = client(server, { retry: { maxAttempts: 3, baseDelayMs: 5 } });
    const seen: unknown[] = [];
    const error = await drain(await http.records({ url: '/items' }, { recordsPath: 'data.*' }), seen);
    expect(seen).toEqual(records(1, 3));
    expect(error).toBeInstanceOf(HttpBodyInterruptedError);
    expect((error as Error).message).toMatch(
      /gave up after 3 attempts\), after 3 records of the page were emitted and the page was re-requested/,
    );
    // The first request, then one re-request whose own retry loop (maxAttempts 3) never gets past them.
    expect(server.requests).toHaveLength(4);
  });

  it('is not re-requested for a POST unless resumeInterrupted says so', async () => {
    const page = records(1, 6);
    const handler = (_request: unknown, response: ServerResponse, index: number) => {
      if (index === 0) truncate(response, page, 3);
      else sendJson(response, 200, { data: page });
    };
    const plain = await serve(handler);
    const seen: unknown[] = [];
    const error = await drain(
      await client(plain).client.records(
        { url: '/q', method: 'POST', body: '{}' },
        { recordsPath: 'data.*' },
      ),
      seen,
    );
    expect(error).toBeInstanceOf(HttpBodyInterruptedError);
    expect(plain.requests).toHaveLength(1);

    const allowed = await serve(handler);
    const again: unknown[] = [];
    const resumed = await client(allowed).client.records(
      { url: '/q', method: 'POST', body: '{}' },
      { recordsPath: 'data.*', resumeInterrupted: true },
    );
    expect(await drain(resumed, again)).toBeUndefined();
    expect(again).toEqual(page);
  });
});
