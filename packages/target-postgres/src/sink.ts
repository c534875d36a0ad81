/**
 * One stream → one table. Records are encoded to COPY text as they arrive (so a batch costs about
 * its size in memory), and each batch is loaded in one transaction: COPY into a temporary staging
 * table, then one INSERT … ON CONFLICT DO UPDATE into the target (keys de-duplicated in the batch,
 * last record wins). Tables are created and widened from the stream's SCHEMA; nothing is dropped.
 */
import { pipeline } from 'node:stream/promises';
import {
  type Batch,
  BatchLoadError,
  KeyPropertiesChangedError,
  type PreparedRow,
  qualifiedName,
  quoteIdentifier,
  type RecordContext,
  type SchemaMessage,
  type SinkOptions,
  type SQLColumn,
  SQLSink,
} from '@singer-ts/sdk';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Encoder, encoderFor, NULL_TEXT } from './encode.js';
import { type ColumnClass, classOfLogical, classOfPgType, PG_TYPE, widenTo } from './types.js';

export interface PostgresSinkOptions extends SinkOptions {
  pool: pg.Pool;
  schemaName: string;
}

/** A batch row: its COPY line and, for keyed streams, its key for de-duplication. */
export interface PgRow {
  text: string;
  key: string | undefined;
}

interface LoadedColumn {
  column: SQLColumn;
  kind: ColumnClass;
  encode: Encoder;
}

const STAGE = quoteIdentifier('_singer_stage');
const COPY_CHUNK_BYTES = 256 * 1024;

export class PostgresSink extends SQLSink<PgRow> {
  private readonly pool: pg.Pool;
  readonly schemaName: string;
  private loaded: LoadedColumn[] = [];
  /** Indexes into `loaded` of the key columns, for building a row's key. */
  private keyIndexes: number[] = [];
  /** Columns whose integers outgrew bigint; widened to numeric before the next load. */
  private readonly overflowed = new Set<string>();
  private truncated = false;
  private hasDeletes = false;

  constructor(message: SchemaMessage, options: PostgresSinkOptions) {
    super(message, options);
    this.pool = options.pool;
    this.schemaName = options.schemaName;
  }

  get qualifiedTable(): string {
    return qualifiedName(this.schemaName, this.tableName);
  }

  private get upserting(): boolean {
    return this.settings.loadMethod !== 'append-only' && this.keyColumns.length > 0;
  }

  override async start(): Promise<void> {
    await this.prepareTable();
  }

  protected override async applySchema(message: SchemaMessage): Promise<void> {
    await super.applySchema(message);
    await this.prepareTable();
  }

  /** Creates the schema and table, or adds missing columns and widens existing ones. */
  private async prepareTable(): Promise<void> {
    const client = await this.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.schemaName)}`);
      let existing = await this.readTable(client);
      if (existing === undefined) {
        const definitions = this.columns.map(
          (column) => `${quoteIdentifier(column.name)} ${PG_TYPE[column.type]}`,
        );
        if (this.settings.loadMethod !== 'append-only' && this.keyColumns.length > 0) {
          definitions.push(`PRIMARY KEY (${this.keyColumns.map(quoteIdentifier).join(', ')})`);
        }
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.qualifiedTable} (${definitions.join(', ')})`);
        existing = await this.readTable(client);
        if (existing === undefined) throw new Error('table vanished after CREATE TABLE');
      } else {
        this.checkPrimaryKey(existing.primaryKey);
        for (const column of this.columns) {
          const current = existing.columns.get(column.name);
          const target = `${this.qualifiedTable} ALTER COLUMN ${quoteIdentifier(column.name)}`;
          if (current === undefined) {
            await client.query(
              `ALTER TABLE ${this.qualifiedTable} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.name)} ${PG_TYPE[column.type]}`,
            );
            this.logger.info('added column', {
              stream: this.stream,
              column: column.name,
              type: PG_TYPE[column.type],
            });
            continue;
          }
          const widened = widenTo(classOfPgType(current), column.type);
          if (widened !== undefined) {
            await client.query(
              `ALTER TABLE ${target} TYPE ${widened.pgType} USING ${quoteIdentifier(column.name)}::${widened.using}`,
            );
            this.logger.info('widened column', {
              stream: this.stream,
              column: column.name,
              from: current,
              to: widened.pgType,
            });
          }
        }
        existing = await this.readTable(client);
        if (existing === undefined) throw new Error('table vanished after ALTER TABLE');
      }
      this.plan(existing.columns);
    } catch (error) {
      throw this.loadError(error, undefined, 'preparing the table failed');
    } finally {
      client.release();
    }
  }

  /**
   * Checks out a client that cannot crash the process: a connection terminated between two queries
   * emits 'error' on the client, which the next query reports instead.
   */
  private async connect(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    const ignore = (): void => undefined;
    client.on('error', ignore);
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      // A destroyed client may still report the server's goodbye: keep listening in that case.
      if (error === undefined || error === false) client.off('error', ignore);
      release(error);
    };
    return client;
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

  private async readTable(
    client: pg.PoolClient,
  ): Promise<{ columns: Map<string, string>; primaryKey: string[] } | undefined> {
    const result = await client.query<{ name: string; type: string; key: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              COALESCE(a.attnum = ANY (i.indkey), false) AS key
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [this.schemaName, this.tableName],
    );
    if (result.rows.length === 0) return undefined;
    return {
      columns: new Map(result.rows.map((row) => [row.name, row.type])),
      primaryKey: result.rows.filter((row) => row.key).map((row) => row.name),
    };
  }

  /** Decides the loaded columns and their encoders from the table's actual column types. */
  private plan(types: Map<string, string>): void {
    this.loaded = this.columns
      .filter((column) => column.metadata !== '_sdc_batched_at')
      .map((column) => {
        const type = types.get(column.name);
        const kind = type === undefined ? classOfLogical(column.type) : classOfPgType(type);
        return { column, kind, encode: encoderFor(kind, () => this.overflowed.add(column.name)) };
      });
    this.keyIndexes = this.keyColumns.map((key) =>
      this.loaded.findIndex((entry) => entry.column.name === key),
    );
  }

  protected prepare(record: Record<string, unknown>, context: RecordContext): PreparedRow<PgRow> {
    const loaded = this.loaded;
    const fields = new Array<string>(loaded.length);
    for (let index = 0; index < loaded.length; index += 1) {
      const entry = loaded[index] as LoadedColumn;
      const value = this.columnValue(entry.column, record, context);
      fields[index] = value === undefined || value === null ? NULL_TEXT : entry.encode(value);
    }
    // join() yields one flat string; `+=` would keep a rope of small pieces alive per buffered row.
    const text = `${fields.join('\t')}\n`;
    let key: string | undefined;
    if (this.upserting) {
      key = '';
      for (const index of this.keyIndexes) key += `${this.fieldOf(record, context, index)}\u0001`;
    }
    if (!this.hasDeletes && record._sdc_deleted_at !== undefined && record._sdc_deleted_at !== null) {
      this.hasDeletes = true;
    }
    return { row: { text, key }, bytes: text.length };
  }

  private fieldOf(record: Record<string, unknown>, context: RecordContext, index: number): string {
    const entry = this.loaded[index] as LoadedColumn;
    const value = this.columnValue(entry.column, record, context);
    return value === undefined || value === null ? NULL_TEXT : entry.encode(value);
  }

  /** Indexes of the rows to load: for keyed streams only the last row of each key. */
  private keptRows(batch: Batch<PgRow>): number[] | undefined {
    if (!this.upserting) return undefined;
    const last = new Map<string, number>();
    for (let index = 0; index < batch.rows.length; index += 1) {
      last.set((batch.rows[index] as PgRow).key as string, index);
    }
    if (last.size === batch.rows.length) return undefined;
    return [...last.values()].sort((a, b) => a - b);
  }

  protected async load(batch: Batch<PgRow>): Promise<void> {
    const kept = this.keptRows(batch);
    const hasDeletes = this.hasDeletes;
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      if (this.overflowed.size > 0) await this.widenOverflowed(client);
      await client.query('BEGIN');
      if (this.settings.loadMethod === 'overwrite' && !this.truncated) {
        await client.query(`TRUNCATE ${this.qualifiedTable}`);
      }
      const names = this.loaded.map((entry) => quoteIdentifier(entry.column.name));
      const list = names.join(', ');
      await client.query(
        `CREATE TEMP TABLE ${STAGE} ON COMMIT DROP AS SELECT ${list} FROM ${this.qualifiedTable} WITH NO DATA`,
      );
      await pipeline(
        copyChunks(batch.rows, kept),
        client.query(copyFrom(`COPY ${STAGE} (${list}) FROM STDIN`)),
      );
      await client.query(this.insertStatement(names));
      if (hasDeletes && this.settings.hardDelete && this.upserting) {
        const match = this.keyColumns
          .map((key) => `t.${quoteIdentifier(key)} = s.${quoteIdentifier(key)}`)
          .join(' AND ');
        await client.query(
          `DELETE FROM ${this.qualifiedTable} t USING ${STAGE} s WHERE ${match} AND s._sdc_deleted_at IS NOT NULL`,
        );
      }
      await client.query('COMMIT');
      this.truncated = true;
      this.logger.debug('batch committed', {
        stream: this.stream,
        batch: batch.number,
        rows: batch.rows.length,
      });
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.loadError(error, batch, undefined, kept);
    } finally {
      // A client whose batch failed may be mid-protocol or disconnected: destroy it, never reuse it.
      client.release(broken);
    }
  }

  private insertStatement(names: string[]): string {
    const metadata = this.columns.some((column) => column.metadata === '_sdc_batched_at');
    const insertColumns = metadata ? [...names, quoteIdentifier('_sdc_batched_at')] : names;
    const select = metadata ? `${names.join(', ')}, now()` : names.join(', ');
    let sql = `INSERT INTO ${this.qualifiedTable} (${insertColumns.join(', ')}) SELECT ${select} FROM ${STAGE}`;
    if (this.upserting) {
      const keys = new Set(this.keyColumns);
      const updates = insertColumns
        .filter((name) => !keys.has(name.slice(1, -1).replace(/""/g, '"')))
        .map((name) => `${name} = EXCLUDED.${name}`);
      sql += ` ON CONFLICT (${this.keyColumns.map(quoteIdentifier).join(', ')}) `;
      sql += updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    }
    return sql;
  }

  private async widenOverflowed(client: pg.PoolClient): Promise<void> {
    for (const name of [...this.overflowed]) {
      await client.query(
        `ALTER TABLE ${this.qualifiedTable} ALTER COLUMN ${quoteIdentifier(name)} TYPE numeric USING ${quoteIdentifier(name)}::numeric`,
      );
      this.logger.info('widened column for an integer beyond bigint', {
        stream: this.stream,
        column: name,
        to: 'numeric',
      });
      for (const entry of this.loaded) {
        if (entry.column.name === name) {
          entry.kind = 'numeric';
          entry.encode = encoderFor('numeric', () => undefined);
        }
      }
      this.overflowed.delete(name);
    }
  }

  override async activateVersion(version: number): Promise<void> {
    if (!this.settings.addRecordMetadata) {
      this.logger.warn('ACTIVATE_VERSION ignored: add_record_metadata is off, so rows carry no version', {
        stream: this.stream,
      });
      return;
    }
    const older = '(_sdc_table_version IS NULL OR _sdc_table_version < $1)';
    const sql = this.settings.hardDelete
      ? `DELETE FROM ${this.qualifiedTable} WHERE ${older}`
      : `UPDATE ${this.qualifiedTable} SET _sdc_deleted_at = now() WHERE ${older} AND _sdc_deleted_at IS NULL`;
    try {
      const result = await this.pool.query(sql, [version]);
      this.logger.info('activated version', {
        stream: this.stream,
        version,
        [this.settings.hardDelete ? 'deleted' : 'marked_deleted']: result.rowCount,
      });
    } catch (error) {
      throw this.loadError(error, undefined, 'ACTIVATE_VERSION failed');
    }
  }

  override async close(): Promise<void> {
    if (this.settings.loadMethod === 'overwrite' && !this.truncated) {
      await this.pool.query(`TRUNCATE ${this.qualifiedTable}`);
      this.truncated = true;
    }
  }

  /** A database error as a BatchLoadError naming stream, batch, column and input line. */
  private loadError(error: unknown, batch: Batch<PgRow> | undefined, what?: string, kept?: number[]): Error {
    if (error instanceof KeyPropertiesChangedError) return error;
    const db = error as { message?: string; where?: string; column?: string; detail?: string; code?: string };
    const message = db.message ?? String(error);
    const context: Record<string, unknown> = { stream: this.stream };
    if (batch !== undefined) context.batch = batch.number;
    const copyPlace = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(db.where ?? '');
    const columnName = db.column ?? copyPlace?.[2];
    if (columnName !== undefined) {
      const column = this.columns.find((candidate) => candidate.name === columnName);
      context.column = columnName;
      if (column?.property !== undefined && column.property !== columnName) context.field = column.property;
    }
    if (copyPlace?.[1] !== undefined && batch !== undefined) {
      const rowIndex = Number(copyPlace[1]) - 1;
      const index = kept === undefined ? rowIndex : kept[rowIndex];
      if (index !== undefined && batch.lines[index] !== undefined) context.line = batch.lines[index];
    }
    if (db.code !== undefined) context.sqlstate = db.code;
    const prefix =
      what ?? `loading ${batch?.rows.length ?? 0} rows into ${this.schemaName}.${this.tableName} failed`;
    const detail = db.detail === undefined ? '' : ` (${db.detail})`;
    return new BatchLoadError(`${prefix}: ${message}${detail}`, context, { cause: error });
  }
}

/** The batch's COPY lines (only the kept ones) in chunks of about 256 KB. */
function* copyChunks(rows: PgRow[], kept: number[] | undefined): Generator<string> {
  let chunk = '';
  const count = kept === undefined ? rows.length : kept.length;
  for (let position = 0; position < count; position += 1) {
    const row = rows[kept === undefined ? position : (kept[position] as number)] as PgRow;
    chunk += row.text;
    if (chunk.length >= COPY_CHUNK_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
