/**
 * Snowflake as the SDK's SQL dialect and transport, over the SQL API v2. A session is the API client:
 * each statement is one request (its own autocommitted transaction). A transaction is one
 * multi-statement request `BEGIN; …; COMMIT`, built from the statements its work issues, because the
 * API keeps no session between requests. Bindings are allowed only in single-statement requests, so
 * a load fills the stage one bound statement per request and then applies the batch in one
 * transaction without bindings (see `load`). Identifiers follow naming.ts: upper-cased where
 * Snowflake would store them so, always quoted.
 */
import { AuthenticationError, type LogicalType } from '@singer-ts/sdk';
import {
  type ColumnClass,
  type DatabaseFault,
  type ExistingTable,
  SQLConnector,
  type SQLSession,
  type TableName,
} from '@singer-ts/sdk/sql';
import { SnowflakeAuthenticationError, SnowflakeStatementError } from './errors.js';
import { snowflakeIdentifier } from './naming.js';
import type { Binding, EscapedTextBinding, SqlApiClient } from './sql-api/client.js';
import type { StatementResult } from './sql-api/result.js';

export interface SnowflakeSession extends SQLSession {
  /** Runs one statement now and returns its result (catalog reads); not inside a transaction. */
  query(sql: string, params?: readonly unknown[]): Promise<StatementResult>;
}

/** Snowflake's "object does not exist or not authorized". */
const MISSING_OBJECT = '002003';
const INVALID_IDENTIFIER = '000904';

/**
 * The type a column is created as (column-types.ts explains the choice). `number` starts at scale 0:
 * the sink widens it to the scale a batch's values need, or to VARCHAR beyond 38 digits.
 */
const SNOWFLAKE_TYPE: Record<LogicalType, string> = {
  integer: 'NUMBER(38,0)',
  number: 'NUMBER(38,0)',
  boolean: 'BOOLEAN',
  string: 'VARCHAR',
  'date-time': 'TIMESTAMP_TZ(9)',
  date: 'DATE',
  time: 'TIME(9)',
  json: 'VARIANT',
};

/** The logical type a column holds, from its type as DESCRIBE TABLE prints it. */
function classOfSnowflakeType(type: string): ColumnClass {
  const family = type.toUpperCase().replace(/\(.*$/, '').trim();
  switch (family) {
    // Every NUMBER is `number`: the scale a batch needs is widened per batch by the sink, and a
    // NUMBER(38,0) holds `integer` values as well.
    case 'NUMBER':
    case 'DECIMAL':
    case 'NUMERIC':
      return 'number';
    case 'VARCHAR':
    case 'TEXT':
    case 'STRING':
    case 'CHAR':
      return 'string';
    case 'BOOLEAN':
      return 'boolean';
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP':
    case 'DATETIME':
      return 'date-time';
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'time';
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return 'json';
    default:
      return 'other';
  }
}

/** A bound value as the API wants it: every value text; a batch's rows come as escaped bytes. */
function bindingOf(value: unknown): Binding {
  if (value === null || value === undefined) return { type: 'TEXT', value: null };
  if (typeof value === 'object' && 'escaped' in value) return value as EscapedTextBinding;
  if (typeof value === 'number' || typeof value === 'bigint') return { type: 'FIXED', value: String(value) };
  if (typeof value === 'boolean') return { type: 'BOOLEAN', value: String(value) };
  return { type: 'TEXT', value: String(value) };
}

/** Rows a DML statement changed, from its stats or its one result row of counts. */
async function changedRows(result: StatementResult): Promise<number> {
  const stats = result.stats;
  if (stats !== undefined) {
    return (stats.numRowsInserted ?? 0) + (stats.numRowsUpdated ?? 0) + (stats.numRowsDeleted ?? 0);
  }
  if (!result.columns.every((column) => column.name.startsWith('number of rows'))) return result.numRows;
  let sum = 0;
  for await (const row of result.rows()) for (const cell of row) sum += Number(cell ?? 0);
  return sum;
}

export class SnowflakeConnector extends SQLConnector<SnowflakeSession> {
  /** Snowflake identifiers are at most 255 characters. */
  readonly maxIdentifierBytes = 255;
  /** Snowflake does not enforce primary keys, so a direct load cannot detect a key already there. */
  override readonly optimisticUpserts = false;
  /** Stages (and widening clones) created by this run, dropped when the run ends. */
  private readonly stages = new Set<string>();

  constructor(
    readonly client: SqlApiClient,
    /** Distinguishes this run's stages from another run's loading the same table. */
    private readonly runId: string,
  ) {
    super();
  }

  async withSession<T>(stream: string, work: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    return work(this.directSession(stream));
  }

  async transaction<T>(stream: string, work: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    const statements: { sql: string; params: readonly unknown[] }[] = [];
    const collecting: SnowflakeSession = {
      execute: async (sql, params = []) => {
        statements.push({ sql, params });
        // The count is known only at commit; nothing inside a load reads it.
        return { rowCount: 0 };
      },
      query: async () => {
        throw new Error('a Snowflake transaction is one request: it cannot read results midway');
      },
    };
    const result = await work(collecting);
    await this.commit(stream, statements);
    return result;
  }

  /**
   * Fill's statements run one request each (they write only into this run's stage, which nobody
   * reads); apply's statements then run as one transaction, so the table shows all of the batch or
   * none of it. A lone apply statement may carry bindings (the batch's one load statement).
   */
  override async load(
    stream: string,
    fill: (session: SnowflakeSession) => Promise<void>,
    apply: (session: SnowflakeSession) => Promise<void>,
  ): Promise<void> {
    await fill(this.directSession(stream));
    await this.transaction(stream, apply);
  }

  /** One request: a lone statement as it is, several as `BEGIN; …; COMMIT` (no bindings then). */
  private async commit(
    stream: string,
    statements: readonly { sql: string; params: readonly unknown[] }[],
  ): Promise<void> {
    const [only] = statements;
    if (only === undefined) return;
    const context = { stream };
    if (statements.length === 1) {
      await this.client.execute(only.sql, { bindings: only.params.map(bindingOf), context });
      return;
    }
    if (statements.some((statement) => statement.params.length > 0))
      throw new Error('bound statements cannot share a Snowflake transaction with others');
    await this.client.executeMany(['BEGIN', ...statements.map((statement) => statement.sql), 'COMMIT'], {
      context,
    });
  }

  private directSession(stream: string): SnowflakeSession {
    const context = { stream };
    const query = (sql: string, params: readonly unknown[] = []) =>
      this.client.execute(sql, { bindings: params.map(bindingOf), context });
    return {
      query,
      execute: async (sql, params) => ({ rowCount: await changedRows(await query(sql, params)) }),
    };
  }

  async readTable(session: SnowflakeSession, table: TableName): Promise<ExistingTable | undefined> {
    let result: StatementResult;
    try {
      result = await session.query(`DESCRIBE TABLE ${this.qualify(table)}`);
    } catch (error) {
      if (error instanceof SnowflakeStatementError && error.snowflakeCode === MISSING_OBJECT)
        return undefined;
      throw error;
    }
    const columns = new Map<string, string>();
    const primaryKey: string[] = [];
    for (const row of await result.records()) {
      // Names come back as stored; the SDK names columns in lower case (see naming.ts).
      const name = String(row.name).toLowerCase();
      columns.set(name, String(row.type));
      if (row['primary key'] === 'Y') primaryKey.push(name);
    }
    return { columns, primaryKey };
  }

  override describeError(error: unknown): DatabaseFault {
    if (!(error instanceof SnowflakeStatementError)) return super.describeError(error);
    const fault: DatabaseFault = {
      message: error.message,
      code: error.snowflakeCode,
    };
    if (error.snowflakeCode === INVALID_IDENTIFIER) {
      const blamed = /invalid identifier '([^']+)'/.exec(error.snowflakeMessage)?.[1];
      if (blamed !== undefined) fault.column = blamed.toLowerCase();
    }
    return fault;
  }

  override isOwnError(error: unknown): boolean {
    return error instanceof SnowflakeAuthenticationError || error instanceof AuthenticationError;
  }

  /** Upper-cased where Snowflake would store the name so (see naming.ts), and always quoted. */
  override quote(identifier: string): string {
    return super.quote(snowflakeIdentifier(identifier));
  }

  columnType(type: LogicalType): string {
    return SNOWFLAKE_TYPE[type];
  }

  classOf(type: string): ColumnClass {
    return classOfSnowflakeType(type);
  }

  /**
   * Snowflake changes a column in place only to widen VARCHAR or NUMBER precision, so every other
   * widening adds a column of the new type, copies the values over (cast; VARIANT: wrapped, never
   * lost), drops the old one and renames. Snowflake commits each DDL statement on its own, so these
   * steps cannot share a transaction: they run on a clone of the table, which then takes the table's
   * place in one `ALTER TABLE … SWAP WITH` (atomic), and the old table is dropped. A failure before
   * the swap leaves the table as it was; after it, only the clone (the old table) is left, dropped
   * when the run ends. The stream's loads wait for this (they run in order), but a concurrent writer
   * from another process could lose rows written between the clone and the swap.
   */
  widenColumnSQL(table: TableName, column: string, type: string): string[] {
    const name = this.qualify(table);
    const work = this.qualify({ schema: table.schema, table: `_singer_widen_${table.table}_${this.runId}` });
    this.stages.add(work);
    const old = this.quote(column);
    const next = this.quote(`${column}__singer_widened`);
    const value = type === 'VARIANT' ? `TO_VARIANT(${old})` : `${old}::${type}`;
    return [
      `CREATE OR REPLACE TABLE ${work} CLONE ${name}`,
      `ALTER TABLE ${work} ADD COLUMN ${next} ${type}`,
      `UPDATE ${work} SET ${next} = ${value}`,
      `ALTER TABLE ${work} DROP COLUMN ${old}`,
      `ALTER TABLE ${work} RENAME COLUMN ${next} TO ${old}`,
      `ALTER TABLE ${name} SWAP WITH ${work}`,
      `DROP TABLE IF EXISTS ${work}`,
    ];
  }

  /** DELETE, not TRUNCATE: it is plain DML, so it commits with the load's transaction. */
  override truncateSQL(table: TableName): string {
    return `DELETE FROM ${this.qualify(table)}`;
  }

  /**
   * A transient table of this run beside the table, shaped like it, replaced (so empty and of the
   * table's current columns) before each staged batch; dropped when the run ends (`dropStages`).
   */
  stageSQL(table: TableName): { name: string; create: string[] } {
    const name = this.qualify({ schema: table.schema, table: `_singer_stage_${table.table}_${this.runId}` });
    this.stages.add(name);
    return { name, create: [`CREATE OR REPLACE TRANSIENT TABLE ${name} LIKE ${this.qualify(table)}`] };
  }

  deleteFromStageSQL(table: TableName, stage: string, keys: readonly string[]): string {
    const match = keys.map((key) => `t.${this.quote(key)} = s.${this.quote(key)}`).join(' AND ');
    return `DELETE FROM ${this.qualify(table)} AS t USING ${stage} AS s WHERE ${match} AND s.${this.quote('_sdc_deleted_at')} IS NOT NULL`;
  }

  /** The SQL API binds `?`, and the metadata columns are quoted like every other name. */
  override retireVersionsSQL(table: TableName, hardDelete: boolean): string {
    const version = this.quote('_sdc_table_version');
    const deletedAt = this.quote('_sdc_deleted_at');
    const older = `(${version} IS NULL OR ${version} < ?)`;
    return hardDelete
      ? `DELETE FROM ${this.qualify(table)} WHERE ${older}`
      : `UPDATE ${this.qualify(table)} SET ${deletedAt} = CURRENT_TIMESTAMP() WHERE ${older} AND ${deletedAt} IS NULL`;
  }

  /** Drops this run's stages; failures are left to the caller to log. */
  async dropStages(): Promise<void> {
    for (const stage of this.stages) await this.client.execute(`DROP TABLE IF EXISTS ${stage}`);
    this.stages.clear();
  }
}
