/**
 * A client of Snowflake's SQL API v2 over the SDK's HTTP client (undici), no driver. Each statement
 * goes out with a fresh `requestId`; a resubmission after a reset, 5xx or 429 keeps it and says
 * `retry=true`, so Snowflake never runs it twice. A 202 is polled at `statementStatusUrl` with a
 * growing interval; result partitions are fetched when read. Bodies over the size Snowflake accepts
 * are refused before sending.
 *
 * ```ts
 * const client = new SqlApiClient({ baseUrl, authenticator, database: 'RAW', schema: 'ZUORA', warehouse: 'LOAD_WH' });
 * await client.verifyConnection();              // a wrong key fails here, with one clear line
 * const result = await client.execute('MERGE … FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f …',
 *   { bindings: [{ type: 'TEXT', value: JSON.stringify(records) }], context: { stream: 'Account' } });
 * result.stats?.numRowsInserted;
 * for await (const row of result.rows()) …      // partitions after the first are fetched here
 * ```
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthenticationError,
  type ErrorContext,
  HttpClient,
  type HttpTimeouts,
  type JsonResponse,
  type Logger,
  type RetryOptions,
} from '@singer-ts/sdk';
import type { SnowflakeAuthenticator } from '../auth/authenticator.js';
import { SnowflakeAuthenticationError, SnowflakeStatementTooLargeError } from '../errors.js';
import { isQueryStatus, parseSnowflakeError, readResultSet, statusUrlOf } from './responses.js';
import { ResubmissionMarker } from './resubmission.js';
import { StatementResult } from './result.js';

export type Binding = ValueBinding | EscapedTextBinding;

export interface ValueBinding {
  /** Snowflake binding type: `TEXT`, `FIXED`, `REAL`, `BOOLEAN`, `DATE`, `TIMESTAMP_TZ`, … */
  type: string;
  /** Always text, as the API wants it; null for SQL NULL. */
  value: string | null;
}

/**
 * A large TEXT value given as bytes already escaped for a JSON string (a batch's JSON array, encoded
 * once as its records arrived): copied into the request body as they are, never a JS string.
 */
export interface EscapedTextBinding {
  type: 'TEXT';
  escaped: readonly Uint8Array[];
}

export interface SqlApiClientOptions {
  /** `https://<account>.snowflakecomputing.com`, or a proxy, private link or the emulator. */
  baseUrl: string;
  authenticator: SnowflakeAuthenticator;
  /** Session context sent with every statement; exact names, as `SHOW …` prints them. */
  database?: string;
  schema?: string;
  warehouse?: string;
  role?: string;
  /** Seconds a statement may run before Snowflake cancels it (HTTP 408); one hour unless set. */
  statementTimeoutSeconds?: number;
  /** Request bodies above this are refused before sending; 1,000,000 bytes unless set. */
  maxRequestBytes?: number;
  /** Polling of a 202: first wait and longest wait, 250 ms doubling to 5 s unless set. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** `product/version`, required by the API. */
  userAgent?: string;
  /** Tagged on every statement (Snowflake's QUERY_TAG), for the query history. */
  queryTag?: string;
  retry?: RetryOptions;
  timeouts?: HttpTimeouts;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface ExecuteOptions {
  bindings?: readonly Binding[];
  /** Stream and batch being loaded; lands in errors and logs. */
  context?: ErrorContext;
  /** Overrides the client's statement timeout. */
  timeoutSeconds?: number;
}

/** What went over the wire, for the benchmark and the logs. */
export interface SqlApiMetrics {
  statements: number;
  requestBytes: number;
  polls: number;
  partitionsFetched: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 1_000_000;
const STATEMENTS_PATH = '/api/v2/statements';

export class SqlApiClient {
  readonly metrics: SqlApiMetrics = { statements: 0, requestBytes: 0, polls: 0, partitionsFetched: 0 };
  readonly maxRequestBytes: number;
  private readonly http: HttpClient;
  private readonly marker: ResubmissionMarker;
  /** Stands in for escaped bindings in the JSON of a body, where their bytes are spliced in. */
  private readonly placeholder = `singer-ts-binding-${randomUUID()}-`;
  /**
   * Request-sized buffers that spliced bodies are assembled in, reused once their request settles:
   * a load sends one such body per MB of rows, and fresh buffers for each cost more than the copy.
   */
  private readonly freeBodies: Buffer[] = [];
  private readonly pooledBodies = new WeakSet<ArrayBufferLike>();

  constructor(private readonly options: SqlApiClientOptions) {
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.marker = new ResubmissionMarker(options.authenticator);
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      authenticator: this.marker,
      userAgent: options.userAgent ?? 'singer-ts-target-snowflake/0.1.0',
      parseErrorBody: parseSnowflakeError,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** Resubmissions sent with `retry=true` so far. */
  get resubmissions(): number {
    return this.marker.resubmissions;
  }

  /** Bytes of the request body `execute` would send; a sink sizes its batches with it. */
  requestBytes(statement: string, options: ExecuteOptions = {}): number {
    return byteSize(this.body(statement, options, 1));
  }

  /** One statement; `?` placeholders take `bindings` in order. */
  async execute(statement: string, options: ExecuteOptions = {}): Promise<StatementResult> {
    const body = this.body(statement, options, 1);
    try {
      return await this.submit(body, options.context ?? {});
    } finally {
      // The request has settled: no retry will send the body again.
      if (typeof body !== 'string' && this.pooledBodies.has(body.buffer))
        this.freeBodies.push(Buffer.from(body.buffer, 0, this.maxRequestBytes));
    }
  }

  /**
   * Several statements in one request (`MULTI_STATEMENT_COUNT`), e.g. `BEGIN`, `DELETE`, `INSERT …
   * SELECT`, `COMMIT`: they run in order and a failure stops the rest. Bindings are not allowed.
   */
  executeMany(
    statements: readonly string[],
    options: Omit<ExecuteOptions, 'bindings'> = {},
  ): Promise<StatementResult> {
    const text = statements.map((statement) => statement.trim().replace(/;\s*$/, '')).join(';\n');
    return this.submit(this.body(text, options, statements.length), options.context ?? {});
  }

  /** Asks Snowflake to cancel a running statement; false when it had already finished. */
  async cancel(handle: string): Promise<boolean> {
    try {
      await this.http.json({
        method: 'POST',
        url: `${STATEMENTS_PATH}/${encodeURIComponent(handle)}/cancel`,
        json: {},
      });
      return true;
    } catch (error) {
      if ((error as { snowflakeCode?: string }).snowflakeCode !== undefined) return false;
      throw error;
    }
  }

  /**
   * A first statement before any record is read: wrong or unregistered keys, expired tokens, a
   * wrong account and a missing database, schema, warehouse or role fail here with one line.
   */
  async verifyConnection(): Promise<void> {
    try {
      await this.execute('SELECT CURRENT_VERSION()');
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const who = this.options.authenticator.describe();
      const advice =
        this.options.authenticator.type === 'KEYPAIR_JWT'
          ? 'check that this public key is set on the user (ALTER USER … SET RSA_PUBLIC_KEY = …; DESCRIBE USER shows RSA_PUBLIC_KEY_FP), that account and user are right, and that the clock is correct'
          : 'check that the token is valid, unexpired and of the type set in token_type';
      throw new SnowflakeAuthenticationError(`Snowflake refused ${who}: ${advice}`, {}, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * The request body: JSON text, or bytes when a binding is escaped bytes (the JSON is written with
   * a placeholder for each such value, and the bytes are spliced in where it stands).
   */
  private body(statement: string, options: ExecuteOptions, count: number): string | Buffer {
    const spliced: (readonly Uint8Array[])[] = [];
    const bindings = (options.bindings ?? []).map((binding): ValueBinding => {
      if (!('escaped' in binding)) return binding;
      spliced.push(binding.escaped);
      return { type: binding.type, value: `${this.placeholder}${spliced.length - 1}` };
    });
    const json = this.json(statement, options, count, bindings);
    if (spliced.length === 0) return json;
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const [index, escaped] of spliced.entries()) {
      const at = json.indexOf(`"${this.placeholder}${index}"`, from) + 1;
      parts.push(Buffer.from(json.slice(from, at), 'utf8'), ...escaped);
      from = at + this.placeholder.length + String(index).length;
    }
    parts.push(Buffer.from(json.slice(from), 'utf8'));
    let size = 0;
    for (const part of parts) size += part.length;
    // Too large to send: assembled anyway (submit refuses it with its size), not in a pooled buffer.
    if (size > this.maxRequestBytes) return Buffer.concat(parts, size);
    let body = this.freeBodies.pop();
    if (body === undefined) {
      body = Buffer.allocUnsafeSlow(this.maxRequestBytes);
      this.pooledBodies.add(body.buffer);
    }
    let at = 0;
    for (const part of parts) {
      body.set(part, at);
      at += part.length;
    }
    return body.subarray(0, size);
  }

  private json(
    statement: string,
    options: ExecuteOptions,
    count: number,
    bindings: readonly ValueBinding[],
  ): string {
    const { database, schema, warehouse, role, queryTag } = this.options;
    return JSON.stringify({
      statement,
      timeout: options.timeoutSeconds ?? this.options.statementTimeoutSeconds ?? 3600,
      ...(database === undefined ? {} : { database }),
      ...(schema === undefined ? {} : { schema }),
      ...(warehouse === undefined ? {} : { warehouse }),
      ...(role === undefined ? {} : { role }),
      ...(bindings.length === 0
        ? {}
        : { bindings: Object.fromEntries(bindings.map((binding, index) => [String(index + 1), binding])) }),
      parameters: {
        timezone: 'UTC',
        ...(count === 1 ? {} : { MULTI_STATEMENT_COUNT: String(count) }),
        ...(queryTag === undefined ? {} : { query_tag: queryTag }),
      },
    });
  }

  private async submit(body: string | Buffer, context: ErrorContext): Promise<StatementResult> {
    const bytes = byteSize(body);
    if (bytes > this.maxRequestBytes)
      throw new SnowflakeStatementTooLargeError(
        `the statement request is ${bytes} bytes, over the ${this.maxRequestBytes} bytes Snowflake accepts in one request; it was not sent`,
        context,
      );
    const requestId = randomUUID();
    this.metrics.statements += 1;
    this.metrics.requestBytes += bytes;
    try {
      let response = await this.http.json(
        {
          method: 'POST',
          url: STATEMENTS_PATH,
          query: { requestId },
          headers: { 'content-type': 'application/json' },
          body,
          endpoint: STATEMENTS_PATH,
        },
        context,
      );
      response = await this.untilDone(response, context);
      return new StatementResult(readResultSet(response.body), requestId, (handle, partition) =>
        this.fetchPartition(handle, partition, context),
      );
    } finally {
      this.marker.settled(requestId);
    }
  }

  /** Polls a 202 at its `statementStatusUrl`, waiting longer each time, until it is answered. */
  private async untilDone(first: JsonResponse, context: ErrorContext): Promise<JsonResponse> {
    let response = first;
    let waitMs = this.options.pollInitialMs ?? 250;
    const maxWaitMs = this.options.pollMaxMs ?? 5_000;
    while (response.status === 202 || isQueryStatus(response.body)) {
      const url = statusUrlOf(response.body);
      await sleep(waitMs, undefined, { signal: this.options.signal });
      waitMs = Math.min(waitMs * 2, maxWaitMs);
      this.metrics.polls += 1;
      response = await this.http.json({ url, endpoint: `${STATEMENTS_PATH}/{handle}` }, context);
    }
    return response;
  }

  private async fetchPartition(handle: string, partition: number, context: ErrorContext) {
    this.metrics.partitionsFetched += 1;
    const response = await this.http.json<{ data?: unknown }>(
      {
        url: `${STATEMENTS_PATH}/${encodeURIComponent(handle)}`,
        query: { partition },
        endpoint: `${STATEMENTS_PATH}/{handle}`,
      },
      context,
    );
    return Array.isArray(response.body.data) ? (response.body.data as (string | null)[][]) : [];
  }
}

function byteSize(body: string | Buffer): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
}
