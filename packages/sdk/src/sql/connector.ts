/**
 * The database's half of a SQL target (the Meltano SDK's SQLConnector): its dialect (quoting, type
 * mapping, DDL and merge statements), its transport (sessions and transactions) and how it reads a
 * table and its errors. One connector serves every sink of a target. The flow that uses it (table
 * plan, buffering, staged merge, ACTIVATE_VERSION, overwrite, deletes) is SQLTableSink's and is the
 * same for every database; a connector holds no copy of it.
 */
import type { RowChanges } from '../progress/load-counts.js';
import type { LogicalType } from '../target/column-types.js';
import { TableNameRegistry } from '../target/naming.js';
import { quoteIdentifier } from './identifiers.js';

/** A schema-qualified table. */
export interface TableName {
  schema: string;
  table: string;
}

/** A table as the database holds it. */
export interface ExistingTable {
  /** Column name → its type as the database prints it. */
  columns: Map<string, string>;
  /** Primary key column names (empty when none). */
  primaryKey: string[];
}

/** A column to create or add. */
export interface ColumnDefinition {
  name: string;
  /** The database type, from `columnType`. */
  type: string;
}

/** One connection to the database, checked out for a piece of work. */
export interface SQLSession {
  /** Runs one statement; `params` bind `$1…` (or the dialect's placeholders) in order. */
  execute(sql: string, params?: readonly unknown[]): Promise<{ rowCount: number }>;
  /** Runs a query and returns its rows (column name → value); for counts and other small reads. */
  selectRows?(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

/** What a database error says about its cause, for an error naming stream, batch, column and line. */
export interface DatabaseFault {
  message: string;
  detail?: string;
  /** SQLSTATE or the database's own error code. */
  code?: string;
  /** The column the database blames. */
  column?: string;
  /** 1-based row of the load statement the database blames, when the fault is that row's data. */
  statementRow?: number;
}

/**
 * The class of an existing column: the logical type it holds, or `other` for a type the target does
 * not write (it takes every value as text and is never altered).
 */
export type ColumnClass = LogicalType | 'other';

export abstract class SQLConnector<Session extends SQLSession = SQLSession> {
  /** Which stream claimed each table, so two streams never load into one (see TableNameRegistry). */
  readonly tableNames = new TableNameRegistry();

  /** Longest identifier in bytes (PostgreSQL 63, Snowflake 255). */
  abstract readonly maxIdentifierBytes: number;

  /** Most columns a table may have (PostgreSQL 1,600), checked before any DDL; none when unset. */
  readonly maxColumns?: number;

  // ---- transport --------------------------------------------------------------------------------

  /** Runs `work` on a session and releases it; a connection failure names `stream`. */
  abstract withSession<T>(stream: string, work: (session: Session) => Promise<T>): Promise<T>;

  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (and the
   * session discarded). Nothing `work` wrote is visible to others before the commit.
   */
  abstract transaction<T>(stream: string, work: (session: Session) => Promise<T>): Promise<T>;

  /**
   * Loads one batch in two phases, so that the table shows all of it or none: `fill` writes the rows
   * (its statements may carry bound rows: into a stage, or straight into the table on the direct
   * route), then `apply` changes the table (truncate, merge from the stage, deletes). By default both
   * run in one transaction on one session. A database whose transactions cannot hold bound statements
   * (Snowflake's SQL API: bindings only in single-statement requests) overrides this: it runs `fill`'s
   * statements one by one into a stage nobody reads, then `apply`'s statements as one transaction
   * (one statement alone may carry bindings: the direct route's single load statement).
   */
  async load(
    stream: string,
    fill: (session: Session) => Promise<void>,
    apply: (session: Session) => Promise<void>,
  ): Promise<void> {
    await this.transaction(stream, async (session) => {
      await fill(session);
      await apply(session);
    });
  }

  /**
   * The table's columns and primary key, or undefined when it does not exist. Column names come back
   * as the SDK names them (lower-case snake_case): a connector whose `quote` folds case (upper-case
   * identifiers) folds them back here.
   */
  abstract readTable(session: Session, table: TableName): Promise<ExistingTable | undefined>;

  /** The parts of a database error worth naming; `undefined` fields are unknown. */
  describeError(error: unknown): DatabaseFault {
    return { message: error instanceof Error ? error.message : String(error) };
  }

  /**
   * Whether upserts may load straight into the table first, relying on the primary key to refuse a
   * key already there (`isKeyConflict`), and then retry through the stage. Only for databases that
   * enforce primary keys (Snowflake does not).
   */
  readonly optimisticUpserts: boolean = false;

  /** True when a load straight into the table failed only because a key was already there. */
  isKeyConflict(_error: unknown): boolean {
    return false;
  }

  /** Errors that already say all there is (a lost connection): passed on as they are. */
  isOwnError(_error: unknown): boolean {
    return false;
  }

  // ---- dialect: names and types ----------------------------------------------------------------

  /**
   * An identifier as SQL: every table, stage and column name goes through here, so no name can inject
   * SQL. A connector may fold case here (Snowflake: upper-case), consistently with `readTable`.
   */
  quote(identifier: string): string {
    return quoteIdentifier(identifier);
  }

  qualify(name: TableName): string {
    return `${this.quote(name.schema)}.${this.quote(name.table)}`;
  }

  /** The column type a logical type is created as. */
  abstract columnType(type: LogicalType): string;

  /** Classes an existing column's type (as readTable prints it). */
  abstract classOf(type: string): ColumnClass;

  // ---- dialect: statements ---------------------------------------------------------------------

  createSchemaSQL(schema: string): string {
    return `CREATE SCHEMA IF NOT EXISTS ${this.quote(schema)}`;
  }

  createTableSQL(
    table: TableName,
    columns: readonly ColumnDefinition[],
    primaryKey: readonly string[],
  ): string {
    const definitions = columns.map((column) => `${this.quote(column.name)} ${column.type}`);
    if (primaryKey.length > 0)
      definitions.push(`PRIMARY KEY (${primaryKey.map((key) => this.quote(key)).join(', ')})`);
    return `CREATE TABLE IF NOT EXISTS ${this.qualify(table)} (${definitions.join(', ')})`;
  }

  addColumnSQL(table: TableName, column: ColumnDefinition): string {
    return `ALTER TABLE ${this.qualify(table)} ADD COLUMN IF NOT EXISTS ${this.quote(column.name)} ${column.type}`;
  }

  /**
   * Statements that change a column to `type` keeping its values (as text when widening to text).
   * A database that cannot alter a column's type family returns the add-copy-drop-rename steps.
   */
  abstract widenColumnSQL(table: TableName, column: string, type: string): string[];

  truncateSQL(table: TableName): string {
    return `TRUNCATE TABLE ${this.qualify(table)}`;
  }

  /**
   * A staging table shaped like `table`'s `columns`, private to the load and empty: the rows of a
   * batch go there first when they are merged or when the batch needs several load statements.
   * Returns its name (as SQL) and the statements that create it.
   */
  abstract stageSQL(table: TableName, columns: readonly string[]): { name: string; create: string[] };

  /** Statements that leave the stage gone or empty once the batch is merged (none for a temp table). */
  dropStageSQL(_stage: string): string[] {
    return [];
  }

  /** Inserts the stage's rows into the table (append-only through a stage). */
  insertFromStageSQL(table: TableName, stage: string, columns: readonly string[]): string {
    const list = columns.map((column) => this.quote(column)).join(', ');
    return `INSERT INTO ${this.qualify(table)} (${list}) SELECT ${list} FROM ${stage}`;
  }

  /**
   * Upserts the stage's rows into the table on `keys` (the stage holds one row per key): updates the
   * other columns of rows whose key is there, inserts the rest. Standard SQL MERGE by default.
   */
  mergeFromStageSQL(
    table: TableName,
    stage: string,
    columns: readonly string[],
    keys: readonly string[],
  ): string {
    const q = (name: string) => this.quote(name);
    const on = keys.map((key) => `t.${q(key)} = s.${q(key)}`).join(' AND ');
    const others = columns.filter((column) => !keys.includes(column));
    const list = columns.map(q).join(', ');
    let sql = `MERGE INTO ${this.qualify(table)} AS t USING ${stage} AS s ON ${on}`;
    if (others.length > 0)
      sql += ` WHEN MATCHED THEN UPDATE SET ${others.map((c) => `${q(c)} = s.${q(c)}`).join(', ')}`;
    sql += ` WHEN NOT MATCHED THEN INSERT (${list}) VALUES (${columns.map((c) => `s.${q(c)}`).join(', ')})`;
    return sql;
  }

  /**
   * Runs the upsert of `mergeFromStageSQL` and reports the rows it changed. By default inserted and
   * updated rows are one number (the statement's row count); a dialect that can tell them apart
   * cheaply and exactly (PostgreSQL: `RETURNING xmax = 0`) overrides this.
   */
  async mergeFromStage(
    session: Session,
    table: TableName,
    stage: string,
    columns: readonly string[],
    keys: readonly string[],
  ): Promise<RowChanges> {
    const result = await session.execute(this.mergeFromStageSQL(table, stage, columns, keys));
    return { upserted: result.rowCount };
  }

  /** Deletes the table's rows whose key has a stage row with `_sdc_deleted_at` set (hard delete). */
  abstract deleteFromStageSQL(table: TableName, stage: string, keys: readonly string[]): string;

  /**
   * Full-table refresh: rows of table versions older than the bound version (`$1`, or the dialect's
   * placeholder) are deleted (`hardDelete`) or get `_sdc_deleted_at` set to now.
   */
  retireVersionsSQL(table: TableName, hardDelete: boolean): string {
    const older = '(_sdc_table_version IS NULL OR _sdc_table_version < $1)';
    return hardDelete
      ? `DELETE FROM ${this.qualify(table)} WHERE ${older}`
      : `UPDATE ${this.qualify(table)} SET _sdc_deleted_at = CURRENT_TIMESTAMP WHERE ${older} AND _sdc_deleted_at IS NULL`;
  }
}
