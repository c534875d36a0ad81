import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors.js';
import { BasicAuthenticator, BearerTokenAuthenticator, OAuth2Authenticator } from '../../src/http/auth.js';
import { httpHarness, sendJson } from './server.js';

const { serve, client } = httpHarness({ retry: { baseDelayMs: 5 } });

describe('OAuth 2', () => {
  it('fetches a fresh token once when the current one is rejected mid-run, and retries the request', async () => {
    let tokensIssued = 0;
    let valid = 'tok-1';
    const server = await serve((request, response) => {
      if (request.path === '/oauth/token') {
        tokensIssued += 1;
        sendJson(response, 200, {
          access_token: `tok-${tokensIssued}`,
          expires_in: 3600,
          token_type: 'bearer',
        });
        return;
      }
      const apiCalls = server.requests.filter((r) => r.path === '/items').length;
      if (apiCalls === 3) valid = 'tok-2'; // the vendor expires the first token early
      if (request.headers.authorization !== `Bearer ${valid}`)
        sendJson(response, 401, { error: 'token expired' });
      else sendJson(response, 200, { data: [{ call: apiCalls }] });
    });
    const oauth = new OAuth2Authenticator({
      tokenUrl: '/oauth/token',
      clientId: 'id',
      clientSecret: 'client-secret-1',
    });
    const { client: http, lines } = client(server, { authenticator: oauth });
    const bodies = [];
    for (let i = 0; i < 3; i += 1) bodies.push((await http.json({ url: '/items' })).body);
    expect(bodies).toEqual([{ data: [{ call: 1 }] }, { data: [{ call: 2 }] }, { data: [{ call: 4 }] }]);
    expect(oauth.tokensFetched).toBe(2);
    expect(server.requests.map((r) => `${r.path} ${r.headers.authorization ?? ''}`)).toEqual([
      '/oauth/token ',
      '/items Bearer tok-1',
      '/items Bearer tok-1',
      '/items Bearer tok-1',
      '/oauth/token ',
      '/items Bearer tok-2',
    ]);
    expect(server.requests[0]!.body).toBe(
      'grant_type=client_credentials&client_id=id&client_secret=client-secret-1',
    );
    expect(lines.join('\n')).not.toMatch(/tok-1|tok-2|client-secret-1/);
  });

  it('refreshes ahead of expiry without waiting for a 401', async () => {
    let now = 1_000_000;
    let issued = 0;
    const server = await serve((request, response) => {
      if (request.path === '/oauth/token') {
        issued += 1;
        sendJson(response, 200, {
          access_token: `tok-${issued}`,
          expires_in: 120,
          refresh_token: `refresh-${issued}`,
        });
        return;
      }
      sendJson(response, 200, { ok: true });
    });
    const rotated: string[] = [];
    const oauth = new OAuth2Authenticator({
      tokenUrl: '/oauth/token',
      clientId: 'id',
      clientSecret: 'client-secret-1',
      refreshToken: 'refresh-0',
      refreshMarginMs: 60_000,
      onRefreshToken: (token) => rotated.push(token),
      now: () => now,
    });
    const { client: http } = client(server, { authenticator: oauth });
    await http.json({ url: '/a' });
    now += 59_000;
    await http.json({ url: '/b' });
    now += 2_000; // 61 s after the token was issued: inside the 60 s margin before its 120 s expiry
    await http.json({ url: '/c' });
    expect(server.requests.map((r) => `${r.path} ${r.headers.authorization ?? ''}`)).toEqual([
      '/oauth/token ',
      '/a Bearer tok-1',
      '/b Bearer tok-1',
      '/oauth/token ',
      '/c Bearer tok-2',
    ]);
    expect(new URLSearchParams(server.requests[3]!.body).get('refresh_token')).toBe('refresh-1');
    expect(new URLSearchParams(server.requests[3]!.body).get('grant_type')).toBe('refresh_token');
    expect(rotated).toEqual(['refresh-1', 'refresh-2']);
  });

  it('fetches one token for many concurrent requests', async () => {
    const server = await serve((request, response) => {
      if (request.path === '/oauth/token')
        setTimeout(() => sendJson(response, 200, { access_token: 'tok-x' }), 30);
      else sendJson(response, 200, {});
    });
    const oauth = new OAuth2Authenticator({
      tokenUrl: '/oauth/token',
      clientId: 'id',
      clientSecret: 'secret-1',
    });
    const { client: http } = client(server, { authenticator: oauth });
    await Promise.all(Array.from({ length: 5 }, (_, i) => http.json({ url: `/r${i}` })));
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
  });

  it('requests refused after a revocation fetch one new token between them, not one each', async () => {
    let issued = 0;
    const rotated: string[] = [];
    const server = await serve((request, response) => {
      if (request.path === '/oauth/token') {
        issued += 1;
        sendJson(response, 200, { access_token: `tok-${issued}`, refresh_token: `refresh-${issued}` });
        return;
      }
      // tok-1 is revoked while five requests carrying it are in flight; their 401s come back one by
      // one, the later ones after the first has already brought tok-2.
      const index = Number(request.path.slice(2));
      if (request.path.startsWith('/r') && request.headers.authorization === 'Bearer tok-1')
        setTimeout(() => sendJson(response, 401, {}), 10 + 60 * index);
      else sendJson(response, 200, { ok: request.headers.authorization });
    });
    const oauth = new OAuth2Authenticator({
      tokenUrl: '/oauth/token',
      clientId: 'id',
      clientSecret: 'secret',
      refreshToken: 'refresh-0',
      onRefreshToken: (token) => rotated.push(token),
    });
    const { client: http } = client(server, { authenticator: oauth });
    await http.json({ url: '/warm-up' });
    const bodies = await Promise.all(Array.from({ length: 5 }, (_, i) => http.json({ url: `/r${i}` })));
    expect(bodies.map((b) => b.body)).toEqual(Array.from({ length: 5 }, () => ({ ok: 'Bearer tok-2' })));
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
    expect(rotated).toEqual(['refresh-1', 'refresh-2']);
  });

  it("asks Marketo's identity endpoint with GET and query parameters", async () => {
    const server = await serve((request, response) => {
      if (request.path === '/identity/oauth/token')
        sendJson(response, 200, { access_token: 'mkto-tok', expires_in: 3599 });
      else sendJson(response, 200, { success: true, result: [] });
    });
    const oauth = new OAuth2Authenticator({
      tokenUrl: `${server.url}/identity/oauth/token`,
      tokenRequest: 'query',
      clientId: 'mkto-id',
      clientSecret: 'mkto-secret',
    });
    const { client: http, lines } = client(server, { authenticator: oauth, baseUrl: `${server.url}/rest` });
    await http.json({ url: '/v1/leads.json' });
    expect(server.requests.map((r) => r.path)).toEqual(['/identity/oauth/token', '/rest/v1/leads.json']);
    const tokenRequest = server.requests[0]!;
    expect(tokenRequest.method).toBe('GET');
    expect(Object.fromEntries(tokenRequest.query)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'mkto-id',
      client_secret: 'mkto-secret',
    });
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer mkto-tok');
    expect(lines.join('\n')).not.toContain('mkto-secret');
  });

  it('reports bad client credentials clearly, without the secret', async () => {
    const server = await serve((request, response) => {
      if (request.path === '/oauth/token')
        sendJson(response, 401, {
          error: 'invalid_client',
          error_description: 'client secret wrong-secret-42 is not valid',
        });
      else sendJson(response, 200, {});
    });
    const oauth = new OAuth2Authenticator({
      tokenUrl: '/oauth/token',
      clientId: 'id',
      clientSecret: 'wrong-secret-42',
    });
    const { client: http, lines } = client(server, { authenticator: oauth });
    const error = (await http
      .json({ url: '/items' }, { stream: 'items' })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('SINGER_AUTH');
    expect(error.describe()).toBe(
      "SINGER_AUTH: stream 'items': could not obtain an OAuth access token: POST /oauth/token: HTTP 401: invalid_client: client secret *** is not valid; check the credentials",
    );
    expect(server.requests).toHaveLength(1);
    expect(`${error.message}${JSON.stringify(error.context)}${lines.join('')}`).not.toContain(
      'wrong-secret-42',
    );
  });

  it('gives up after one fresh token when the API keeps answering 401', async () => {
    let issued = 0;
    const server = await serve((request, response) => {
      if (request.path === '/oauth/token') {
        issued += 1;
        sendJson(response, 200, { access_token: `token-value-${issued}` });
      } else sendJson(response, 401, { message: `token token-value-${issued} lacks scope` });
    });
    const oauth = new OAuth2Authenticator({
      tokenUrl: '/oauth/token',
      clientId: 'id',
      clientSecret: 'secret-1',
    });
    const { client: http } = client(server, { authenticator: oauth });
    const error = (await http.json({ url: '/items' }).catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(
      'GET /items: HTTP 401: token *** lacks scope (a fresh token was tried); check the credentials',
    );
    expect(issued).toBe(2);
    expect(server.requests.map((r) => r.path)).toEqual(['/oauth/token', '/items', '/oauth/token', '/items']);
  });
});

describe('static credentials', () => {
  it('fails on 401 at once with the token masked', async () => {
    const server = await serve((request, response) =>
      sendJson(response, 401, { message: `bad token ${String(request.headers.authorization).slice(7)}` }),
    );
    const { client: http } = client(server, {
      authenticator: new BearerTokenAuthenticator('static-token-9'),
    });
    const error = (await http.json({ url: '/me' }).catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('GET /me: HTTP 401: bad token ***; check the credentials');
    expect(server.requests).toHaveLength(1);
  });

  it('sends HTTP basic credentials', async () => {
    const server = await serve((_request, response) => sendJson(response, 200, {}));
    const { client: http } = client(server, {
      authenticator: new BasicAuthenticator('me@x.com/token', 'pw-1234'),
    });
    await http.json({ url: '/x' });
    expect(server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('me@x.com/token:pw-1234').toString('base64')}`,
    );
  });
});
