/**
 * An emulator of Snowflake's SQL API v2 on 127.0.0.1, backed by DuckDB: submit, status (with result
 * partitions) and cancel, the API's auth, 200 vs 202 by a sync window, statement timeouts, requestId
 * de-duplication with `retry=true`, body-size rejection, injected faults, typed error bodies.
 *
 * ```ts
 * const emulator = await SnowflakeEmulator.start({ account: 'MYORG-ANALYTICS',
 *   users: [{ name: 'LOADER', publicKeys: [publicPem] }], databases: [{ name: 'RAW', schemas: ['ZUORA'] }] });
 * // base_url: emulator.url
 * await emulator.close();
 * ```
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { Credentials, type EmulatedToken, type EmulatedUser } from './auth.js';
import { SqlEngine } from './engine.js';
import { type Fault, FaultPlan } from './faults.js';
import { StatementLifecycle } from './lifecycle.js';
import { quoteDuck } from './names.js';
import { type StatementEntry, StatementRegistry } from './registry.js';
import { header, parseSubmitBody, readBody, type SubmitBody } from './request.js';
import { type Cell, rowType } from './results.js';
import { sqlErrors } from './sql-errors.js';

export interface EmulatorOptions {
  /** The account as JWTs name it: upper case, region stripped (`MYORG-ANALYTICS`, `XY12345`). */
  account: string;
  users?: EmulatedUser[];
  tokens?: EmulatedToken[];
  /** Created at start; each also gets a PUBLIC schema. Names are exact (case-sensitive). */
  databases?: { name: string; schemas?: string[] }[];
  /** When set, a request naming another warehouse or role fails, as on an account without them. */
  warehouses?: string[];
  roles?: string[];
  /** A statement that takes longer than this answers 202; Snowflake waits about 45 s. */
  syncWindowMs?: number;
  /** Artificial run time before a statement executes (per statement text when a function). */
  statementDelayMs?: number | ((statement: string) => number);
  /** Result partition size; small values give tests several partitions. */
  partitionRows?: number;
  partitionBytes?: number;
  /** Request bodies larger than this draw 413; about 1 MB as for Snowflake's statements. */
  maxBodyBytes?: number;
  /** The emulator's clock (epoch ms), for token expiry. */
  now?: () => number;
  port?: number;
  /** Threads DuckDB may use (its default: one per core); the benchmark gives it one, as a PostgreSQL backend has. */
  threads?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  requestId: string | undefined;
  retry: boolean;
  status: number;
  /** Why auth failed, when it did (Snowflake shows this only in the login history). */
  authFailure?: string;
  /** The accepted JWT's `iat`: which token a request carried, to see a long run re-sign. */
  tokenIssuedAt?: number;
  bodyBytes: number;
}

const STATEMENTS_PATH = '/api/v2/statements';
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class SnowflakeEmulator {
  readonly faults = new FaultPlan();
  readonly statements = new StatementRegistry();
  /** Every request answered (or dropped), in order. */
  readonly requests: RequestLogEntry[] = [];
  private readonly credentials: Credentials;
  private readonly lifecycle: StatementLifecycle;

  private constructor(
    private readonly options: EmulatorOptions,
    readonly engine: SqlEngine,
    private readonly server: Server,
  ) {
    this.lifecycle = new StatementLifecycle(engine, this.statements, options, () => this.now(), this.faults);
    this.credentials = new Credentials(
      options.account.toUpperCase(),
      options.users ?? [],
      options.tokens ?? [],
    );
  }

  static async start(options: EmulatorOptions): Promise<SnowflakeEmulator> {
    const engine = await SqlEngine.create(options.threads);
    for (const database of options.databases ?? []) {
      await engine.setup(`CREATE DATABASE IF NOT EXISTS ${quoted(database.name)}`);
      for (const schema of database.schemas ?? [])
        await engine.setup(`CREATE SCHEMA IF NOT EXISTS ${quoted(database.name)}.${quoted(schema)}`);
    }
    const server = createServer();
    const emulator = new SnowflakeEmulator(options, engine, server);
    server.on('request', (request, response) => {
      emulator.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) emulator.send(response, 500, { code: '000603', message: String(error) });
      });
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return emulator;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** How many times the statement(s) sent with `requestId` were executed. */
  appliedCount(requestId: string): number {
    return this.statements.appliedCount(requestId);
  }

  injectFault(fault: Fault): void {
    this.faults.add(fault);
  }

  /** Runs SQL directly (no HTTP, no auth): setup and assertions in tests. */
  async sql(statement: string, database?: string, schema?: string): Promise<Cell[][]> {
    const outcome = await this.engine.execute({
      statement,
      database,
      schema,
      bindings: [],
      statementCount: 1,
    });
    return outcome.kind === 'single' ? outcome.result.rows : [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.engine.close();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const log: RequestLogEntry = {
      method: request.method ?? 'GET',
      path: url.pathname,
      requestId: url.searchParams.get('requestId') ?? undefined,
      retry: url.searchParams.get('retry') === 'true',
      status: 0,
      bodyBytes: 0,
    };
    this.requests.push(log);
    response.on('finish', () => {
      log.status = response.statusCode;
    });
    const route = this.route(request.method ?? 'GET', url.pathname);
    if (route.kind === 'missing') return this.send(response, 404, { message: 'Not found' });
    if (route.kind === 'method') return this.send(response, 405, { message: 'Method not allowed' });

    const fault = this.faults.take(route.kind);
    if (fault !== undefined && 'resetBeforeExecute' in fault) {
      request.socket.destroy();
      return;
    }
    if (fault !== undefined && 'status' in fault) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return this.send(
        response,
        fault.status,
        fault.status === 429 ? undefined : { message: 'injected' },
        headers,
      );
    }

    const auth = this.credentials.check(
      request.headers.authorization,
      header(request, 'x-snowflake-authorization-token-type'),
      this.now(),
    );
    if (!auth.ok) {
      log.authFailure = auth.reason;
      const body =
        auth.type === 'KEYPAIR_JWT' || auth.type === undefined
          ? { code: '390144', message: `JWT token is invalid. [${randomUUID()}]` }
          : { code: '390303', message: `Invalid OAuth access token. [${randomUUID()}]` };
      return this.send(response, 401, body);
    }
    if (auth.issuedAt !== undefined) log.tokenIssuedAt = auth.issuedAt;
    if (!header(request, 'user-agent'))
      return this.send(response, 400, { message: 'User-Agent header is required' });

    if (route.kind === 'status') return this.status(route.handle, url, request, response);
    if (route.kind === 'cancel') return this.cancel(route.handle, response);

    if (!/^application\/json\b/i.test(header(request, 'content-type') ?? ''))
      return this.send(response, 415, { message: 'Unsupported media type; use application/json' });
    const body = await readBody(request, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (body === undefined) {
      log.bodyBytes = Number(request.headers['content-length'] ?? 0);
      this.send(response, 413, { message: 'Request Entity Too Large' }, { connection: 'close' });
      return;
    }
    log.bodyBytes = body.length;
    await this.submit(body, url, response, fault);
  }

  private route(
    method: string,
    path: string,
  ):
    | { kind: 'submit' }
    | { kind: 'status'; handle: string }
    | { kind: 'cancel'; handle: string }
    | { kind: 'missing' }
    | { kind: 'method' } {
    if (path === STATEMENTS_PATH) return method === 'POST' ? { kind: 'submit' } : { kind: 'method' };
    const match = /^\/api\/v2\/statements\/([^/]+)(\/cancel)?$/.exec(path);
    if (!match) return { kind: 'missing' };
    const handle = decodeURIComponent(match[1]!);
    if (match[2] !== undefined) return method === 'POST' ? { kind: 'cancel', handle } : { kind: 'method' };
    return method === 'GET' ? { kind: 'status', handle } : { kind: 'method' };
  }

  private async submit(
    raw: Buffer,
    url: URL,
    response: ServerResponse,
    fault: Fault | undefined,
  ): Promise<void> {
    let body: SubmitBody;
    try {
      body = parseSubmitBody(raw);
    } catch (error) {
      return this.send(response, 400, { code: '391902', message: (error as Error).message });
    }
    const requestId = url.searchParams.get('requestId') ?? undefined;
    const retry = url.searchParams.get('retry') === 'true';
    const previous = requestId === undefined ? undefined : this.statements.forRequest(requestId);
    if (previous !== undefined && retry) return this.answer(previous, url, response, 0);

    const entry = await this.lifecycle.start(body, requestId);
    if (fault !== undefined && 'dropAfterExecute' in fault) {
      await entry.done;
      response.socket?.destroy();
      return;
    }
    const wait = url.searchParams.get('async') === 'true' ? 0 : (this.options.syncWindowMs ?? 45_000);
    await this.answer(entry, url, response, wait);
  }

  /** 200 with the result, 422 / 408 with the failure, or 202 if still running after `waitMs`. */
  private async answer(
    entry: StatementEntry,
    url: URL,
    response: ServerResponse,
    waitMs: number,
  ): Promise<void> {
    if (entry.state === 'running' && waitMs > 0) {
      await Promise.race([entry.done, sleep(waitMs)]);
    }
    const statusUrl = `${STATEMENTS_PATH}/${entry.handle}${entry.requestId ? `?requestId=${entry.requestId}` : ''}`;
    const base = { statementHandle: entry.handle, createdOn: entry.createdOn, statementStatusUrl: statusUrl };
    if (entry.state === 'running')
      return this.send(response, 202, {
        code: '333334',
        sqlState: '01000',
        message:
          'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
        ...base,
      });
    if (entry.state === 'failed' || entry.state === 'cancelled' || entry.state === 'timedout') {
      const error = entry.error!;
      return this.send(response, entry.state === 'timedout' ? 408 : 422, {
        code: error.code,
        sqlState: error.sqlState,
        message: error.message,
        ...base,
      });
    }
    const nullable = url.searchParams.get('nullable') !== 'false';
    const first = entry.partitions[0]!;
    this.send(response, 200, {
      resultSetMetaData: {
        numRows: entry.numRows,
        format: 'jsonv2',
        partitionInfo: entry.partitions.map((part) => ({
          rowCount: part.rows.length,
          uncompressedSize: part.uncompressedSize,
        })),
        rowType: rowType(entry.columns),
      },
      data: nullable ? first.rows : nullsAsText(first.rows),
      code: '090001',
      sqlState: '00000',
      message: 'Statement executed successfully.',
      ...base,
      ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
      ...(entry.stats === undefined ? {} : { stats: entry.stats }),
      ...(entry.statementHandles === undefined ? {} : { statementHandles: entry.statementHandles }),
    });
  }

  private async status(
    handle: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const entry = this.statements.get(handle);
    if (entry === undefined) return this.send(response, 404, { message: `Statement ${handle} not found` });
    const partitionParam = url.searchParams.get('partition');
    const index = partitionParam === null ? 0 : Number(partitionParam);
    if (entry.state !== 'succeeded' || index === 0) return this.answer(entry, url, response, 0);
    const part = entry.partitions[index];
    if (!Number.isInteger(index) || part === undefined)
      return this.send(response, 422, {
        code: '000709',
        sqlState: '02000',
        message: `Partition ${partitionParam} does not exist; the result has ${entry.partitions.length}.`,
        statementHandle: handle,
      });
    const rows = url.searchParams.get('nullable') === 'false' ? nullsAsText(part.rows) : part.rows;
    const text = JSON.stringify({ data: rows });
    if (/\bgzip\b/.test(header(request, 'accept-encoding') ?? '')) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(text));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(text);
  }

  private cancel(handle: string, response: ServerResponse): void {
    const entry = this.statements.get(handle);
    if (entry === undefined) {
      this.send(response, 404, { message: `Statement ${handle} not found` });
      return;
    }
    const statementStatusUrl = `${STATEMENTS_PATH}/${handle}`;
    if (entry.state !== 'running') {
      this.send(response, 422, {
        code: '000709',
        sqlState: '02000',
        message: `Statement ${handle} cannot be canceled: it is no longer running.`,
        statementHandle: handle,
        statementStatusUrl,
      });
      return;
    }
    entry.state = 'cancelled';
    entry.error = sqlErrors.canceled();
    entry.abort.abort();
    this.send(response, 200, {
      code: '000604',
      sqlState: '57014',
      message: 'successfully canceled',
      statementHandle: handle,
      statementStatusUrl,
    });
  }

  private send(
    response: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (body === undefined) {
      response.writeHead(status, headers);
      response.end();
      return;
    }
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }
}

function nullsAsText(rows: readonly Cell[][]): Cell[][] {
  return rows.map((row) => row.map((cell) => cell ?? 'null'));
}

/** An exact Snowflake name, quoted for the setup SQL. */
function quoted(name: string): string {
  return quoteDuck(name);
}
