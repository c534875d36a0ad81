/**
 * The SQL target flow every database shares (the Meltano SDK's SQLSink): one stream → one table,
 * created and widened from the stream's SCHEMA (see table-plan.ts); records encoded by the dialect as
 * they arrive, keys de-duplicated in the batch (the last record wins); each batch loaded in one
 * transaction, either straight into the table or through a staging table and one merge; overwrite,
 * hard and soft deletes, ACTIVATE_VERSION; and database errors mapped to stream, batch, column and
 * input line. A dialect subclass adds only the row encoding and the load statement (`encode`,
 * `sealRows`, `copyRows`, optionally `mergeRows`), and its SQLConnector the SQL and the transport.
 */
import type { RowChanges } from '../progress/load-counts.js';
import type { SchemaMessage } from '../protocol/messages.js';
import type { Batch } from '../target/batcher.js';
import { KeyPropertiesChangedError } from '../target/errors.js';
import { type TableLocationRules, tableLocationFor } from '../target/naming.js';
import type { PreparedRow, RecordContext } from '../target/sink.js';
import { type SQLColumn, SQLSink, type SQLSinkOptions } from '../target/sql-sink.js';
import { type BatchKey, BatchKeys, keptRows, keyReader } from './batch-keys.js';
import type { ExistingTable, SQLConnector, SQLSession, TableName } from './connector.js';
import { TableNameCollisionError, TableTooWideError } from './errors.js';
import { batchLoadError } from './load-error.js';
import { prepareTable } from './table-plan.js';

export interface SQLTableSinkOptions<Session extends SQLSession> extends SQLSinkOptions {
  connector: SQLConnector<Session>;
  /** Where the stream's table goes: the Meltano SDK rule (see tableLocationFor). */
  naming: Omit<TableLocationRules, 'maxBytes'>;
}

/** A batch as it is loaded: the dialect's sealed rows and which rows survive key de-duplication. */
export interface LoadRows<Row, Sealed> {
  batch: Batch<Row>;
  sealed: Sealed;
  /** Ascending batch row indexes to load; undefined when every row is loaded. */
  kept: number[] | undefined;
}

/** How one load attempt writes the batch. */
type Route = 'direct' | 'merge' | 'staged';

const DELETED_AT = '_sdc_deleted_at';

/** After the n-th batch whose direct load met an existing key, the next 2^n batches are staged. */
const MAX_DIRECT_BACKOFF = 64;

export abstract class SQLTableSink<
  Row,
  Sealed,
  Session extends SQLSession = SQLSession,
> extends SQLSink<Row> {
  protected readonly connector: SQLConnector<Session>;
  readonly schemaName: string;
  private readonly keys = new BatchKeys();
  private keyOf: ((record: Record<string, unknown>, context: RecordContext) => BatchKey) | undefined;
  private readonly sealed = new WeakMap<
    Batch<Row>,
    { sealed: Sealed; replaced: number[]; markedDeleted: number[] }
  >();
  /** Rows of the open batch whose record carries `_sdc_deleted_at` (counted as soft-deleted). */
  private markedDeleted: number[] = [];
  /** Set once the table was emptied for `load_method: overwrite` (by the first committed batch). */
  private truncated = false;
  /** Whether the table has a `_sdc_deleted_at` column, and a record of the open run carried one. */
  private tracksDeletes = false;
  private hasDeletes = false;
  /** Batches to stage before trying a direct load again, and direct loads that met a key so far. */
  private stagedBatches = 0;
  private directFailures = 0;

  constructor(message: SchemaMessage, options: SQLTableSinkOptions<Session>) {
    const maxBytes = options.connector.maxIdentifierBytes;
    const location = tableLocationFor(message.stream, { ...options.naming, maxBytes });
    super(message, { ...options, maxIdentifierBytes: maxBytes, tableName: location.table });
    this.connector = options.connector;
    this.schemaName = location.schema;
    this.connector.tableNames.claim(this.stream, this.schemaName, this.tableName);
  }

  get table(): TableName {
    return { schema: this.schemaName, table: this.tableName };
  }

  /** The table's name as SQL. */
  get qualifiedTable(): string {
    return this.connector.qualify(this.table);
  }

  /** Keyed streams are upserted (one row per key) unless `load_method` is append-only. */
  protected get upserting(): boolean {
    return this.settings.loadMethod !== 'append-only' && this.keyColumns.length > 0;
  }

  /** True while `load_method: overwrite` has yet to empty the table (in the next load's transaction). */
  protected get truncatePending(): boolean {
    return this.settings.loadMethod === 'overwrite' && !this.truncated;
  }

  // ---- what a dialect supplies -------------------------------------------------------------------

  /**
   * The table's actual columns are known (after it was created or altered): decide how each column is
   * encoded. Runs before the first record and after every SCHEMA change, on the session that read it.
   */
  protected abstract planColumns(session: Session, table: ExistingTable): Promise<void> | void;

  /** Encodes one validated record into the open batch; returns its row and size. Runs per record. */
  protected abstract encode(record: Record<string, unknown>, context: RecordContext): PreparedRow<Row>;

  /** Seals the open batch's encoded rows (run synchronously as the batch is taken). */
  protected abstract sealRows(batch: Batch<Row>): Sealed;

  /** Column names the rows hold, in order: the load's, the stage's and the merge's column list. */
  protected abstract loadColumns(): string[];

  /**
   * Appends the kept rows to `into` (the table's SQL name, or the stage's) inside the load's
   * transaction. `into` is the table itself on the direct route.
   */
  protected abstract copyRows(session: Session, into: string, rows: LoadRows<Row, Sealed>): Promise<void>;

  /**
   * True when `copyRows` writes the batch as one atomic step of a transaction holding other statements
   * (a COPY does; a database whose transactions cannot hold bound rows answers false when the batch
   * needs several statements, or when the table must be emptied first). False routes through a stage.
   */
  protected loadsAtomically(_rows: LoadRows<Row, Sealed>): boolean {
    return true;
  }

  /**
   * A dialect that can upsert the batch's rows into the table in one statement (MERGE from bound rows)
   * implements this; it applies hard deletes itself when `hardDelete` is set. Only used when
   * `loadsAtomically` holds.
   */
  protected mergeRows?(
    session: Session,
    rows: LoadRows<Row, Sealed>,
    hardDelete: boolean,
    // biome-ignore lint/suspicious/noConfusingVoidType: a dialect that cannot count its merge returns nothing
  ): Promise<RowChanges | void>;

  /**
   * Runs before the batch's load, outside its transaction: DDL the batch's values need (a column
   * widened for them) on a database whose DDL cannot join the load's transaction (Snowflake commits
   * DDL implicitly). A failure fails the batch like a failed load.
   */
  protected async prepareLoad(_rows: LoadRows<Row, Sealed>): Promise<void> {}

  /** After the batch committed: release its rows, apply what the commit settled. */
  protected committed(_rows: LoadRows<Row, Sealed>): void {}

  /** Extra fields for the `batch committed` debug log. */
  protected batchFacts(_rows: LoadRows<Row, Sealed>): Record<string, unknown> {
    return {};
  }

  /** The batch row a load statement's 1-based row is, when the dialect can tell (for error lines). */
  protected batchRowOf(_statementRow: number): number | undefined {
    return undefined;
  }

  // ---- the table -----------------------------------------------------------------------------------

  override async start(): Promise<void> {
    await this.prepareTable();
  }

  protected override async applySchema(message: SchemaMessage): Promise<void> {
    await super.applySchema(message);
    await this.prepareTable();
  }

  /** Creates the schema and table, or adds the missing columns and widens existing ones. */
  private async prepareTable(): Promise<void> {
    try {
      await this.connector.withSession(this.stream, async (session) => {
        const existing = await prepareTable(session, this.connector, {
          stream: this.stream,
          table: this.table,
          columns: this.columns,
          primaryKey: this.upserting ? this.keyColumns : [],
          logger: this.logger,
          checkPrimaryKey: (primaryKey) => this.checkPrimaryKey(primaryKey),
        });
        await this.planTable(session, existing);
      });
    } catch (error) {
      throw this.loadError(error, undefined, 'preparing the table failed');
    }
  }

  private async planTable(session: Session, existing: ExistingTable): Promise<void> {
    this.tracksDeletes = this.columns.some((column) => column.name === DELETED_AT);
    // With hard_delete, any non-null _sdc_deleted_at deletes the row of an upserted stream (see
    // SQLSink.stampsDeletes); otherwise the value is loaded as sent, and one the column cannot read
    // fails the batch naming the column and input line.
    this.stampsDeletes = this.upserting && this.settings.hardDelete;
    await this.planColumns(session, existing);
    this.keyOf = this.upserting
      ? keyReader(
          this.keyColumns.map((name) => this.columns.find((column) => column.name === name) as SQLColumn),
          (column, record, context) => this.columnValue(column, record, context),
        )
      : undefined;
  }

  private checkPrimaryKey(primaryKey: string[]): void {
    if (!this.upserting) return;
    const same =
      primaryKey.length === this.keyColumns.length &&
      this.keyColumns.every((key) => primaryKey.includes(key));
    if (!same) {
      throw new KeyPropertiesChangedError(
        `table ${this.schemaName}.${this.tableName} has primary key [${primaryKey.join(', ')}] but the stream's ` +
          `key columns are [${this.keyColumns.join(', ')}]; alter the table's key or load into another table`,
        { stream: this.stream },
      );
    }
  }

  // ---- records -------------------------------------------------------------------------------------

  protected prepare(record: Record<string, unknown>, context: RecordContext): PreparedRow<Row> {
    const prepared = this.encode(record, context);
    if (this.tracksDeletes && record._sdc_deleted_at != null) {
      this.hasDeletes = true;
      this.markedDeleted.push(this.bufferedRows);
    }
    const key = this.keyOf?.(record, context);
    if (key !== undefined) this.keys.add(key, this.bufferedRows);
    return prepared;
  }

  protected override takeBatch(): Batch<Row> | undefined {
    const batch = super.takeBatch();
    if (batch === undefined) return undefined;
    this.sealed.set(batch, {
      sealed: this.sealRows(batch),
      replaced: this.keys.take(),
      markedDeleted: this.markedDeleted,
    });
    this.markedDeleted = [];
    return batch;
  }

  // ---- loading -------------------------------------------------------------------------------------

  protected async load(batch: Batch<Row>): Promise<void> {
    const entry = this.sealed.get(batch);
    if (entry === undefined) throw new Error(`batch ${batch.number} of stream ${this.stream} has no rows`);
    this.sealed.delete(batch);
    const rows: LoadRows<Row, Sealed> = {
      batch,
      sealed: entry.sealed,
      kept: keptRows(batch.rows.length, entry.replaced),
    };
    try {
      await this.prepareLoad(rows);
    } catch (error) {
      throw this.loadError(error, batch);
    }
    let route = this.route(rows);
    let changes: RowChanges;
    for (;;) {
      try {
        changes = await this.loadOnce(rows, route);
        break;
      } catch (error) {
        if (route === 'direct' && this.upserting && this.connector.isKeyConflict(error)) {
          // Some key is already in the table: merge this batch, and the next few, through the stage.
          this.directFailures += 1;
          this.stagedBatches = Math.min(2 ** this.directFailures, MAX_DIRECT_BACKOFF);
          this.logger.debug('keys already in the table: merging the batch through a staging table', {
            stream: this.stream,
            batch: batch.number,
          });
          route = 'staged';
          continue;
        }
        throw this.loadError(error, batch);
      }
    }
    this.truncated = true;
    this.counts.add({ ...changes, ...loadedMarks(entry, changes) });
    this.committed(rows);
    this.logger.debug('batch committed', {
      stream: this.stream,
      batch: batch.number,
      rows: batch.rows.length,
      ...this.batchFacts(rows),
      direct: route !== 'staged',
    });
  }

  /**
   * How the batch goes in. Appends go straight into the table when the dialect loads them atomically.
   * Upserts go through a dialect's one-statement merge when it has one; else straight into the table
   * when the database reports a key already there (then the batch is retried through the stage, and
   * the next few batches are staged); else through the stage. Hard deletes join the batch's rows to
   * the table, so they need a merge or the stage.
   */
  private route(rows: LoadRows<Row, Sealed>): Route {
    const atomic = this.loadsAtomically(rows);
    if (!this.upserting) return atomic ? 'direct' : 'staged';
    if (this.mergeRows !== undefined && atomic) return 'merge';
    const hardDeletes = this.hasDeletes && this.settings.hardDelete;
    if (hardDeletes || !atomic || !this.connector.optimisticUpserts) return 'staged';
    if (this.stagedBatches > 0) {
      this.stagedBatches -= 1;
      return 'staged';
    }
    return 'direct';
  }

  /**
   * One attempt at loading the batch (see SQLConnector.load): the direct and merge routes write the
   * table in one step; the staged route fills the stage, then merges (or inserts) it into the table.
   */
  private async loadOnce(rows: LoadRows<Row, Sealed>, route: Route): Promise<RowChanges> {
    const connector = this.connector;
    const truncate = async (session: Session): Promise<void> => {
      if (this.truncatePending) await session.execute(connector.truncateSQL(this.table));
    };
    const hardDelete = this.upserting && this.hasDeletes && this.settings.hardDelete;
    const loaded = rows.kept?.length ?? rows.batch.rows.length;
    // Counted per attempt and kept only once the load commits (a direct load may be retried staged).
    let changes: RowChanges = {};
    if (route !== 'staged') {
      await connector.load(
        this.stream,
        async () => undefined,
        async (session) => {
          await truncate(session);
          if (route === 'direct') {
            await this.copyRows(session, this.qualifiedTable, rows);
            // Straight into the table: the primary key let no existing key through, so all are new.
            changes = { inserted: loaded };
          } else {
            changes = (await this.mergeRows?.(session, rows, hardDelete)) ?? { upserted: loaded };
          }
        },
      );
      return changes;
    }
    const columns = this.loadColumns();
    const stage = connector.stageSQL(this.table, columns);
    await connector.load(
      this.stream,
      async (session) => {
        for (const sql of stage.create) await session.execute(sql);
        await this.copyRows(session, stage.name, rows);
      },
      async (session) => {
        await truncate(session);
        if (this.upserting) {
          changes = await connector.mergeFromStage(session, this.table, stage.name, columns, this.keyColumns);
          if (hardDelete) {
            const sql = connector.deleteFromStageSQL(this.table, stage.name, this.keyColumns);
            changes.deleted = (await session.execute(sql)).rowCount;
          }
        } else {
          const sql = connector.insertFromStageSQL(this.table, stage.name, columns);
          changes = { inserted: (await session.execute(sql)).rowCount };
        }
        for (const sql of connector.dropStageSQL(stage.name)) await session.execute(sql);
      },
    );
    return changes;
  }

  /** Full-table refresh: rows of older table versions are deleted (hard_delete) or marked deleted. */
  override async activateVersion(version: number): Promise<void> {
    if (!this.settings.addRecordMetadata) {
      this.logger.warn('ACTIVATE_VERSION ignored: add_record_metadata is off, so rows carry no version', {
        stream: this.stream,
      });
      return;
    }
    const sql = this.connector.retireVersionsSQL(this.table, this.settings.hardDelete);
    try {
      const result = await this.connector.withSession(this.stream, (session) =>
        session.execute(sql, [version]),
      );
      this.counts.add(
        this.settings.hardDelete ? { deleted: result.rowCount } : { softDeleted: result.rowCount },
      );
      this.logger.info('activated version', {
        stream: this.stream,
        version,
        [this.settings.hardDelete ? 'deleted' : 'marked_deleted']: result.rowCount,
      });
    } catch (error) {
      throw this.loadError(error, undefined, 'ACTIVATE_VERSION failed');
    }
  }

  /** `load_method: overwrite` with no record at all still empties the table. */
  override async close(): Promise<void> {
    if (!this.truncatePending) return;
    try {
      await this.connector.withSession(this.stream, (session) =>
        session.execute(this.connector.truncateSQL(this.table)),
      );
    } catch (error) {
      throw this.loadError(error, undefined, 'emptying the table for overwrite failed');
    }
    this.truncated = true;
  }

  /**
   * A database error as a BatchLoadError naming stream, batch, column (and the property it holds) and
   * the input line of the row the database blames. Errors that already name their place pass as is.
   */
  protected loadError(error: unknown, batch: Batch<Row> | undefined, what?: string): Error {
    if (
      error instanceof KeyPropertiesChangedError ||
      error instanceof TableNameCollisionError ||
      error instanceof TableTooWideError ||
      this.connector.isOwnError(error)
    ) {
      return error as Error;
    }
    return batchLoadError(error, this.connector.describeError(error), {
      stream: this.stream,
      batch,
      columns: this.columns,
      lineOf: (row) => {
        const index = this.batchRowOf(row);
        return index === undefined ? undefined : batch?.lines[index];
      },
      what:
        what ?? `loading ${batch?.rows.length ?? 0} rows into ${this.schemaName}.${this.tableName} failed`,
    });
  }
}

/**
 * Duplicates collapsed in the batch, and its loaded rows that carry `_sdc_deleted_at`: soft-deleted
 * unless the load deleted them (hard delete).
 */
function loadedMarks(
  entry: { replaced: readonly number[]; markedDeleted: readonly number[] },
  changes: RowChanges,
): RowChanges {
  let marked = entry.markedDeleted.length;
  if (marked > 0 && entry.replaced.length > 0) {
    const replaced = new Set(entry.replaced);
    marked = entry.markedDeleted.filter((row) => !replaced.has(row)).length;
  }
  return {
    duplicates: entry.replaced.length,
    softDeleted: changes.deleted === undefined ? marked : 0,
  };
}
