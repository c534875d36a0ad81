import { describe, expect, it } from 'vitest';
import { HttpRateLimitedError, HttpServerError } from '../../src/http/errors.js';
import { AttemptFailure, resolveRetryOptions, withRetries } from '../../src/http/retry.js';
import { httpHarness, sendJson } from './server.js';

const rateLimited = (retryAfterMs: number) =>
  new AttemptFailure('rate_limited', 'HTTP 429', { retryable: true, status: 429, retryAfterMs });
const serverError = () => new AttemptFailure('status', 'HTTP 503', { retryable: true, status: 503 });

/** Runs withRetries over scripted outcomes with a fake clock: waits are recorded, never slept. */
async function script(
  outcomes: (AttemptFailure | 'ok')[],
  options: Parameters<typeof resolveRetryOptions>[0],
) {
  const waits: { ms: number; kind: string; nextAttempt: number }[] = [];
  let call = 0;
  const result = withRetries(
    async () => {
      const outcome = outcomes[call++];
      if (outcome === undefined) throw new Error('the script ran out');
      if (outcome === 'ok') return call;
      throw outcome;
    },
    resolveRetryOptions(options),
    {
      onRetry: (failure, ms, nextAttempt) => waits.push({ ms, kind: failure.kind, nextAttempt }),
      sleep: async () => undefined,
    },
  );
  return { result, waits, calls: () => call };
}

describe('429s that say when to come back', () => {
  it('use none of max_attempts: eight in a row, then success, with maxAttempts 3', async () => {
    const run = await script([...Array.from({ length: 8 }, () => rateLimited(1_000)), 'ok'], {
      maxAttempts: 3,
    });
    await expect(run.result).resolves.toBe(9);
    expect(run.waits.map((wait) => wait.ms)).toEqual(Array(8).fill(1_000));
  });

  it('do not grow the backoff of a 5xx that follows them', async () => {
    const options = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };
    const run = await script(
      [...Array.from({ length: 6 }, () => rateLimited(1_000)), serverError(), serverError(), 'ok'],
      options,
    );
    await expect(run.result).resolves.toBe(9);
    const backoffs = run.waits.filter((wait) => wait.kind === 'status');
    // Equal jitter: the first backoff is 0.5-1 s, the second 1-2 s, as if no 429 had come before.
    expect(backoffs[0]!.ms).toBeGreaterThanOrEqual(500);
    expect(backoffs[0]!.ms).toBeLessThanOrEqual(1_000);
    expect(backoffs[1]!.ms).toBeGreaterThanOrEqual(1_000);
    expect(backoffs[1]!.ms).toBeLessThanOrEqual(2_000);
    expect(backoffs.map((wait) => wait.nextAttempt)).toEqual([2, 3]);
  });

  it('still leave the 5xx attempts their limit', async () => {
    const run = await script([rateLimited(10), serverError(), rateLimited(10), serverError(), 'ok'], {
      maxAttempts: 2,
      baseDelayMs: 1,
    });
    const error = (await run.result.catch((e: unknown) => e)) as AttemptFailure;
    expect(error.status).toBe(503);
    // Two 5xx attempts (maxAttempts 2), the 429s between them free.
    expect(run.calls()).toBe(4);
  });

  it('are bounded by their own budget, not by maxTotalWaitMs', async () => {
    const run = await script(
      Array.from({ length: 20 }, () => rateLimited(60_000)),
      {
        maxTotalWaitMs: 1_000,
        maxRateLimitWaitMs: 300_000,
      },
    );
    const error = (await run.result.catch((e: unknown) => e)) as AttemptFailure;
    expect(error.exhaustedBudget).toEqual({ name: 'maxRateLimitWaitMs', ms: 300_000 });
    // Five one-minute waits fit in five minutes; the sixth does not.
    expect(run.waits).toHaveLength(5);
    expect(run.calls()).toBe(6);
  });

  it('count at least a second each, so "Retry-After: 0" forever ends', async () => {
    const run = await script(
      Array.from({ length: 100 }, () => rateLimited(0)),
      { maxRateLimitWaitMs: 10_000 },
    );
    await expect(run.result).rejects.toBeInstanceOf(AttemptFailure);
    expect(run.calls()).toBe(11);
  });
});

const { serve, client } = httpHarness({ retry: { baseDelayMs: 10, maxDelayMs: 50 } });

describe('HttpClient under a 429 storm', () => {
  it('rides out more 429s than max_attempts and returns the page', async () => {
    const server = await serve((_request, response, index) => {
      if (index < 8) sendJson(response, 429, { error: 'slow down' }, { 'retry-after': '0.01' });
      else sendJson(response, 200, { data: [{ id: 1 }] });
    });
    const { client: http, lines } = client(server, { retry: { maxAttempts: 2, baseDelayMs: 10 } });
    expect((await http.json({ url: '/items' })).body).toEqual({ data: [{ id: 1 }] });
    expect(server.requests).toHaveLength(9);
    expect(lines.filter((line) => line.includes('as the server asked (rate-limit waits'))).toHaveLength(8);
  });

  it('fails naming the rate-limit budget and its setting once the budget is spent', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 429, { message: 'quota' }, { 'retry-after': '2' }),
    );
    const { client: http } = client(server, { retry: { maxRateLimitWaitMs: 1_000 } });
    const error = await http.json({ url: '/x' }, { stream: 'tickets' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRateLimitedError);
    expect((error as Error).message).toMatch(
      /asked to wait 2\.0 s, beyond the rate-limit wait budget \(maxRateLimitWaitMs 1\.0 s, setting max_rate_limit_wait\)/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a 503 after many 429s still gets its retries', async () => {
    const server = await serve((_request, response, index) => {
      if (index < 5) sendJson(response, 429, {}, { 'retry-after': '0.01' });
      else if (index < 7) sendJson(response, 503, { error: 'down' });
      else sendJson(response, 200, { ok: true });
    });
    const { client: http } = client(server, { retry: { maxAttempts: 3 } });
    expect((await http.json({ url: '/x' })).body).toEqual({ ok: true });
    const failing = await serve((_request, response, index) => {
      if (index < 5) sendJson(response, 429, {}, { 'retry-after': '0.01' });
      else sendJson(response, 503, { error: 'down' });
    });
    const error = await client(failing, { retry: { maxAttempts: 3 } })
      .client.json({ url: '/x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpServerError);
    expect(failing.requests).toHaveLength(8);
  });
});
