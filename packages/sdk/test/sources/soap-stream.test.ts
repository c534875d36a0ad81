import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorInfo } from '../../src/connector.js';
import type { RequestTiming } from '../../src/http/client.js';
import { isExactNumber } from '../../src/json/lossless-json.js';
import { Logger } from '../../src/logging.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';
import {
  SoapConnection,
  SoapFaultError,
  SoapLoginError,
  SoapRequestError,
  SoapWsdlError,
} from '../../src/sources/soap-client.js';
import { SOAPStream, SoapPagingError } from '../../src/sources/soap-stream.js';
import type { StreamContext, StreamHost } from '../../src/tap/stream.js';
import { Tap } from '../../src/tap/tap.js';
import { runConnector } from '../../src/testing/run.js';
import { type DataService, startDataService, WSDL_FILE } from './fixtures/data-service.js';

interface TestConfig {
  url: string;
  username: string;
  password: string;
  query?: string;
}

const logger = new Logger({ name: 'test', sink: () => undefined });
const ACCOUNT_SCHEMA: JSONSchema = {
  type: 'object',
  properties: {
    Id: { type: 'string' },
    Name: { type: ['string', 'null'] },
    Balance: { type: ['number', 'null'] },
    Employees: { type: ['integer', 'null'] },
    UpdatedAt: { type: 'string', format: 'date-time' },
  },
};

class AccountsStream extends SOAPStream<Record<string, unknown>, TestConfig> {
  readonly name = 'accounts';
  readonly schema = ACCOUNT_SCHEMA;
  override readonly primaryKeys = ['Id'];
  override readonly replicationKey = 'UpdatedAt';

  constructor(
    host: StreamHost<TestConfig>,
    readonly connection: SoapConnection,
  ) {
    super(host);
  }

  queryArgs(context: StreamContext): Record<string, unknown> {
    const since = context.startingValue ? ` WHERE UpdatedAt >= ${String(context.startingValue)}` : '';
    return { queryString: `${this.config.query ?? 'SELECT Id FROM Account'}${since}` };
  }
}

class AccountsTap extends Tap<TestConfig> {
  static override info: ConnectorInfo = {
    name: 'tap-soap-test',
    version: '0.0.0',
    description: 'SOAPStream test tap',
    kind: 'tap',
    capabilities: ['catalog', 'discover', 'state'],
    settings: {
      type: 'object',
      required: ['url', 'username', 'password'],
      properties: {
        url: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string', secret: true },
        query: { type: 'string' },
      },
    },
  };

  readonly connection = new SoapConnection({
    wsdl: `${this.config.url}?wsdl`,
    login: { args: { username: this.config.username, password: this.config.password } },
    logger: this.logger,
    onRequest: this.requestObservers().onRequest,
  });

  override discoverStreams(): AccountsStream[] {
    return [new AccountsStream(this, this.connection)];
  }
}

let service: DataService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

function context(startingValue?: unknown): StreamContext {
  return {
    bookmark: {},
    signal: new AbortController().signal,
    ...(startingValue !== undefined ? { startingValue } : {}),
  };
}

function accounts(connection: SoapConnection, config: Partial<TestConfig> = {}): AccountsStream {
  return new AccountsStream(
    { config: { url: '', username: '', password: '', ...config }, logger },
    connection,
  );
}

async function collect(stream: AccountsStream, startingValue?: unknown): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of stream.getRecords(context(startingValue))) rows.push(row);
  return rows;
}

const LOGIN = { args: { username: 'ada', password: 's3cret-pw' } };

describe('SOAPStream', () => {
  it('pages through query then queryMore until done, keeping numbers exact and timestamps as sent', async () => {
    service = await startDataService({ pageSize: 10 });
    const connection = new SoapConnection({ wsdl: `${service.url}?wsdl`, login: LOGIN });
    const rows = await collect(accounts(connection));
    expect(rows).toHaveLength(25);
    expect(rows.map((row) => row.Id)).toEqual(
      Array.from({ length: 25 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`),
    );
    expect(service.calls.map((call) => call.operation)).toEqual(['login', 'query', 'queryMore', 'queryMore']);
    const [first, second] = rows;
    expect(isExactNumber(first!.Balance)).toBe(true);
    expect(String(first!.Balance)).toBe('12345678901234567890.12');
    expect(String(first!.Employees)).toBe('9007199254740993');
    expect(second).toEqual({
      Id: 'A002',
      Name: 'Account 2',
      Balance: 2.5,
      Employees: 2,
      UpdatedAt: '2024-01-02T10:00:00.123456+02:00',
    });
  });

  it('logs in once per connection and sends the session id in the SessionHeader of every call', async () => {
    service = await startDataService({ pageSize: 10 });
    const connection = new SoapConnection({ wsdl: WSDL_FILE, endpoint: service.url, login: LOGIN });
    await collect(accounts(connection));
    await collect(accounts(connection));
    const logins = service.calls.filter((call) => call.operation === 'login');
    expect(logins).toHaveLength(1);
    const sessionIds = new Set(
      service.calls.filter((call) => call.operation !== 'login').map((c) => c.sessionId),
    );
    expect(sessionIds.size).toBe(1);
    expect([...sessionIds][0]).toMatch(/^session-/);
  });

  it('logs in again once when the server says the session expired', async () => {
    service = await startDataService({ pageSize: 10, sessionLifetime: 2 });
    const connection = new SoapConnection({ wsdl: `${service.url}?wsdl`, login: LOGIN });
    expect(await collect(accounts(connection))).toHaveLength(25);
    expect(service.calls.map((call) => call.operation)).toEqual([
      'login',
      'query',
      'queryMore',
      'queryMore',
      'login',
      'queryMore',
    ]);
  });

  it('streams sharing a connection whose session expires log in once together and all finish', async () => {
    service = await startDataService({ pageSize: 5, sessionLifetime: 8 });
    const connection = new SoapConnection({ wsdl: `${service.url}?wsdl`, login: LOGIN });
    const runs = await Promise.all([1, 2, 3, 4].map(() => collect(accounts(connection))));
    for (const rows of runs) expect(rows).toHaveLength(25);
    // 4 streams x 5 pages = 20 calls, a session serving 8: the streams failing together log in once.
    const logins = service.calls.filter((call) => call.operation === 'login').length;
    expect(logins).toBeLessThanOrEqual(1 + Math.ceil(20 / 8));
    // Never more than one session header on a call.
    expect(
      service.calls.every((call) => call.operation === 'login' || typeof call.sessionId === 'string'),
    ).toBe(true);
  });

  it('turns a SOAP fault into SoapFaultError with the fault code, operation and stream', async () => {
    service = await startDataService();
    const connection = new SoapConnection({ wsdl: `${service.url}?wsdl`, login: LOGIN });
    const error = await collect(accounts(connection, { query: 'SELECT FAIL' })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SoapFaultError);
    const fault = error as SoapFaultError;
    expect(fault.code).toBe('SINGER_SOAP_FAULT');
    expect(fault.faultCode).toBe('sf:MALFORMED_QUERY');
    expect(fault.operation).toBe('query');
    expect(fault.describe()).toBe(
      "SINGER_SOAP_FAULT: stream 'accounts': query returned SOAP fault sf:MALFORMED_QUERY: MALFORMED_QUERY: unexpected token: 'FAIL'",
    );
  });

  it('reports bad credentials as SoapLoginError with the fault code and without the password', async () => {
    service = await startDataService();
    const connection = new SoapConnection({
      wsdl: `${service.url}?wsdl`,
      login: { args: { username: 'ada', password: 'wrong-password' } },
    });
    const error = (await collect(accounts(connection)).catch((caught: unknown) => caught)) as SoapLoginError;
    expect(error).toBeInstanceOf(SoapLoginError);
    expect(error.code).toBe('SINGER_SOAP_LOGIN');
    expect(error.faultCode).toBe('sf:INVALID_LOGIN');
    expect(error.message).toMatch(
      /^login failed: login returned SOAP fault sf:INVALID_LOGIN: .*check the credentials/,
    );
    expect(error.message).not.toContain('wrong-password');
    expect(service.calls.map((call) => call.operation)).toEqual(['login']);
  });

  it('fails clearly on paging that claims more pages without a queryLocator', async () => {
    service = await startDataService({ pageSize: 10, brokenPaging: true });
    const connection = new SoapConnection({ wsdl: `${service.url}?wsdl`, login: LOGIN });
    const error = await collect(accounts(connection)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SoapPagingError);
    expect((error as SoapPagingError).describe()).toMatch(
      /stream 'accounts': query said more records follow/,
    );
  });

  it('tries a call again after a fault the vendor calls temporary, and fails at once on any other', async () => {
    service = await startDataService({ pageSize: 10, unavailableQueries: 2 });
    const lines: string[] = [];
    const timings: RequestTiming[] = [];
    const connection = new SoapConnection({
      wsdl: `${service.url}?wsdl`,
      login: LOGIN,
      logger: new Logger({ name: 'test', sink: (line) => lines.push(line) }),
      retry: { baseDelayMs: 1 },
      isTransientFault: (fault) => /SERVER_UNAVAILABLE/.test(fault.faultCode),
      onRequest: (timing) => timings.push(timing),
    });
    expect(await collect(accounts(connection))).toHaveLength(25);
    expect(service.calls.filter((call) => call.operation === 'query')).toHaveLength(3);
    // Every attempt is reported, as the HTTP client reports them: the faults as failed requests.
    expect(timings.map((t) => [t.path, t.attempt, t.status, t.ok, t.context.stream])).toEqual([
      ['login', 1, 200, true, undefined],
      ['query', 1, 500, false, 'accounts'],
      ['query', 2, 500, false, 'accounts'],
      ['query', 3, 200, true, 'accounts'],
      ['queryMore', 1, 200, true, 'accounts'],
      ['queryMore', 1, 200, true, 'accounts'],
    ]);
    expect(timings.every((t) => t.durationMs >= 0)).toBe(true);
    expect(
      lines.filter((line) => /SOAP query failed .*SERVER_UNAVAILABLE.*attempt \d of 5/.test(line)),
    ).toHaveLength(2);

    await service.close();
    service = await startDataService({ pageSize: 10, unavailableQueries: 1 });
    const plain = new SoapConnection({
      wsdl: `${service.url}?wsdl`,
      login: LOGIN,
      retry: { baseDelayMs: 1 },
    });
    const error = await collect(accounts(plain)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SoapFaultError);
    expect((error as SoapFaultError).faultCode).toBe('sf:SERVER_UNAVAILABLE');
    expect(service.calls.filter((call) => call.operation === 'query')).toHaveLength(1);
  });

  it('reports an unreachable service and a missing WSDL with their own codes', async () => {
    service = await startDataService();
    const address = service.url;
    await service.close();
    service = undefined;
    const down = new SoapConnection({ wsdl: WSDL_FILE, endpoint: address, login: LOGIN });
    const request = await collect(accounts(down)).catch((caught: unknown) => caught);
    expect(request).toBeInstanceOf(SoapRequestError);
    expect((request as SoapRequestError).message).toMatch(/^login failed: ECONNREFUSED/);
    const missing = new SoapConnection({ wsdl: '/nonexistent/service.wsdl' });
    const wsdl = await collect(accounts(missing)).catch((caught: unknown) => caught);
    expect(wsdl).toBeInstanceOf(SoapWsdlError);
    expect((wsdl as SoapWsdlError).exitCode).toBe(2);
  });
});

describe('a tap built on SOAPStream', () => {
  it('syncs every page, emits UTC timestamps and exact numbers, and resumes from its bookmark', async () => {
    service = await startDataService({ pageSize: 7 });
    const config = { url: service.url, username: 'ada', password: 's3cret-pw' };
    const first = await runConnector(AccountsTap, { config });
    expect(first.exitCode).toBe(0);
    expect(first.records('accounts')).toHaveLength(25);
    expect(first.records('accounts')[1]!.UpdatedAt).toBe('2024-01-02T08:00:00.123456Z');
    expect(first.stdout).toContain('"Balance":12345678901234567890.12');
    const bookmark = (first.lastState() as { bookmarks: Record<string, { replication_key_value: string }> })
      .bookmarks.accounts!.replication_key_value;
    expect(bookmark).toBe('2024-01-25T08:00:00.123456Z');
    // SOAP calls count in the summary as HTTP requests do (query + 3 queryMore; the login is no stream's).
    expect(first.stderr).toContain('summary accounts (succeeded): 25 records emitted, 4 pages in 4 requests');
    const second = await runConnector(AccountsTap, { config, state: first.lastState() });
    expect(second.exitCode).toBe(0);
    expect(second.records('accounts').map((record) => record.Id)).toEqual(['A025']);
  });

  it('exits non-zero without emitting RECORDs when login fails, naming the fault code but not the password', async () => {
    service = await startDataService();
    const result = await runConnector(AccountsTap, {
      config: { url: service.url, username: 'ada', password: 'not-the-password' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.messages.filter((message) => message.type === 'RECORD')).toEqual([]);
    expect(result.stderr).toMatch(/SINGER_SOAP_LOGIN: stream 'accounts': login failed: .*sf:INVALID_LOGIN/);
    expect(result.stderr).not.toContain('not-the-password');
  });
});
