import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTapConformance, runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TapRest } from '../src/tap.js';

/**
 * A small public-style JSON API: `GET /posts?updated_since=…` with a Bearer token, two posts a page,
 * `next` holding the absolute URL of the next page (null on the last). Posts are ordered by
 * `updated_at`, which is what the tap's incremental bookmark relies on.
 */
const TOKEN = 'secret-token-42';
const posts = Array.from({ length: 5 }, (_, i) => ({
  id: i + 1,
  title: `Post ${i + 1}`,
  updated_at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
}));
const requests: string[] = [];
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', baseUrl);
    requests.push(`${url.pathname}${url.search}`);
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad token"}');
      return;
    }
    if (url.pathname !== '/posts') {
      response.writeHead(404).end();
      return;
    }
    const since = url.searchParams.get('updated_since');
    const matching = posts.filter((post) => !since || post.updated_at >= since);
    const page = Number(url.searchParams.get('page') ?? '1');
    const slice = matching.slice((page - 1) * 2, page * 2);
    const next = page * 2 < matching.length ? new URL(url) : null;
    next?.searchParams.set('page', String(page + 1));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ posts: slice, next: next?.toString() ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = () => ({ api_token: TOKEN, base_url: baseUrl });

describe('tap-rest', () => {
  it('follows next-page links and emits every post with a bookmark on updated_at', async () => {
    requests.length = 0;
    const result = await runConnector(TapRest, { config: config() });
    expect(result.exitCode).toBe(0);
    expect(result.records('posts')).toEqual(posts);
    expect(requests).toEqual(['/posts', '/posts?page=2', '/posts?page=3']);
    expect(result.lastState()).toMatchObject({
      bookmarks: { posts: { replication_key: 'updated_at', replication_key_value: posts[4]!.updated_at } },
    });
  });

  it('resumes from its STATE with updated_since, re-reading only the bookmarked post', async () => {
    const first = await runConnector(TapRest, { config: config() });
    requests.length = 0;
    const second = await runConnector(TapRest, { config: config(), state: first.lastState() });
    expect(second.exitCode).toBe(0);
    expect(second.records('posts').map((post) => post.id)).toEqual([5]);
    expect(requests).toEqual([`/posts?updated_since=${encodeURIComponent(posts[4]!.updated_at)}`]);
  });

  it('starts from start_date on a first run', async () => {
    const result = await runConnector(TapRest, {
      config: { ...config(), start_date: posts[3]!.updated_at },
    });
    expect(result.records('posts').map((post) => post.id)).toEqual([4, 5]);
  });

  it('fails a wrong token with one clear line, no record, and never prints the token', async () => {
    const result = await runConnector(TapRest, { config: { ...config(), api_token: 'wrong-token-99' } });
    expect(result.exitCode).toBe(1);
    expect(result.records('posts')).toHaveLength(0);
    expect(result.stderr).toMatch(/SINGER_AUTH: stream 'posts': GET \/posts: HTTP 401/);
    expect(result.stderr).not.toContain('wrong-token-99');
  });

  it('describes itself: HTTP settings shared, token secret, every tap capability', async () => {
    const about = JSON.parse((await runConnector(TapRest, { args: ['--about'] })).stdout);
    expect(about).toMatchObject({
      name: 'tap-rest',
      description: expect.stringMatching(/^Example: a minimal/),
    });
    expect(about.capabilities).toEqual([
      'about',
      'catalog',
      'discover',
      'properties',
      'state',
      'stream-maps',
      'schema-flattening',
    ]);
    expect(about.settings.properties.api_token).toMatchObject({ secret: true, writeOnly: true });
    expect(Object.keys(about.settings.properties)).toEqual(
      expect.arrayContaining(['base_url', 'request_timeout', 'state_interval_rows', 'stream_maps']),
    );
    expect(about.version).toBe('0.1.0');
  });

  it('passes the SDK tap conformance suite', async () => {
    const report = await checkTapConformance(TapRest, { config: config(), streamsWithRecords: ['posts'] });
    expect(report.failed).toEqual([]);
  });

  it('runs from its bin', async () => {
    const result = await runConnectorProcess(new URL('../bin/tap-rest.js', import.meta.url).pathname, {
      config: config(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.records('posts')).toHaveLength(5);
  });
});
