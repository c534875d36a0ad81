import { describe, expect, it } from 'vitest';
import { OAuth2Authenticator } from '../../src/http/auth.js';
import { HttpRateLimitedError, VendorApiError } from '../../src/http/errors.js';
import type { ErrorBodyParser } from '../../src/http/types.js';
import { httpHarness, sendJson } from './server.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** What a Marketo connector would pass: errors arrive inside HTTP 200 bodies. */
const marketoErrors: ErrorBodyParser = (body) => {
  const envelope = body as { success?: boolean; errors?: { code?: string; message?: string }[] } | undefined;
  if (envelope?.success !== false) return undefined;
  const first = envelope.errors?.[0] ?? {};
  const code = String(first.code ?? '');
  return {
    message: `${code} ${first.message ?? 'unknown error'}`,
    code,
    rateLimited: code === '606' || code === '615',
    ...(code === '606' ? { retryAfterMs: 100 } : {}),
    reauthenticate: code === '601' || code === '602',
  };
};

const { serve, client } = httpHarness({ retry: { baseDelayMs: 5 }, parseErrorBody: marketoErrors });

describe('errors inside HTTP 200 bodies', () => {
  it('retries a Marketo rate-limit error (606) after the wait the hook names', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0)
        sendJson(response, 200, {
          requestId: 'a1',
          success: false,
          errors: [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }],
        });
      else sendJson(response, 200, { requestId: 'a2', result: [{ id: 1 }, { id: 2 }], success: true });
    });
    const { client: http } = client(server);
    const started = Date.now();
    const page = await http.records({ url: '/rest/v1/leads.json' }, { recordsPath: 'result.*' });
    expect(await collect(page)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(server.requests).toHaveLength(2);
  });

  it('stops on a fatal vendor error with its code and message', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 200, {
        requestId: 'b',
        success: false,
        errors: [{ code: '1003', message: 'Invalid filterType' }],
      }),
    );
    const { client: http } = client(server);
    const error = (await http
      .records({ url: '/rest/v1/leads.json' }, { recordsPath: 'result.*', context: { stream: 'leads' } })
      .catch((e: unknown) => e)) as VendorApiError;
    expect(error).toBeInstanceOf(VendorApiError);
    expect(error.code).toBe('SINGER_HTTP_VENDOR_ERROR');
    expect(error.context.vendorCode).toBe('1003');
    expect(error.describe()).toBe(
      "SINGER_HTTP_VENDOR_ERROR: stream 'leads': GET /rest/v1/leads.json: vendor error: 1003 Invalid filterType",
    );
    expect(server.requests).toHaveLength(1);
  });

  it('names the rate limit when a vendor keeps refusing', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 200, {
        success: false,
        errors: [{ code: '615', message: 'Concurrent access limit reached' }],
      }),
    );
    const { client: http } = client(server, { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await http.json({ url: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRateLimitedError);
    expect((error as Error).message).toBe(
      'GET /x: vendor error: 615 Concurrent access limit reached (gave up after 2 attempts)',
    );
  });

  it('gets a new token when the vendor says the token expired (601), once', async () => {
    let issued = 0;
    const server = await serve((request, response) => {
      if (request.path === '/identity/oauth/token') {
        issued += 1;
        sendJson(response, 200, { access_token: `mkto-${issued}`, expires_in: 3600 });
      } else if (request.headers.authorization === 'Bearer mkto-1')
        sendJson(response, 200, {
          success: false,
          errors: [{ code: '601', message: 'Access token invalid' }],
        });
      else sendJson(response, 200, { success: true, result: [{ id: 7 }] });
    });
    const authenticator = new OAuth2Authenticator({
      tokenUrl: '/identity/oauth/token',
      tokenRequest: 'query',
      clientId: 'id',
      clientSecret: 'secret-1',
    });
    const { client: http } = client(server, { authenticator });
    const page = await http.records({ url: '/rest/v1/leads.json' }, { recordsPath: 'result.*' });
    expect(await collect(page)).toEqual([{ id: 7 }]);
    expect(issued).toBe(2);
  });

  it('reports a vendor error that comes after records were emitted, pointing at bufferPage', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 200, {
        result: [{ id: 1 }],
        success: false,
        errors: [{ code: '1029', message: 'Too many jobs' }],
      }),
    );
    const { client: http } = client(server);
    const page = await http.records({ url: '/x' }, { recordsPath: 'result.*' });
    const error = await collect(page).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorApiError);
    expect((error as Error).message).toMatch(
      /1029 Too many jobs, after 1 records of the page were emitted \(set bufferPage/,
    );

    const buffered = await http
      .records({ url: '/x' }, { recordsPath: 'result.*', bufferPage: true })
      .catch((e: unknown) => e);
    expect(buffered).toBeInstanceOf(VendorApiError);
  });

  it('reads a Zuora-style error list from a 4xx body', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 400, {
        success: false,
        reasons: [{ code: 53100020, message: "'zoql' is invalid" }],
      }),
    );
    const { client: http } = client(server, { parseErrorBody: undefined });
    const error = await http
      .json({ method: 'POST', url: '/v1/batch-query/', json: {} })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("POST /v1/batch-query/: HTTP 400: 53100020 'zoql' is invalid");
  });
});
