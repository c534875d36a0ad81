import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { Logger } from '../../src/logging.js';
import { httpHarness, sendJson } from './server.js';

const { serve, client } = httpHarness({ retry: { baseDelayMs: 10, maxDelayMs: 50 } });

/** A logger whose lines a test can wait for. */
function watchedLogger() {
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];
  const logger = new Logger({
    name: 'http',
    format: 'json',
    sink: (line) => {
      lines.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.test(line)) waiter.resolve();
        else waiters.push(waiter);
      }
    },
  });
  const seen = (test: (line: string) => boolean) =>
    new Promise<void>((resolve) => {
      if (lines.some(test)) resolve();
      else waiters.push({ test, resolve });
    });
  return { logger, lines, seen };
}

const progress = (lines: string[], what: string) =>
  lines.map((line) => JSON.parse(line)).filter((entry) => entry.message.includes(what));

describe('long HTTP waits', () => {
  it('log what is waiting, and for how long, at a steady interval until the response comes', async () => {
    const { logger, lines, seen } = watchedLogger();
    const twoLines = () => seen(() => progress(lines, 'waiting for the response: still waiting').length >= 2);
    // The server answers only once two progress lines were logged: no guessed delay.
    const server = await serve(async (_request, response) => {
      await twoLines();
      sendJson(response, 200, { ok: true });
    });
    const http = new HttpClient({ baseUrl: server.url, logger, waitProgress: { afterMs: 50, everyMs: 50 } });
    try {
      expect((await http.json({ url: '/slow' }, { stream: 'tickets' })).body).toEqual({ ok: true });
    } finally {
      await http.close();
    }
    const entries = progress(lines, 'waiting for the response');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0]).toMatchObject({ level: 'info', stream: 'tickets' });
    expect(entries[0].message).toMatch(
      /^GET \/slow: waiting for the response: still waiting, \d+\.\d s so far$/,
    );
    expect(typeof entries[0].waited_s).toBe('number');
    // Nothing more once the response arrived.
    const count = entries.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(progress(lines, 'waiting for the response')).toHaveLength(count);
  });

  it('log a retry wait with its total', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) sendJson(response, 503, {}, { 'retry-after': '0.5' });
      else sendJson(response, 200, { ok: true });
    });
    const { logger, lines } = watchedLogger();
    const { client: http } = client(server, { logger, waitProgress: { afterMs: 50, everyMs: 1_000 } });
    await http.json({ url: '/flaky' });
    const entries = progress(lines, 'retry after HTTP 503');
    expect(entries).toHaveLength(1);
    expect(entries[0].message).toMatch(
      /^GET \/flaky: retry after HTTP 503: still waiting, \d+\.\d s of 0\.5 s so far$/,
    );
  });

  it('stay quiet for waits shorter than the first interval', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, { ok: true }));
    const { logger, lines } = watchedLogger();
    const { client: http } = client(server, { logger });
    await http.json({ url: '/fast' });
    expect(lines.filter((line) => line.includes('still waiting'))).toEqual([]);
  });
});
