/**
 * PostgreSQL as the SDK's SQL dialect and transport: pooled node-postgres sessions, transactions that
 * discard a failed connection, table introspection from the catalog, PostgreSQL's types and widening
 * statements, a temporary stage dropped at commit, `INSERT … ON CONFLICT` as the merge, and COPY's
 * error context (`COPY t, line N, column c`) read back into the row and column it blames.
 */

import type { LogicalType } from '@singer-ts/sdk';
import { SQLConnectionError } from '@singer-ts/sdk';
import {
  type ColumnClass,
  type DatabaseFault,
  type ExistingTable,
  type RowChanges,
  SQLConnector,
  type SQLSession,
  type TableName,
} from '@singer-ts/sdk/sql';
import type pg from 'pg';
import { connectionFailure, watchConnection } from './connection.js';
import { connectionError } from './settings.js';
import { classOfPgType, PG_TYPE } from './types.js';

/** A checked-out client; COPY streams go through `client` directly. */
export interface PgSession extends SQLSession {
  client: pg.PoolClient;
}

/** SQLSTATE unique_violation: a COPY straight into the table met a key already there. */
const UNIQUE_VIOLATION = '23505';

/** The stage: a temporary table, private to the session and dropped when the load commits. */
const STAGE = '"_singer_stage"';

/** Logical classes of the column classes types.ts reads PostgreSQL types into. */
const LOGICAL_OF_CLASS = {
  bigint: 'integer',
  numeric: 'number',
  boolean: 'boolean',
  text: 'string',
  timestamptz: 'date-time',
  date: 'date',
  time: 'time',
  jsonb: 'json',
  other: 'other',
} as const satisfies Record<ReturnType<typeof classOfPgType>, ColumnClass>;

export class PostgresConnector extends SQLConnector<PgSession> {
  /** NAMEDATALEN - 1. */
  readonly maxIdentifierBytes = 63;
  // PostgreSQL's MaxHeapAttributeNumber; dropped columns count too, so an ALTER can still meet 54011.
  override readonly maxColumns = 1600;
  override readonly optimisticUpserts = true;

  constructor(readonly pool: pg.Pool) {
    super();
  }

  async withSession<T>(stream: string, work: (session: PgSession) => Promise<T>): Promise<T> {
    const session = await this.connect(stream);
    try {
      return await work(session);
    } catch (error) {
      throw this.reason(session.client, error);
    } finally {
      session.client.release();
    }
  }

  async transaction<T>(stream: string, work: (session: PgSession) => Promise<T>): Promise<T> {
    const session = await this.connect(stream);
    const client = session.client;
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(session);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // Read before ROLLBACK: a connection lost after the failure must not hide its real cause.
      const reason = this.reason(client, error);
      broken = reason instanceof Error ? reason : new Error(String(reason));
      await client.query('ROLLBACK').catch(() => undefined);
      throw reason;
    } finally {
      // A client whose load failed may be mid-protocol or disconnected: destroy it, never reuse it.
      client.release(broken);
    }
  }

  /**
   * Checks out a client that cannot crash the process. TargetPostgres's pool watches each client from
   * the moment it connects; a pool from elsewhere is only watched from the first checkout on.
   */
  private async connect(stream: string): Promise<PgSession> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // A connection opened mid-run (the pool replacing one) names the stream that needed it.
      throw connectionError(error, { stream });
    }
    watchConnection(client);
    return {
      client,
      execute: async (sql, params) => {
        const result = await client.query(sql, params as unknown[] | undefined);
        return { rowCount: result.rowCount ?? 0 };
      },
      selectRows: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
    };
  }

  /** Why work on `client` failed: its lost connection if that came first, else the error thrown. */
  private reason(client: pg.PoolClient, error: unknown): unknown {
    return connectionFailure(client) ?? error;
  }

  async readTable(session: PgSession, table: TableName): Promise<ExistingTable | undefined> {
    const result = await session.client.query<{ name: string; type: string; key: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              COALESCE(a.attnum = ANY (i.indkey), false) AS key
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [table.schema, table.table],
    );
    if (result.rows.length === 0) return undefined;
    return {
      columns: new Map(result.rows.map((row) => [row.name, row.type])),
      primaryKey: result.rows.filter((row) => row.key).map((row) => row.name),
    };
  }

  override isKeyConflict(error: unknown): boolean {
    return (error as { code?: unknown }).code === UNIQUE_VIOLATION;
  }

  override isOwnError(error: unknown): boolean {
    return error instanceof SQLConnectionError;
  }

  override describeError(error: unknown): DatabaseFault {
    const db = error as { message?: string; where?: string; column?: string; detail?: string; code?: string };
    const fault: DatabaseFault = { message: db.message ?? String(error) };
    if (db.detail !== undefined) fault.detail = db.detail;
    if (db.code !== undefined) fault.code = db.code;
    // COPY reports the row it was reading whatever went wrong; only a data or constraint error
    // (SQLSTATE classes 22, 23) is that row's fault, not a lost connection or a cancelled query.
    const rowFault = typeof db.code !== 'string' || db.code.startsWith('22') || db.code.startsWith('23');
    const copyPlace = rowFault ? /COPY [^,]+, line (\d+)(?:, column ([^:\n]+))?/.exec(db.where ?? '') : null;
    const column = db.column ?? copyPlace?.[2];
    if (column !== undefined) fault.column = column;
    if (copyPlace?.[1] !== undefined) fault.statementRow = Number(copyPlace[1]);
    return fault;
  }

  columnType(type: LogicalType): string {
    return PG_TYPE[type];
  }

  classOf(type: string): ColumnClass {
    return LOGICAL_OF_CLASS[classOfPgType(type)];
  }

  widenColumnSQL(table: TableName | string, column: string, type: string): string[] {
    const name = typeof table === 'string' ? table : this.qualify(table);
    const quoted = this.quote(column);
    return [`ALTER TABLE ${name} ALTER COLUMN ${quoted} TYPE ${type} USING ${quoted}::${type}`];
  }

  stageSQL(table: TableName, columns: readonly string[]): { name: string; create: string[] } {
    const list = columns.map((column) => this.quote(column)).join(', ');
    return {
      name: STAGE,
      create: [
        `CREATE TEMP TABLE ${STAGE} ON COMMIT DROP AS SELECT ${list} FROM ${this.qualify(table)} WITH NO DATA`,
      ],
    };
  }

  /** `INSERT … ON CONFLICT DO UPDATE`: PostgreSQL's upsert, cheaper than its MERGE and available from 9.5. */
  override mergeFromStageSQL(
    table: TableName,
    stage: string,
    columns: readonly string[],
    keys: readonly string[],
  ): string {
    const list = columns.map((column) => this.quote(column)).join(', ');
    const updates = columns
      .filter((column) => !keys.includes(column))
      .map((column) => `${this.quote(column)} = EXCLUDED.${this.quote(column)}`);
    const conflict = `ON CONFLICT (${keys.map((key) => this.quote(key)).join(', ')})`;
    const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    return `INSERT INTO ${this.qualify(table)} (${list}) SELECT ${list} FROM ${stage} ${conflict} ${action}`;
  }

  /**
   * The upsert, counting inserted and updated rows exactly in the same statement: a row the
   * `INSERT … ON CONFLICT` inserted has no deleting transaction yet (`xmax = 0`), an updated one has
   * this one's. One row comes back, not one per row, and the table is not scanned again.
   */
  override async mergeFromStage(
    session: PgSession,
    table: TableName,
    stage: string,
    columns: readonly string[],
    keys: readonly string[],
  ): Promise<RowChanges> {
    const merge = this.mergeFromStageSQL(table, stage, columns, keys);
    const result = await session.client.query<{ inserted: string; updated: string }>(
      `WITH merged AS (${merge} RETURNING (xmax = 0) AS inserted)
       SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
         FROM merged`,
    );
    const counts = result.rows[0];
    return { inserted: Number(counts?.inserted ?? 0), updated: Number(counts?.updated ?? 0) };
  }

  deleteFromStageSQL(table: TableName, stage: string, keys: readonly string[]): string {
    const match = keys.map((key) => `t.${this.quote(key)} = s.${this.quote(key)}`).join(' AND ');
    return `DELETE FROM ${this.qualify(table)} t USING ${stage} s WHERE ${match} AND s._sdc_deleted_at IS NOT NULL`;
  }

  override truncateSQL(table: TableName): string {
    return `TRUNCATE ${this.qualify(table)}`;
  }
}
