/**
 * One stream → one table. Records are encoded to COPY rows as they arrive, straight into byte buffers
 * (so a batch costs its size in memory, outside the V8 heap), and each batch is loaded in one
 * transaction. Rows are binary COPY rows while every value can be written in binary exactly as
 * PostgreSQL would read its text; from the first record with a value that cannot, the rest of the
 * batch is COPY text, and the batch is loaded by one binary COPY and one text COPY. Keys are
 * de-duplicated in the batch (the last record wins) as records arrive. A batch is first COPied
 * straight into the table; if a key is already there (a unique violation), or deletes
 * must be applied, it is loaded through a temporary staging table and one INSERT … ON CONFLICT DO
 * UPDATE instead. Tables are created and widened from the stream's SCHEMA; nothing is dropped.
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
  SpanLookup,
  type SQLColumn,
  SQLConnectionError,
  SQLSink,
} from '@singer-ts/sdk';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryRow, binaryCopyData, binaryMoment, binaryTypeOf } from './binary.js';
import {
  type BinaryColumn,
  type BinaryRowEncoder,
  compileBinaryRowEncoder,
  fieldEncoderFor,
} from './binary-fields.js';
import { connectionFailure, watchConnection } from './connection.js';
import { parseTimestamp, type ZonelessTimestamps } from './datetime.js';
import {
  compileRowEncoder,
  type Encoder,
  encoderFor,
  type MetadataValue,
  NULL_TEXT,
  type RowEncoder,
} from './encode.js';
import { type EncodedRows, RowWriter } from './rows.js';
import { type CopySegment, copySegments, keptRows, rowOfCopyLine, segmentSize } from './segments.js';
import { connectionError } from './settings.js';
import { type ColumnClass, classOfLogical, classOfPgType, PG_TYPE, widenTo } from './types.js';

export interface PostgresSinkOptions extends SinkOptions {
  pool: pg.Pool;
  schemaName: string;
  /**
   * `text` loads every batch with COPY text (no binary rows); for tests that compare the two formats.
   * By default rows are binary wherever that is exact.
   */
  copyFormat?: 'binary' | 'text';
}

/**
 * A record's key within a batch, for keeping the last record of each key: the key's COPY text, or for
 * a single integer key the integer itself (cheaper to hash, and nothing for the garbage collector).
 */
type BatchKey = string | number;
/** Integer text that is exactly a safe JS integer, so it and that number are the same key. */
const SAFE_INTEGER_TEXT = /^-?(?:0|[1-9]\d{0,14})$/;

/** A batch row: the end offset of its COPY row in the batch's bytes (see rows.ts). */
export type PgRow = number;

/** What a batch holds beside its rows: the encoded bytes and the rows a later one of the same key replaced. */
interface SealedBatch {
  rows: EncodedRows;
  superseded: number[];
  /** Rows before this index are binary COPY rows, the others COPY text. */
  textFrom: number;
  /** Integer columns whose values outgrew bigint in this batch: widened before its text rows load. */
  widen: string[];
}

interface LoadedColumn {
  column: SQLColumn;
  kind: ColumnClass;
  /** The column's type as format_type() prints it. */
  pgType: string;
  encode: Encoder;
}

const STAGE = quoteIdentifier('_singer_stage');
const BATCHED_AT = '_sdc_batched_at';
/** `_sdc_batched_at` is written as the load transaction's now() in this fixed-width form. */
const STAMP_SQL = `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stamp`;
const STAMP_PLACEHOLDER = '0000-00-00T00:00:00.000000Z';
/** Types `_sdc_batched_at` may have for binary rows: their stamp is a binary timestamp. */
const BINARY_STAMP_TYPES = new Set(['timestamptz', 'timestamp']);
/** SQLSTATE unique_violation: a COPY straight into the table met a key already there. */
const UNIQUE_VIOLATION = '23505';
/** After the n-th batch whose direct COPY met an existing key, the next 2^n batches go through staging. */
const MAX_DIRECT_BACKOFF = 64;

export class PostgresSink extends SQLSink<PgRow> {
  private readonly pool: pg.Pool;
  readonly schemaName: string;
  private readonly copyFormat: 'binary' | 'text';
  private loaded: LoadedColumn[] = [];
  /** Indexes into `loaded` of the key columns, for building a row's key. */
  private keyIndexes: number[] = [];
  /** Columns whose integers outgrew bigint in the open batch; widened when the batch loads. */
  private overflowed = new Set<string>();
  /**
   * Columns whose widening to numeric is not committed yet. Meanwhile every row is COPY text: a binary
   * row holds a bigint column's values as int8, which a numeric column would not accept.
   */
  private readonly widening = new Set<string>();
  private truncated = false;
  private hasDeletes = false;
  private encodeRow: RowEncoder = () => '';
  /** Undefined when some column's type is only loaded as text: then every row is COPY text. */
  private encodeBinaryRow: BinaryRowEncoder | undefined;
  /** Index of the open batch's first COPY text row; -1 while all its rows are binary. */
  private textFrom = -1;
  /** How timestamps without an offset are read in binary: as UTC when the session's TimeZone is UTC. */
  private zoneless: ZonelessTimestamps = 'refuse';
  /** `_sdc_batched_at`'s type in the table. */
  private batchedAtType = PG_TYPE['date-time'];
  /** Properties whose source text rows copy (jsonb, numeric), and where each was found in a line. */
  private spanLookup = new SpanLookup([]);
  private found = new Int32Array(0);
  /** The key of a record as text, for keyed (upserting) streams. */
  private keyOf: ((record: Record<string, unknown>, context: RecordContext) => BatchKey) | undefined;
  /** Whether rows end with a `_sdc_batched_at` field, stamped when the batch is loaded. */
  private stamped = false;
  private readonly writer = new RowWriter();
  private readonly binaryRow = new BinaryRow(this.writer);
  /** Key → index of its last row in the open batch, and the indexes of rows replaced since. */
  private keys = new Map<BatchKey, number>();
  private superseded: number[] = [];
  private readonly sealed = new WeakMap<Batch<PgRow>, SealedBatch>();
  /** Batches to load through staging before trying a direct COPY again, and failures so far. */
  private stagedBatches = 0;
  private directFailures = 0;

  constructor(message: SchemaMessage, options: PostgresSinkOptions) {
    super(message, options);
    this.pool = options.pool;
    this.schemaName = options.schemaName;
    this.copyFormat = options.copyFormat ?? 'binary';
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
    let client: pg.PoolClient | undefined;
    try {
      client = await this.connect();
      // Text COPY reads a timestamp without offset in the session's TimeZone (the target's pool sets
      // UTC; a pool from elsewhere may not), and binary rows must read it the same way.
      const zone = await client.query<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`);
      this.zoneless = zone.rows[0]?.zone === 'UTC' ? 'utc' : 'refuse';
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
      throw this.loadError(this.reason(client, error), undefined, 'preparing the table failed');
    } finally {
      client?.release();
    }
  }

  /**
   * Checks out a client that cannot crash the process. TargetPostgres's pool watches each client from
   * the moment it connects; a pool from elsewhere is only watched from the first checkout on.
   */
  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // A connection opened mid-run (the pool replacing one) names the stream that needed it.
      throw connectionError(error, { stream: this.stream });
    }
    watchConnection(client);
    return client;
  }

  /** Why work on `client` failed: its lost connection if that came first, else the error thrown. */
  private reason(client: pg.PoolClient | undefined, error: unknown): unknown {
    return (client === undefined ? undefined : connectionFailure(client)) ?? error;
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
      .filter((column) => column.metadata !== BATCHED_AT)
      .map((column) => {
        const type = types.get(column.name);
        const kind = type === undefined ? classOfLogical(column.type) : classOfPgType(type);
        const pgType = type ?? PG_TYPE[column.type];
        return { column, kind, pgType, encode: encoderFor(kind, () => this.flagOverflow(column.name)) };
      });
    this.batchedAtType = types.get(BATCHED_AT) ?? PG_TYPE['date-time'];
    this.keyIndexes = this.keyColumns.map((key) =>
      this.loaded.findIndex((entry) => entry.column.name === key),
    );
    this.stamped = this.columns.some((column) => column.metadata === BATCHED_AT);
    this.compile();
  }

  /** Compiles the row and key encoders for the current columns and encoders. */
  private compile(): void {
    const loaded = this.loaded;
    const metadataValue: MetadataValue = (index, record, context) =>
      this.columnValue((loaded[index] as LoadedColumn).column, record, context as RecordContext);
    const spanned: string[] = [];
    const columns = loaded.map((entry) => {
      // Metadata columns (even when the record carries the property) take their value from columnValue.
      const property = entry.column.metadata === undefined ? entry.column.property : undefined;
      const copiesSource = property !== undefined && (entry.kind === 'jsonb' || entry.kind === 'numeric');
      if (copiesSource) spanned.push(property);
      return {
        property,
        kind: entry.kind,
        encode: entry.encode,
        span: copiesSource ? spanned.length - 1 : undefined,
      };
    });
    this.spanLookup = new SpanLookup(spanned);
    this.found = new Int32Array(spanned.length);
    this.encodeRow = compileRowEncoder(
      columns,
      metadataValue,
      this.stamped ? `\t${STAMP_PLACEHOLDER}\n` : '\n',
    );
    this.encodeBinaryRow = this.compileBinary(columns, metadataValue);
    if (!this.upserting) {
      this.keyOf = undefined;
      return;
    }
    const keyColumns = this.keyIndexes.map((index) => loaded[index] as LoadedColumn);
    const field = (entry: LoadedColumn, record: Record<string, unknown>, context: RecordContext): string => {
      const value = this.columnValue(entry.column, record, context);
      return value === undefined || value === null ? NULL_TEXT : entry.encode(value);
    };
    const [single] = keyColumns;
    this.keyOf =
      keyColumns.length === 1 && single !== undefined
        ? single.kind === 'bigint'
          ? (record, context) => {
              const value = this.columnValue(single.column, record, context);
              if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
              const text = field(single, record, context);
              return SAFE_INTEGER_TEXT.test(text) ? Number(text) : text;
            }
          : (record, context) => field(single, record, context)
        : (record, context) => {
            let key = '';
            for (const entry of keyColumns) key += `${field(entry, record, context)}\u0001`;
            return key;
          };
  }

  /**
   * The binary row encoder for the loaded columns, or undefined when rows must be COPY text: text was
   * asked for, or some column's type has no exact binary encoder here (see binaryTypeOf).
   */
  private compileBinary(
    columns: readonly { property: string | undefined; span?: number | undefined }[],
    metadataValue: MetadataValue,
  ): BinaryRowEncoder | undefined {
    if (this.copyFormat === 'text') return undefined;
    const textOnly = (column: string, type: string): undefined => {
      this.logger.debug('loading with COPY text only: a column type has no binary encoder', {
        stream: this.stream,
        column,
        type,
      });
      return undefined;
    };
    const stampType = binaryTypeOf(this.batchedAtType);
    if (this.stamped && (stampType === undefined || !BINARY_STAMP_TYPES.has(stampType))) {
      return textOnly(BATCHED_AT, this.batchedAtType);
    }
    const binaryColumns: BinaryColumn[] = [];
    for (const [index, entry] of this.loaded.entries()) {
      const type = binaryTypeOf(entry.pgType);
      if (type === undefined) return textOnly(entry.column.name, entry.pgType);
      const span = columns[index]?.span;
      binaryColumns.push({
        property: columns[index]?.property,
        encode: fieldEncoderFor(type, { span, zoneless: this.zoneless }),
      });
    }
    return compileBinaryRowEncoder(binaryColumns, metadataValue, this.stamped);
  }

  private flagOverflow(column: string): void {
    this.overflowed.add(column);
    this.widening.add(column);
  }

  protected prepare(record: Record<string, unknown>, context: RecordContext): PreparedRow<PgRow> {
    const source = context.source;
    if (source !== undefined && this.found.length > 0) this.spanLookup.find(source, this.found);
    else this.found.fill(-1);
    const bytes = this.writeRow(record, context, source?.plain ?? false);
    const key = this.keyOf?.(record, context);
    if (!this.hasDeletes && record._sdc_deleted_at !== undefined && record._sdc_deleted_at !== null) {
      this.hasDeletes = true;
    }
    if (key !== undefined) {
      const index = this.bufferedRows;
      const previous = this.keys.get(key);
      if (previous !== undefined) this.superseded.push(previous);
      this.keys.set(key, index);
    }
    return { row: this.writer.size, bytes };
  }

  /**
   * Writes the record's row, binary while the open batch's rows are; returns its size in bytes. The
   * first record with a value binary cannot hold exactly makes it and the rest of the batch COPY text.
   */
  private writeRow(record: Record<string, unknown>, context: RecordContext, plain: boolean): number {
    const source = context.source;
    if (this.textFrom < 0) {
      const encode = this.widening.size === 0 ? this.encodeBinaryRow : undefined;
      const failed = encode?.(record, context, source, this.found, plain, this.binaryRow) ?? 0;
      if (failed < 0) return this.binaryRow.end();
      this.textFrom = this.bufferedRows;
      if (encode !== undefined) {
        this.logger.debug('the rest of the batch is COPY text: a value has no exact binary form', {
          stream: this.stream,
          column: this.loaded[failed]?.column.name,
          line: context.line,
        });
      }
    }
    return this.writer.append(this.encodeRow(record, context, source, this.found, plain));
  }

  protected override takeBatch(): Batch<PgRow> | undefined {
    const batch = super.takeBatch();
    if (batch === undefined) return undefined;
    this.sealed.set(batch, {
      rows: this.writer.take(),
      superseded: this.superseded,
      textFrom: this.textFrom < 0 ? batch.rows.length : this.textFrom,
      widen: [...this.overflowed],
    });
    this.keys = new Map();
    this.superseded = [];
    this.textFrom = -1;
    this.overflowed = new Set();
    return batch;
  }

  protected async load(batch: Batch<PgRow>): Promise<void> {
    const sealed = this.sealed.get(batch);
    if (sealed === undefined) throw new Error(`batch ${batch.number} of stream ${this.stream} has no rows`);
    this.sealed.delete(batch);
    const segments = copySegments(
      batch.rows.length,
      sealed.textFrom,
      keptRows(batch.rows.length, sealed.superseded),
    );
    // Hard deletes join the batch's rows to the table, so they need the staging table.
    const needsStaging = this.upserting && this.hasDeletes && this.settings.hardDelete;
    let direct = !needsStaging && (!this.upserting || this.stagedBatches === 0);
    if (!direct && this.stagedBatches > 0) this.stagedBatches -= 1;
    for (;;) {
      // The COPY statement running when the attempt failed, to name the input line of a bad row.
      const attempt: { copying?: CopySegment } = {};
      try {
        await this.loadOnce(batch, sealed, segments, direct, attempt);
        sealed.rows.release();
        return;
      } catch (error) {
        if (direct && this.upserting && (error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          // Some key is already in the table: merge this batch, and the next few, through staging.
          this.directFailures += 1;
          this.stagedBatches = Math.min(2 ** this.directFailures, MAX_DIRECT_BACKOFF);
          this.logger.debug('keys already in the table: merging the batch through a staging table', {
            stream: this.stream,
            batch: batch.number,
          });
          direct = false;
          continue;
        }
        throw this.loadError(error, batch, undefined, attempt.copying);
      }
    }
  }

  /**
   * One attempt at loading a batch in one transaction: a direct COPY into the table (fails with a
   * unique violation if a key exists), or COPY into a staging table and one INSERT … ON CONFLICT.
   * Each segment is one COPY (binary, then text); columns the batch widens to numeric are altered
   * between the two, as its binary rows hold their values as bigint and its text rows may not fit.
   */
  private async loadOnce(
    batch: Batch<PgRow>,
    sealed: SealedBatch,
    segments: CopySegment[],
    direct: boolean,
    attempt: { copying?: CopySegment },
  ): Promise<void> {
    const rows = sealed.rows;
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (this.stamped) await this.stampRows(client, batch, sealed);
      if (this.settings.loadMethod === 'overwrite' && !this.truncated) {
        await client.query(`TRUNCATE ${this.qualifiedTable}`);
      }
      const names = this.loaded.map((entry) => quoteIdentifier(entry.column.name));
      if (this.stamped) names.push(quoteIdentifier(BATCHED_AT));
      const list = names.join(', ');
      const copy = async (table: string, segment: CopySegment): Promise<void> => {
        const format = segment.binary ? ' (FORMAT binary)' : '';
        const stream = client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN${format}`));
        // pipeline reports the COPY's failure; an error the stream emits after that must not crash.
        stream.on('error', () => undefined);
        const data = rows.slices(batch.rows, segment.from, segment.to, segment.kept);
        attempt.copying = segment;
        await pipeline(segment.binary ? binaryCopyData(data) : data, stream);
        attempt.copying = undefined;
      };
      const copyBatch = async (table: string): Promise<void> => {
        let widened = false;
        for (const segment of segments) {
          if (!segment.binary && !widened) {
            await this.widenColumns(client, sealed.widen, table);
            widened = true;
          }
          await copy(table, segment);
        }
        if (!widened) await this.widenColumns(client, sealed.widen, table);
      };
      if (direct) {
        await copyBatch(this.qualifiedTable);
      } else {
        await client.query(
          `CREATE TEMP TABLE ${STAGE} ON COMMIT DROP AS SELECT ${list} FROM ${this.qualifiedTable} WITH NO DATA`,
        );
        await copyBatch(STAGE);
        await client.query(this.insertStatement(names));
        if (this.hasDeletes && this.settings.hardDelete && this.upserting) {
          const match = this.keyColumns
            .map((key) => `t.${quoteIdentifier(key)} = s.${quoteIdentifier(key)}`)
            .join(' AND ');
          await client.query(
            `DELETE FROM ${this.qualifiedTable} t USING ${STAGE} s WHERE ${match} AND s._sdc_deleted_at IS NOT NULL`,
          );
        }
      }
      await client.query('COMMIT');
      this.truncated = true;
      this.widened(sealed.widen);
      const binary = segments[0]?.binary === true ? segments[0] : undefined;
      this.logger.debug('batch committed', {
        stream: this.stream,
        batch: batch.number,
        rows: batch.rows.length,
        binaryRows: binary === undefined ? 0 : segmentSize(binary),
        direct,
      });
    } catch (error) {
      // Read before ROLLBACK: a connection lost after the failure must not hide its real cause.
      const reason = this.reason(client, error);
      broken = reason instanceof Error ? reason : new Error(String(reason));
      await client.query('ROLLBACK').catch(() => undefined);
      throw reason;
    } finally {
      // A client whose batch failed may be mid-protocol or disconnected: destroy it, never reuse it.
      client.release(broken);
    }
  }

  private insertStatement(names: string[]): string {
    const list = names.join(', ');
    let sql = `INSERT INTO ${this.qualifiedTable} (${list}) SELECT ${list} FROM ${STAGE}`;
    if (this.upserting) {
      const keys = new Set(this.keyColumns);
      const updates = names
        .filter((name) => !keys.has(name.slice(1, -1).replace(/""/g, '"')))
        .map((name) => `${name} = EXCLUDED.${name}`);
      sql += ` ON CONFLICT (${this.keyColumns.map(quoteIdentifier).join(', ')}) `;
      sql += updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    }
    return sql;
  }

  /**
   * Writes `_sdc_batched_at`, the transaction's now(), into every row: as text into text rows, as a
   * binary timestamp (the same instant, read from the same text) into binary rows.
   */
  private async stampRows(client: pg.PoolClient, batch: Batch<PgRow>, sealed: SealedBatch): Promise<void> {
    const result = await client.query<{ stamp: string }>(STAMP_SQL);
    const stamp = result.rows[0]?.stamp ?? '';
    const moment = { seconds: 0, micros: 0 };
    if (stamp.length !== STAMP_PLACEHOLDER.length || !parseTimestamp(stamp, 'refuse', true, moment)) {
      throw new Error(`unexpected now() text '${stamp}'`);
    }
    const count = batch.rows.length;
    const { rows, textFrom } = sealed;
    if (textFrom > 0) rows.stamp(batch.rows, binaryMoment(moment), 0, 0, textFrom);
    if (textFrom < count) rows.stamp(batch.rows, Buffer.from(stamp, 'latin1'), 1, textFrom, count);
  }

  /**
   * Alters the columns the batch widens to numeric (those not widened by an earlier batch yet), in
   * the table and, when loading through it, the staging table, inside the load's transaction.
   */
  private async widenColumns(client: pg.PoolClient, names: string[], copyTable: string): Promise<void> {
    const tables = copyTable === this.qualifiedTable ? [copyTable] : [this.qualifiedTable, copyTable];
    for (const name of names) {
      if (!this.loaded.some((entry) => entry.column.name === name && entry.kind !== 'numeric')) continue;
      for (const table of tables) {
        await client.query(
          `ALTER TABLE ${table} ALTER COLUMN ${quoteIdentifier(name)} TYPE numeric USING ${quoteIdentifier(name)}::numeric`,
        );
      }
      this.logger.info('widened column for an integer beyond bigint', {
        stream: this.stream,
        column: name,
        to: 'numeric',
      });
    }
  }

  /** After the commit that widened `names`: their values are encoded as numeric from now on. */
  private widened(names: string[]): void {
    if (names.length === 0) return;
    for (const entry of this.loaded) {
      if (names.includes(entry.column.name)) {
        entry.kind = 'numeric';
        entry.pgType = 'numeric';
        entry.encode = encoderFor('numeric', () => undefined);
      }
    }
    for (const name of names) this.widening.delete(name);
    this.compile();
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
      try {
        await this.pool.query(`TRUNCATE ${this.qualifiedTable}`);
      } catch (error) {
        throw this.loadError(error, undefined, 'emptying the table for overwrite failed');
      }
      this.truncated = true;
    }
  }

  /**
   * A database error as a BatchLoadError naming stream, batch, column and input line; `copying` is the
   * COPY statement that failed, whose row numbers count from its first row.
   */
  private loadError(
    error: unknown,
    batch: Batch<PgRow> | undefined,
    what?: string,
    copying?: CopySegment,
  ): Error {
    if (error instanceof KeyPropertiesChangedError || error instanceof SQLConnectionError) return error;
    const db = error as { message?: string; where?: string; column?: string; detail?: string; code?: string };
    const message = db.message ?? String(error);
    const context: Record<string, unknown> = { stream: this.stream };
    if (batch !== undefined) context.batch = batch.number;
    // COPY reports the row it was reading whatever went wrong; only a data or constraint error
    // (SQLSTATE classes 22, 23) is that row's fault, not a lost connection or a cancelled query.
    const rowFault = typeof db.code !== 'string' || db.code.startsWith('22') || db.code.startsWith('23');
    const copyPlace = rowFault ? /COPY [^,]+, line (\d+)(?:, column ([^:\n]+))?/.exec(db.where ?? '') : null;
    const columnName = db.column ?? copyPlace?.[2];
    if (columnName !== undefined) {
      const column = this.columns.find((candidate) => candidate.name === columnName);
      context.column = columnName;
      if (column?.property !== undefined && column.property !== columnName) context.field = column.property;
    }
    if (copyPlace?.[1] !== undefined && batch !== undefined && copying !== undefined) {
      const row = rowOfCopyLine(copying, Number(copyPlace[1]));
      if (row !== undefined && batch.lines[row] !== undefined) context.line = batch.lines[row];
    }
    if (db.code !== undefined) context.sqlstate = db.code;
    const prefix =
      what ?? `loading ${batch?.rows.length ?? 0} rows into ${this.schemaName}.${this.tableName} failed`;
    const detail = db.detail === undefined ? '' : ` (${db.detail})`;
    return new BatchLoadError(`${prefix}: ${message}${detail}`, context, { cause: error });
  }
}
