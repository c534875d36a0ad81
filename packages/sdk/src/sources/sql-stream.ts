/**
 * A stream per PostgreSQL table or view. Rows are read through a server-side cursor, one FETCH of
 * `batchSize` rows at a time and only when the consumer asks for more, so memory stays flat however
 * big the table and however slow the target. Incremental streams read `WHERE key >= bookmark` in
 * replication-key order, ties broken by the primary key, so a resumed run loses nothing.
 */
import type pg from 'pg';
import { isExactNumber } from '../json/lossless-json.js';
import { importOptional } from '../optional-dependency.js';
import type { CountWindow, SourceCount } from '../reconcile/counts.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { quoteIdentifier } from '../sql/identifiers.js';
import { Stream, type StreamContext, type StreamHost } from '../tap/stream.js';
import { isArrayColumn, SESSION_SETTINGS, singerTypeParsers } from './pg-types.js';
import type { TableInfo } from './sql-discovery.js';
import { SQLConnectionError, SQLError, toSQLError } from './sql-errors.js';

/**
 * A connected client whose values come out exact (see pg-types.ts) and whose session prints
 * timestamps in UTC. The caller ends it.
 */
export async function connectPostgres(config: pg.ClientConfig): Promise<pg.Client> {
  const { default: pg } = await importOptional(
    'pg',
    'PostgreSQL access (@singer-ts/sdk/postgres)',
    () => import('pg'),
  );
  const client = new pg.Client({ ...config, types: singerTypeParsers });
  // An idle connection can die (server restart); without a listener that error would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const reason = (error as Error).message || String(error);
    const target = config.host ? ` at ${config.host}${config.port ? `:${config.port}` : ''}` : '';
    throw new SQLConnectionError(`cannot connect to PostgreSQL${target}: ${reason}`, {}, { cause: error });
  }
  try {
    for (const [name, value] of Object.entries(SESSION_SETTINGS)) {
      await client.query('SELECT set_config($1, $2, false)', [name, value]);
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toSQLError(error, 'configuring the session');
  }
  return client;
}

export interface SQLStreamOptions {
  table: TableInfo;
  /** Opens a fresh client for one sync of this stream (normally `() => connectPostgres(...)`). */
  connect: () => Promise<pg.Client>;
  /** Stream name; `<schema>-<table>` by default, as Meltano's SQL taps name them. */
  name?: string;
  /** A column whose value only grows as rows change; makes the stream incremental. */
  replicationKey?: string | undefined;
  /** Overrides the discovered primary key (views have none). */
  primaryKeys?: string[] | undefined;
  /** Rows per FETCH from the cursor (default 1,000). */
  batchSize?: number;
}

/** The value a bookmark holds, as a query parameter (ExactNumber loses its class in a state clone). */
function bookmarkParameter(value: unknown): unknown {
  if (isExactNumber(value)) return (value as { value: string }).value;
  return value;
}

export class SQLStream<C = Record<string, unknown>> extends Stream<Record<string, unknown>, C> {
  readonly name: string;
  readonly schema: JSONSchema;
  override readonly primaryKeys: string[];
  override readonly replicationKey: string | undefined;
  readonly table: TableInfo;
  readonly batchSize: number;
  private readonly connect: () => Promise<pg.Client>;

  constructor(host: StreamHost<C>, options: SQLStreamOptions) {
    super(host);
    this.table = options.table;
    this.name = options.name ?? `${options.table.schema}-${options.table.name}`;
    this.schema = options.table.jsonSchema;
    this.primaryKeys = options.primaryKeys ?? options.table.primaryKeys;
    this.replicationKey = options.replicationKey;
    this.batchSize = Math.max(1, Math.trunc(options.batchSize ?? 1000));
    this.connect = options.connect;
    const columns = new Set(options.table.columns.map((column) => column.name));
    const missing = [...this.primaryKeys, ...(this.replicationKey ? [this.replicationKey] : [])].filter(
      (name) => !columns.has(name),
    );
    if (missing.length > 0) {
      throw new SQLError(`table ${this.qualifiedName()} has no column ${missing.join(', ')}`, {
        stream: this.name,
      });
    }
  }

  /** `"schema"."table"`, for SQL and for messages. */
  qualifiedName(): string {
    return `${quoteIdentifier(this.table.schema)}.${quoteIdentifier(this.table.name)}`;
  }

  /** The SELECT this stream runs and its parameters; the only place its SQL is put together. */
  buildQuery(startingValue: unknown): { text: string; values: unknown[] } {
    const select = this.table.columns
      .map((column) => {
        const name = quoteIdentifier(column.name);
        // Arrays are read as JSON so that their elements go through the same exact parsing as json.
        return isArrayColumn(column) ? `to_json(${name}) AS ${name}` : name;
      })
      .join(', ');
    const values: unknown[] = [];
    let where = '';
    const order: string[] = [];
    if (this.replicationKey) {
      const key = quoteIdentifier(this.replicationKey);
      if (startingValue !== undefined && startingValue !== null) {
        values.push(bookmarkParameter(startingValue));
        where = ` WHERE ${key} >= $1`;
      }
      order.push(key);
    }
    for (const key of this.primaryKeys) {
      if (key !== this.replicationKey) order.push(quoteIdentifier(key));
    }
    const orderBy = order.length > 0 ? ` ORDER BY ${order.join(', ')}` : '';
    return { text: `SELECT ${select} FROM ${this.qualifiedName()}${where}${orderBy}`, values };
  }

  /** `count(*)` with the predicate the sync uses, bounded above by the window's bookmark. */
  override async countRecords(window: CountWindow): Promise<SourceCount> {
    const values: unknown[] = [];
    let where = '';
    if (this.replicationKey && window.through !== undefined && window.through !== null) {
      values.push(bookmarkParameter(window.through));
      where = ` WHERE ${quoteIdentifier(this.replicationKey)} <= $1`;
    }
    const text = `SELECT count(*)::text AS rows FROM ${this.qualifiedName()}${where}`;
    const client = await this.connect().catch((error: unknown) => {
      throw toSQLError(error, 'connecting', { stream: this.name });
    });
    try {
      const { rows } = await client.query<{ rows: string }>(text, values);
      return { comparable: true, rows: Number(rows[0]?.rows ?? 0), method: text };
    } catch (error) {
      throw toSQLError(error, `counting ${this.qualifiedName()}`, { stream: this.name });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async *getRecords(context: StreamContext): AsyncGenerator<Record<string, unknown>> {
    const query = this.buildQuery(context.startingValue);
    const where = { stream: this.name };
    let client: pg.Client;
    try {
      client = await this.connect();
    } catch (error) {
      throw toSQLError(error, 'connecting', where);
    }
    let step = `starting a read of ${this.qualifiedName()}`;
    try {
      // One snapshot for the whole read: rows committed meanwhile wait for the next run's `>=`.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      this.logger.debug(`query: ${query.text}`, where);
      await client.query(`DECLARE singer_cursor NO SCROLL CURSOR FOR ${query.text}`, query.values);
      step = `reading ${this.qualifiedName()}`;
      const fetch = `FETCH FORWARD ${this.batchSize} FROM singer_cursor`;
      for (;;) {
        if (context.signal.aborted) return;
        const { rows } = await client.query<Record<string, unknown>>(fetch);
        for (const row of rows) yield row;
        if (rows.length < this.batchSize) break;
      }
      await client.query('CLOSE singer_cursor');
      await client.query('COMMIT');
    } catch (error) {
      throw toSQLError(error, step, where);
    } finally {
      // Ending the connection also ends an open transaction, when the consumer stopped early.
      await client.end().catch(() => undefined);
    }
  }
}
