// Configs singer-io/tap-zendesk accepts work here too (strings for numbers, request_timeout 0 or "",
// page_size above 100, marketplace ids as strings), and OAuth refresh tokens are used and rotated.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@singer-ts/sdk';
import { runConnector } from '@singer-ts/sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS } from '../src/emulator/auth.js';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk, zendeskHttpOptions } from '../src/index.js';
import { configFor, discover, select, startEmulator } from './tap-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tap-zendesk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quietLogger(lines: string[] = []): Logger {
  return new Logger({ name: 'tap-zendesk', sink: (line) => lines.push(line), level: 'info' });
}

describe('configs written for singer-io/tap-zendesk', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await startEmulator({ tickets: 20 });
  });
  afterAll(() => em.close());

  it('request_timeout 0, "0" and "" mean the default (300 s); a number as a string is read', () => {
    const timeoutOf = (value: unknown) =>
      new TapZendesk({
        config: { start_date: '2020-01-01T00:00:00Z', request_timeout: value } as never,
        logger: quietLogger(),
      }).config.request_timeout;
    expect(timeoutOf(0)).toBe(300);
    expect(timeoutOf('0')).toBe(300);
    expect(timeoutOf('')).toBe(300);
    expect(timeoutOf(' 45.5 ')).toBe(45.5);
    expect(timeoutOf(undefined)).toBe(300);
  });

  it('a request_timeout that is not a number of seconds is exit 2 naming the setting', async () => {
    const result = await runConnector(TapZendesk, {
      config: configFor(em, { request_timeout: 'soon' }),
      args: ['--discover'],
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/'request_timeout' is "soon", which is not a number of seconds/);
  });

  it('page_size above 100 is lowered to 100 with a warning, and list requests ask for 100', async () => {
    em.control.clearRequests();
    const catalog = select(await discover(em), ['groups', 'macros']);
    const result = await runConnector(TapZendesk, {
      config: configFor(em, { page_size: '500', request_timeout: '', max_attempts: '3' }),
      catalog,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/page_size 500 is above Zendesk's limit of 100.*using 100/);
    expect(result.records('groups').length).toBeGreaterThan(0);
    const lists = em.control.requests().filter((r) => /^\/api\/v2\/(groups|macros)\.json/.test(r.path));
    expect(lists.length).toBeGreaterThan(0);
    expect(
      lists.every((r) => r.path.includes('page%5Bsize%5D=100') || r.path.includes('page[size]=100')),
    ).toBe(true);
  });

  it('marketplace ids are sent as given, numbers or strings', () => {
    const headersOf = (ids: Record<string, unknown>) =>
      zendeskHttpOptions(
        {
          ...new TapZendesk({
            config: { start_date: '2020-01-01T00:00:00Z', base_url: em.url, ...ids } as never,
            logger: quietLogger(),
          }).config,
          email: 'a@b.example',
          api_token: 't',
        },
        { logger: quietLogger(), saveTokens: () => undefined },
      ).headers;
    expect(
      headersOf({ marketplace_name: 'Acme', marketplace_organization_id: '1234', marketplace_app_id: 987 }),
    ).toEqual({
      'X-Zendesk-Marketplace-Name': 'Acme',
      'X-Zendesk-Marketplace-Organization-Id': '1234',
      'X-Zendesk-Marketplace-App-Id': '987',
    });
  });
});

describe('OAuth refresh tokens', () => {
  let em: ZendeskEmulator;
  afterEach(async () => {
    await em?.close();
  });

  /** A config file as a user keeps it: OAuth keys plus others that must survive the rewrite. */
  function oauthConfigFile(name: string, accessToken: string, extra: Record<string, unknown> = {}): string {
    const path = join(dir, name);
    const config = {
      ...configFor(em),
      email: undefined,
      api_token: undefined,
      access_token: accessToken,
      refresh_token: DEFAULT_CREDENTIALS.refreshToken,
      client_id: DEFAULT_CREDENTIALS.clientId,
      client_secret: DEFAULT_CREDENTIALS.clientSecret,
      subdomain: 'acme',
      note: 'kept as it was',
      ...extra,
    };
    writeFileSync(path, JSON.stringify(config, null, 2));
    return path;
  }

  async function syncGroups(path: string) {
    const catalog = select(await discover(em), ['groups']);
    return runConnector(TapZendesk, { args: ['--config', path], catalog });
  }

  function expectRotatedInto(path: string, stderr: string, before: Record<string, unknown>): void {
    const after = JSON.parse(readFileSync(path, 'utf8'));
    const live = em.control.tokens();
    expect(live.accessTokens).toEqual([after.access_token]);
    expect(live.refreshTokens).toEqual([after.refresh_token]);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    const { access_token: _a, refresh_token: _r, ...rest } = after;
    const { access_token: _b, refresh_token: _c, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(stderr).toMatch(
      /access_token, refresh_token changed during the run and written back to config file/,
    );
    for (const secret of [
      after.access_token,
      after.refresh_token,
      before.refresh_token,
      before.client_secret,
    ])
      expect(stderr).not.toContain(secret);
  }

  it('refreshes an access token about to expire before using it, and writes the rotated pair back', async () => {
    // A ticking clock: the token's expiry is compared with this machine's.
    em = await startEmulator({
      tickets: 20,
      now: () => Date.now(),
      credentials: { accessTokenExpiresIn: 120 },
    });
    const path = oauthConfigFile('expiring.json', DEFAULT_CREDENTIALS.accessToken);
    const before = JSON.parse(readFileSync(path, 'utf8'));
    em.control.clearRequests();
    const result = await syncGroups(path);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.records('groups').length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/expires within 5 minutes; refreshing it/);
    const requests = em.control.requests();
    expect(requests.some((r) => r.status === 401)).toBe(false);
    expect(requests.filter((r) => r.path === '/oauth/tokens')).toHaveLength(1);
    expectRotatedInto(path, result.stderr, before);
    // The next run starts from the rotated pair in the file, with no refresh needed.
    em.control.clearRequests();
    const again = await syncGroups(path);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(em.control.requests().filter((r) => r.path === '/oauth/tokens')).toHaveLength(0);
  });

  it('refreshes after a 401 during the run, retries the request, and writes the rotated pair back', async () => {
    em = await startEmulator({ tickets: 20 });
    const path = oauthConfigFile('revoked.json', DEFAULT_CREDENTIALS.accessToken);
    const before = JSON.parse(readFileSync(path, 'utf8'));
    const catalog = select(await discover(em), ['groups', 'macros']);
    em.control.clearRequests();
    // The token is revoked between two requests of the run.
    em.control.injectFault({
      kind: 'status',
      status: 401,
      path: '/macros',
      body: { error: 'invalid_token', error_description: 'The access token provided is expired, revoked…' },
    });
    const result = await runConnector(TapZendesk, { args: ['--config', path], catalog });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.records('macros').length).toBeGreaterThan(0);
    const paths = em.control.requests().map((r) => `${r.status} ${r.path.split('?')[0]}`);
    const refused = paths.indexOf('401 /api/v2/macros.json');
    expect(refused).toBeGreaterThan(0);
    expect(paths.slice(refused + 1, refused + 3)).toEqual(['200 /oauth/tokens', '200 /api/v2/macros.json']);
    expectRotatedInto(path, result.stderr, before);
  });

  it('a configured access token Zendesk refuses is refreshed before the first request', async () => {
    em = await startEmulator({ tickets: 20 });
    const path = oauthConfigFile('stale.json', 'a-token-zendesk-no-longer-knows');
    const before = JSON.parse(readFileSync(path, 'utf8'));
    const result = await syncGroups(path);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/configured OAuth access token was refused \(HTTP 401\); refreshing it/);
    expectRotatedInto(path, result.stderr, before);
    expect(result.stderr).not.toContain('a-token-zendesk-no-longer-knows');
  });

  it('refresh_token without its OAuth client is exit 2 naming what is missing', async () => {
    em = await startEmulator({ tickets: 20 });
    const path = oauthConfigFile('no-client.json', DEFAULT_CREDENTIALS.accessToken, {
      client_secret: undefined,
    });
    const result = await syncGroups(path).catch((error: Error) => ({ exitCode: -1, stderr: error.message }));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/refresh_token needs 'client_secret'/);
  });
});
