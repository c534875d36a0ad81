import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/errors.js';
import { ApiKeyAuthenticator } from '../../src/http/auth.js';
import type { RequestTiming } from '../../src/http/client.js';
import {
  HttpBodyInterruptedError,
  HttpClientError,
  HttpInvalidBodyError,
  HttpRateLimitedError,
  HttpServerError,
  HttpTimeoutError,
} from '../../src/http/errors.js';
import { ExactNumber } from '../../src/json/lossless-json.js';
import { delay, httpHarness, sendJson } from './server.js';

const { serve, client } = httpHarness({ retry: { baseDelayMs: 10, maxDelayMs: 50 } });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const records = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, name: `record ${from + i}` }));

describe('HttpClient retries', () => {
  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) sendJson(response, 429, { error: 'slow down' }, { 'retry-after': '1' });
      else sendJson(response, 200, { data: records(1, 2) });
    });
    const { client: http, lines } = client(server);
    const started = Date.now();
    const page = await http.records({ url: '/items' }, { recordsPath: 'data.*' });
    const elapsed = Date.now() - started;
    expect(await collect(page)).toEqual(records(1, 2));
    expect(server.requests).toHaveLength(2);
    // The backoff alone would be ~10 ms: the server's one second was honoured. That it was not more is
    // read from the planned wait in the log, not from the clock, which a loaded machine stretches.
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(
      lines.some((line) =>
        /HTTP 429: slow down; retrying in 1\.0 s as the server asked \(rate-limit waits 1\.0 s of 3600 s; attempts used 1 of 5\)/.test(
          line,
        ),
      ),
    ).toBe(true);
  });

  it('honours a vendor reset header when Retry-After is absent', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) sendJson(response, 429, {}, { 'x-rate-limit-reset': '1' });
      else sendJson(response, 200, [{ id: 1 }]);
    });
    const { client: http } = client(server);
    const started = Date.now();
    expect((await http.json({ url: '/x' })).body).toEqual([{ id: 1 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('gives up at once when Retry-After is beyond the rate-limit wait budget', async () => {
    const server = await serve((_request, response) => {
      sendJson(response, 429, { message: 'daily quota used' }, { 'retry-after': '3600' });
    });
    const { client: http } = client(server, { retry: { maxRateLimitWaitMs: 5_000 } });
    const error = await http.json({ url: '/x' }, { stream: 'tickets' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRateLimitedError);
    expect((error as HttpRateLimitedError).code).toBe('SINGER_HTTP_RATE_LIMITED');
    expect((error as HttpRateLimitedError).describe()).toMatch(
      /^SINGER_HTTP_RATE_LIMITED: stream 'tickets': GET \/x: HTTP 429: daily quota used; the server asked to wait 3600 s/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 and returns the later success', async () => {
    const server = await serve((_request, response, index) => {
      if (index < 2) sendJson(response, 503, { error: { message: 'maintenance' } });
      else sendJson(response, 200, { data: records(1, 3) });
    });
    const { client: http } = client(server);
    const page = await http.records({ url: '/items' }, { recordsPath: 'data.*' });
    expect(await collect(page)).toEqual(records(1, 3));
    expect(server.requests).toHaveLength(3);
  });

  it('reports the last 5xx with the stream, the path without query and the vendor message', async () => {
    const server = await serve((_request, response) => sendJson(response, 500, { message: 'boom' }));
    const { client: http } = client(server, { retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const error = (await http
      .json({ url: '/items', query: { api_key: 'sekrit-key-1' } }, { stream: 'items' })
      .catch((e: unknown) => e)) as HttpServerError;
    expect(error).toBeInstanceOf(HttpServerError);
    expect(error.status).toBe(500);
    expect(error.describe()).toBe(
      "SINGER_HTTP_SERVER_ERROR: stream 'items': GET /items: HTTP 500: boom (gave up after 3 attempts)",
    );
    expect(error.context).toMatchObject({ stream: 'items', path: '/items', status: 500, attempts: 3 });
  });

  it('reports a 200 that is not JSON as an invalid body, without retrying', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Maintenance</body></html>');
    });
    const { client: http } = client(server);
    const error = await http.records({ url: '/items' }, { recordsPath: 'data.*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpInvalidBodyError);
    expect((error as HttpInvalidBodyError).message).toMatch(/^GET \/items: response is not valid: /);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 404', async () => {
    const server = await serve((_request, response) => sendJson(response, 404, { error: 'not found' }));
    const { client: http } = client(server);
    const error = await http.json({ url: '/missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpClientError);
    expect(error).toBeInstanceOf(HttpError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a connection reset that happens before any record of the page was handed out', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"data":[{"id":1,"na');
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      sendJson(response, 200, { data: records(1, 2) });
    });
    const { client: http } = client(server);
    const page = await http.records({ url: '/items' }, { recordsPath: 'data.*' });
    expect(await collect(page)).toEqual(records(1, 2));
    expect(server.requests).toHaveLength(2);
  });

  it('fails clearly, without a retry, when the connection resets after records were handed out and resuming is off', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`{"data":${JSON.stringify(records(1, 3)).slice(0, -1)},{"id":4,"na`);
      setTimeout(() => response.socket?.destroy(), 50);
    });
    const { client: http } = client(server);
    const page = await http.records(
      { url: '/items' },
      { recordsPath: 'data.*', context: { stream: 'items' }, resumeInterrupted: false },
    );
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const record of page) seen.push(record);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(records(1, 3));
    expect(error).toBeInstanceOf(HttpBodyInterruptedError);
    expect((error as HttpBodyInterruptedError).describe()).toMatch(
      /^SINGER_HTTP_BODY_INTERRUPTED: stream 'items': GET \/items: connection failed \(UND_ERR_SOCKET\) after 3 records of the page were emitted/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('retries a broken page with bufferPage and emits every record once', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write(`{"data":${JSON.stringify(records(1, 3)).slice(0, -1)},{"id":4`);
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      sendJson(response, 200, { data: records(1, 4) });
    });
    const { client: http } = client(server);
    const page = await http.records({ url: '/items' }, { recordsPath: 'data.*', bufferPage: true });
    expect(await collect(page)).toEqual(records(1, 4));
    expect(server.requests).toHaveLength(2);
  });

  it('retries a body that stalls longer than the body timeout', async () => {
    const server = await serve((_request, response, index) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      if (index === 0) {
        response.write('{"data":[{"id":');
        return; // never finishes
      }
      response.end(JSON.stringify({ data: records(1, 1) }));
    });
    const { client: http, lines } = client(server, { timeouts: { bodyMs: 150 } });
    const page = await http.records({ url: '/items' }, { recordsPath: 'data.*' });
    expect(await collect(page)).toEqual(records(1, 1));
    expect(lines.some((line) => /stalled longer than the body timeout; retrying/.test(line))).toBe(true);
  });

  it('lets a slow but steady body finish: the body timeout is between chunks, not in total', async () => {
    // undici checks body timeouts on a ~0.5 s tick, so the body must take well over a second.
    const all = records(1, 15);
    const server = await serve(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
      for (const [i, record] of all.entries()) {
        await delay(100);
        response.write(`${i === 0 ? '' : ','}${JSON.stringify(record)}`);
      }
      response.end(']}');
    });
    const { client: http } = client(server, { timeouts: { bodyMs: 200 }, retry: { maxAttempts: 1 } });
    const started = Date.now();
    const page = await http.records({ url: '/items' }, { recordsPath: 'data.*' });
    expect(await collect(page)).toEqual(all);
    expect(Date.now() - started).toBeGreaterThan(1_400);
  });

  it('names a body timeout when retries run out', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
    });
    const { client: http } = client(server, {
      timeouts: { bodyMs: 100 },
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    const error = await http.records({ url: '/items' }, { recordsPath: 'data.*' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as HttpTimeoutError).code).toBe('SINGER_HTTP_TIMEOUT');
    expect(server.requests).toHaveLength(2);
  });
});

describe('HttpClient streaming', () => {
  it('hands out the first records before the server has finished sending the page', async () => {
    let releaseRest!: () => void;
    const rest = new Promise<void>((resolve) => {
      releaseRest = resolve;
    });
    let serverFinished = false;
    const server = await serve(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`{"next_page":null,"tickets":${JSON.stringify(records(1, 2)).slice(0, -1)}`);
      await rest;
      response.end(`,${JSON.stringify(records(3, 1)).slice(1)},"count":3}`);
      serverFinished = true;
    });
    const { client: http } = client(server);
    const page = await http.records({ url: '/tickets.json' }, { recordsPath: 'tickets.*' });
    const seen: unknown[] = [];
    const finishedWhenFirstSeen: boolean[] = [];
    for await (const record of page) {
      seen.push(record);
      finishedWhenFirstSeen.push(serverFinished);
      // Fields ahead of the records are readable while they stream.
      if (seen.length === 1) expect(page.envelope).toEqual({ next_page: null, tickets: [] });
      if (seen.length === 2) releaseRest();
    }
    expect(seen).toEqual(records(1, 3));
    expect(finishedWhenFirstSeen.slice(0, 2)).toEqual([false, false]);
    expect(page.envelope).toEqual({ next_page: null, tickets: [], count: 3 });
  });

  it('keeps integers beyond 2^53 and long decimals exact', async () => {
    const server = await serve((_request, response) => {
      sendJson(
        response,
        200,
        '{"data":[{"id":9007199254740993123,"amount":1234567890.123456789012}],"total":1}',
      );
    });
    const { client: http } = client(server);
    const [record] = (await collect(await http.records({ url: '/x' }, { recordsPath: 'data.*' }))) as Record<
      string,
      unknown
    >[];
    expect(record!.id).toBeInstanceOf(ExactNumber);
    expect(String(record!.id)).toBe('9007199254740993123');
    expect(String(record!.amount)).toBe('1234567890.123456789012');
    const whole = await http.json<{ data: { id: unknown }[] }>({ url: '/x' });
    expect(String(whole.body.data[0]!.id)).toBe('9007199254740993123');
  });

  it('streams JSON lines and CSV downloads', async () => {
    const server = await serve((request, response) => {
      response.writeHead(200);
      if (request.path === '/export.jsonl')
        response.end('{"id":1}\n{"id":18446744073709551615}\r\n\n{"id":3}');
      else response.end('\ufeffid,note\r\n1,"with, comma"\r\n2,"two\nlines ""quoted"""\r\n3,\r\n');
    });
    const { client: http } = client(server);
    const lines = (await collect(await http.jsonLines({ url: '/export.jsonl' }))) as { id: unknown }[];
    expect(lines.map((line) => String(line.id))).toEqual(['1', '18446744073709551615', '3']);
    expect(await collect(await http.csv({ url: '/export.csv' }))).toEqual([
      { id: '1', note: 'with, comma' },
      { id: '2', note: 'two\nlines "quoted"' },
      { id: '3', note: '' },
    ]);
  });

  it('decompresses a gzip body while streaming', async () => {
    const { gzipSync } = await import('node:zlib');
    const server = await serve((request, response) => {
      expect(request.headers['accept-encoding']).toMatch(/gzip/);
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ data: records(1, 50) })));
    });
    const { client: http } = client(server);
    expect(await collect(await http.records({ url: '/x' }, { recordsPath: 'data.*' }))).toEqual(
      records(1, 50),
    );
  });
});

describe('HttpClient requests', () => {
  it('joins relative URLs to the base path and sends query, JSON and form bodies', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, {}));
    const { client: http } = client(server, { baseUrl: `${server.url}/api/v2/` });
    await http.json({ url: '/tickets.json', query: { a: 1, b: undefined, c: ['x', 'y'] } });
    await http.json({ method: 'post', url: 'search', json: { n: new ExactNumber('12345678901234567890') } });
    await http.json({ method: 'POST', url: `${server.url}/oauth/token`, form: { grant_type: 'x y' } });
    expect(server.requests.map((request) => request.url)).toEqual([
      '/api/v2/tickets.json?a=1&c=x&c=y',
      '/api/v2/search',
      '/oauth/token',
    ]);
    expect(server.requests[1]!.body).toBe('{"n":12345678901234567890}');
    expect(server.requests[1]!.headers['content-type']).toBe('application/json');
    expect(server.requests[2]!.body).toBe('grant_type=x+y');
  });

  it('reports every request to the timing hook and as a METRIC line, without query or secrets', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) sendJson(response, 502, {});
      else sendJson(response, 200, { data: [] });
    });
    const timings: RequestTiming[] = [];
    const { client: http, lines } = client(server, {
      authenticator: new ApiKeyAuthenticator({ name: 'api_key', value: 'key-abc-123', in: 'query' }),
      onRequest: (timing) => timings.push(timing),
    });
    await collect(
      await http.records(
        { url: '/items', query: { page: 2 }, endpoint: '/items' },
        { recordsPath: 'data.*', context: { stream: 'items' } },
      ),
    );
    expect(server.requests[1]!.query.get('api_key')).toBe('key-abc-123');
    expect(timings.map((t) => [t.method, t.path, t.status, t.ok, t.attempt])).toEqual([
      ['GET', '/items', 502, false, 1],
      ['GET', '/items', 200, true, 2],
    ]);
    expect(timings.every((t) => t.durationMs >= 0)).toBe(true);
    const metrics = lines.filter((line) => line.includes('METRIC: '));
    expect(metrics).toHaveLength(2);
    const metric = JSON.parse(metrics[1]!.slice(metrics[1]!.indexOf('METRIC: ') + 8));
    expect(metric).toMatchObject({
      type: 'timer',
      metric: 'http_request_duration',
      tags: { endpoint: '/items', http_status_code: 200, status: 'succeeded', stream: 'items' },
    });
    expect(lines.join('\n')).not.toContain('key-abc-123');
  });

  it('does not send credentials to another origin', async () => {
    const other = await serve((_request, response) => sendJson(response, 200, {}));
    const server = await serve((_request, response) => sendJson(response, 200, {}));
    const { client: http } = client(server, {
      authenticator: new ApiKeyAuthenticator({ name: 'x-api-key', value: 'key-abc-123' }),
    });
    await http.json({ url: '/a' });
    await http.json({ url: `${other.url}/b` });
    expect(server.requests[0]!.headers['x-api-key']).toBe('key-abc-123');
    expect(other.requests[0]!.headers['x-api-key']).toBeUndefined();
  });
});
