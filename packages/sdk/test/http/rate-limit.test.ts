import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/rate-limit.js';
import { parseResetHeader, parseRetryAfter, requestedDelayMs } from '../../src/http/retry-after.js';
import { Logger } from '../../src/logging.js';
import { delay, sendJson, startServer, type TestServer } from './server.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('RateLimiter', () => {
  it('keeps at most maxConcurrency requests in flight', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 2 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await limiter.acquire();
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await delay(10);
        inFlight -= 1;
        release();
        release(); // a second release is ignored
      }),
    );
    expect(peak).toBe(2);
    expect(limiter.inFlight).toBe(0);
  });

  it('starts at most requestsPerWindow requests in any window', async () => {
    const limiter = new RateLimiter({ requestsPerWindow: 3, windowMs: 150 });
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, async () => {
        (await limiter.acquire())();
        times.push(Date.now() - started);
      }),
    );
    times.sort((a, b) => a - b);
    expect(times.slice(0, 3).every((t) => t < 50)).toBe(true);
    expect(times[3]).toBeGreaterThanOrEqual(145);
    expect(times[6]).toBeGreaterThanOrEqual(295);
  });

  it('holds every stream after one of them is told to slow down', async () => {
    let count = 0;
    const server = await startServer((request, response) => {
      count += 1;
      if (request.path === '/a' && count === 1) sendJson(response, 429, {}, { 'retry-after': '1' });
      else sendJson(response, 200, { path: request.path });
    });
    servers.push(server);
    // The retry warning is logged once the 429 has paused the limiter: wait for it, not for a guess.
    let sawRetry!: () => void;
    const retrying = new Promise<void>((resolve) => {
      sawRetry = resolve;
    });
    const logger = new Logger({ name: 'test', sink: (line) => line.includes('retrying in') && sawRetry() });
    const http = new HttpClient({ baseUrl: server.url, logger });
    clients.push(http);
    const started = Date.now();
    const first = http.json({ url: '/a' }, { stream: 'a' });
    await retrying;
    // Another stream sharing the client waits for the same second instead of spending quota.
    const other = await http.json({ url: '/b' }, { stream: 'b' });
    expect(other.body).toEqual({ path: '/b' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await first;
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/a', '/a', '/b']);
    expect(server.requests[0]!.path).toBe('/a');
  });
});

describe('server wait headers', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('5', now)).toBe(5_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('reads reset headers as delta seconds or epoch seconds or milliseconds', () => {
    expect(parseResetHeader('42', now)).toBe(42_000);
    expect(parseResetHeader(String(now / 1000 + 10), now)).toBe(10_000);
    expect(parseResetHeader(String(now + 2_500), now)).toBe(2_500);
  });

  it('prefers Retry-After over reset headers', () => {
    expect(requestedDelayMs({ 'retry-after': '2', 'x-rate-limit-reset': '60' }, undefined, now)).toBe(2_000);
    expect(requestedDelayMs({ 'ratelimit-reset': '7' }, undefined, now)).toBe(7_000);
    expect(requestedDelayMs({}, undefined, now)).toBeUndefined();
  });
});
