/**
 * PostgreSQL's part of the SDK's SQL table flow (SQLTableSink): encoding records to COPY rows as they
 * arrive, straight into byte buffers (so a batch costs its size in memory, outside the V8 heap), and
 * the load statement. Rows are binary COPY rows while every value can be written in binary exactly as
 * PostgreSQL would read its text; from the first record with a value that cannot, the rest of the
 * batch is COPY text, and the batch is loaded by one binary COPY and one text COPY. The table plan,
 * key de-duplication, the direct-or-staged merge, deletes and ACTIVATE_VERSION are the SDK's.
 */
import { pipeline } from 'node:stream/promises';
import {
  type Batch,
  type PreparedRow,
  quoteIdentifier,
  type RecordContext,
  type SchemaMessage,
  type SQLColumn,
} from '@singer-ts/sdk';
import {
  type EncodedRows,
  type ExistingTable,
  type LoadRows,
  PropertySourceText,
  RowWriter,
  SQLTableSink,
  type SQLTableSinkOptions,
} from '@singer-ts/sdk/sql';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryRow, binaryCopyData, binaryMoment, binaryTypeOf } from './binary.js';
import {
  type BinaryColumn,
  type BinaryRowEncoder,
  compileBinaryRowEncoder,
  fieldEncoderFor,
} from './binary-fields.js';
import type { PgSession, PostgresConnector } from './connector.js';
import { parseTimestamp, type ZonelessTimestamps } from './datetime.js';
import {
  compileRowEncoder,
  type Encoder,
  encoderFor,
  type MetadataValue,
  type RowEncoder,
} from './encode.js';
import { type CopySegment, copySegments, rowOfCopyLine, segmentSize } from './segments.js';
import { type ColumnClass, classOfLogical, classOfPgType, PG_TYPE } from './types.js';

export interface PostgresSinkOptions extends SQLTableSinkOptions<PgSession> {
  connector: PostgresConnector;
  /**
   * `text` loads every batch with COPY text (no binary rows); for tests that compare the two formats.
   * By default rows are binary wherever that is exact.
   */
  copyFormat?: 'binary' | 'text';
  /**
   * Indexes to create once the table exists (PipelineWise's `schema_mapping` `indices`): each a
   * column, or columns joined by commas.
   */
  indexes?: readonly string[];
  /** false (MeltanoLabs' `activate_version`): ACTIVATE_VERSION messages are ignored with a warning. */
  activateVersion?: boolean;
}

/** A batch row: the end offset of its COPY row in the batch's bytes (see rows.ts). */
export type PgRow = number;

/** What a batch holds beside its rows: the encoded bytes and where its text rows start. */
interface SealedBatch {
  rows: EncodedRows;
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

const BATCHED_AT = '_sdc_batched_at';
/** `_sdc_batched_at` is written as the load transaction's now() in this fixed-width form. */
const STAMP_SQL = `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stamp`;
const STAMP_PLACEHOLDER = '0000-00-00T00:00:00.000000Z';
/** Types `_sdc_batched_at` may have for binary rows: their stamp is a binary timestamp. */
const BINARY_STAMP_TYPES = new Set(['timestamptz', 'timestamp']);

export class PostgresSink extends SQLTableSink<PgRow, SealedBatch, PgSession> {
  protected declare readonly connector: PostgresConnector;
  private readonly copyFormat: 'binary' | 'text';
  private loaded: LoadedColumn[] = [];
  /** Columns whose integers outgrew bigint in the open batch; widened when the batch loads. */
  private overflowed = new Set<string>();
  /**
   * Columns whose widening to numeric is not committed yet. Meanwhile every row is COPY text: a binary
   * row holds a bigint column's values as int8, which a numeric column would not accept.
   */
  private readonly widening = new Set<string>();
  private encodeRow: RowEncoder = () => '';
  /** Undefined when some column's type is only loaded as text: then every row is COPY text. */
  private encodeBinaryRow: BinaryRowEncoder | undefined;
  /** Index of the open batch's first COPY text row; -1 while all its rows are binary. */
  private textFrom = -1;
  /** How timestamps without an offset are read in binary: as UTC when the session's TimeZone is UTC. */
  private zoneless: ZonelessTimestamps = 'refuse';
  /** `_sdc_batched_at`'s type in the table. */
  private batchedAtType = PG_TYPE['date-time'];
  /** Properties whose source text rows copy (jsonb, numeric). */
  private sources = new PropertySourceText([]);
  /** Whether rows end with a `_sdc_batched_at` field, stamped when the batch is loaded. */
  private stamped = false;
  private readonly writer = new RowWriter();
  private readonly binaryRow = new BinaryRow(this.writer);
  /** The COPY statement running (or the last one that failed), to name the input line of a bad row. */
  private copying: CopySegment | undefined;

  private readonly indexes: readonly string[];
  private readonly activatesVersions: boolean;

  constructor(message: SchemaMessage, options: PostgresSinkOptions) {
    super(message, options);
    this.copyFormat = options.copyFormat ?? 'binary';
    this.indexes = options.indexes ?? [];
    this.activatesVersions = options.activateVersion !== false;
  }

  override async start(): Promise<void> {
    await super.start();
    for (const spec of this.indexes) await this.createIndex(spec);
  }

  /** PipelineWise's index: named `i_<table, 30 characters>_<columns joined by _>`, so reruns find it. */
  private async createIndex(spec: string): Promise<void> {
    const columns = spec.split(',').map((column) => column.trim());
    const name = `i_${this.tableName.slice(0, 30)}_${columns.join('_')}`;
    const sql = `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(name)} ON ${this.qualifiedTable} (${columns.map(quoteIdentifier).join(', ')})`;
    try {
      await this.connector.withSession(this.stream, (session) => session.execute(sql));
    } catch (error) {
      throw this.loadError(error, undefined, `creating index ${name} (schema_mapping indices) failed`);
    }
  }

  override async activateVersion(version: number): Promise<void> {
    if (!this.activatesVersions) {
      this.logger.warn('ACTIVATE_VERSION ignored: activate_version is false', {
        stream: this.stream,
        version,
      });
      return;
    }
    await super.activateVersion(version);
  }

  /** Decides the loaded columns and their encoders from the table's actual column types. */
  protected async planColumns(session: PgSession, table: ExistingTable): Promise<void> {
    // Text COPY reads a timestamp without offset in the session's TimeZone (the target's pool sets
    // UTC; a pool from elsewhere may not), and binary rows must read it the same way.
    const zone = await session.client.query<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`);
    this.zoneless = zone.rows[0]?.zone === 'UTC' ? 'utc' : 'refuse';
    const types = table.columns;
    this.loaded = this.columns
      .filter((column) => column.metadata !== BATCHED_AT)
      .map((column) => {
        const type = types.get(column.name);
        const kind = type === undefined ? classOfLogical(column.type) : classOfPgType(type);
        const pgType = type ?? PG_TYPE[column.type];
        return { column, kind, pgType, encode: encoderFor(kind, () => this.flagOverflow(column.name)) };
      });
    this.batchedAtType = types.get(BATCHED_AT) ?? PG_TYPE['date-time'];
    this.stamped = this.columns.some((column) => column.metadata === BATCHED_AT);
    this.compile();
  }

  protected loadColumns(): string[] {
    const names = this.loaded.map((entry) => entry.column.name);
    if (this.stamped) names.push(BATCHED_AT);
    return names;
  }

  /** Compiles the row encoders for the current columns and encoders. */
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
    this.sources = new PropertySourceText(spanned);
    this.encodeRow = compileRowEncoder(
      columns,
      metadataValue,
      this.stamped ? `\t${STAMP_PLACEHOLDER}\n` : '\n',
    );
    this.encodeBinaryRow = this.compileBinary(columns, metadataValue);
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

  protected encode(record: Record<string, unknown>, context: RecordContext): PreparedRow<PgRow> {
    this.sources.locate(context);
    const bytes = this.writeRow(record, context);
    return { row: this.writer.size, bytes };
  }

  /**
   * Writes the record's row, binary while the open batch's rows are; returns its size in bytes. The
   * first record with a value binary cannot hold exactly makes it and the rest of the batch COPY text.
   */
  private writeRow(record: Record<string, unknown>, context: RecordContext): number {
    if (this.textFrom < 0) {
      const encode = this.widening.size === 0 ? this.encodeBinaryRow : undefined;
      const failed = encode?.(record, context, this.sources, this.binaryRow) ?? 0;
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
    return this.writer.append(this.encodeRow(record, context, this.sources));
  }

  protected sealRows(batch: Batch<PgRow>): SealedBatch {
    const sealed = {
      rows: this.writer.take(),
      textFrom: this.textFrom < 0 ? batch.rows.length : this.textFrom,
      widen: [...this.overflowed],
    };
    this.textFrom = -1;
    this.overflowed = new Set();
    return sealed;
  }

  /**
   * COPYs the kept rows into `into`: one COPY per segment (binary rows, then text rows). Columns the
   * batch widens to numeric are altered between the two, in the table and in `into`, as its binary
   * rows hold their values as bigint and its text rows may not fit.
   */
  protected async copyRows(
    session: PgSession,
    into: string,
    load: LoadRows<PgRow, SealedBatch>,
  ): Promise<void> {
    const { batch, sealed, kept } = load;
    const client = session.client;
    if (this.stamped) await this.stampRows(session, batch.rows, sealed);
    const list = this.loadColumns()
      .map((name) => this.connector.quote(name))
      .join(', ');
    let widened = false;
    for (const segment of copySegments(batch.rows.length, sealed.textFrom, kept)) {
      if (!segment.binary && !widened) {
        await this.widenColumns(session, sealed.widen, into);
        widened = true;
      }
      const format = segment.binary ? ' (FORMAT binary)' : '';
      const stream = client.query(copyFrom(`COPY ${into} (${list}) FROM STDIN${format}`));
      // pipeline reports the COPY's failure; an error the stream emits after that must not crash.
      stream.on('error', () => undefined);
      const data = sealed.rows.slices(batch.rows, segment.from, segment.to, segment.kept);
      this.copying = segment;
      await pipeline(segment.binary ? binaryCopyData(data) : data, stream);
      this.copying = undefined;
    }
    if (!widened) await this.widenColumns(session, sealed.widen, into);
  }

  protected override batchRowOf(statementRow: number): number | undefined {
    return this.copying === undefined ? undefined : rowOfCopyLine(this.copying, statementRow);
  }

  protected override batchFacts(load: LoadRows<PgRow, SealedBatch>): Record<string, unknown> {
    const [first] = copySegments(load.batch.rows.length, load.sealed.textFrom, load.kept);
    return { binaryRows: first?.binary === true ? segmentSize(first) : 0 };
  }

  /** After the commit: the batch's bytes are free, and columns it widened are encoded as numeric. */
  protected override committed(load: LoadRows<PgRow, SealedBatch>): void {
    load.sealed.rows.release();
    const names = load.sealed.widen;
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

  /**
   * Writes `_sdc_batched_at`, the transaction's now(), into every row: as text into text rows, as a
   * binary timestamp (the same instant, read from the same text) into binary rows.
   */
  private async stampRows(session: PgSession, offsets: PgRow[], sealed: SealedBatch): Promise<void> {
    const result = await session.client.query<{ stamp: string }>(STAMP_SQL);
    const stamp = result.rows[0]?.stamp ?? '';
    const moment = { seconds: 0, micros: 0 };
    if (stamp.length !== STAMP_PLACEHOLDER.length || !parseTimestamp(stamp, 'refuse', true, moment)) {
      throw new Error(`unexpected now() text '${stamp}'`);
    }
    const { rows, textFrom } = sealed;
    const count = offsets.length;
    if (textFrom > 0) rows.stamp(offsets, binaryMoment(moment), 0, 0, textFrom);
    if (textFrom < count) rows.stamp(offsets, Buffer.from(stamp, 'latin1'), 1, textFrom, count);
  }

  /**
   * Alters the columns the batch widens to numeric (those not widened by an earlier batch yet), in
   * the table and, when loading through it, the staging table, inside the load's transaction.
   */
  private async widenColumns(session: PgSession, names: string[], copyTable: string): Promise<void> {
    const tables = copyTable === this.qualifiedTable ? [copyTable] : [this.qualifiedTable, copyTable];
    for (const name of names) {
      if (!this.loaded.some((entry) => entry.column.name === name && entry.kind !== 'numeric')) continue;
      for (const table of tables) {
        for (const sql of this.connector.widenColumnSQL(table, name, 'numeric')) await session.execute(sql);
      }
      this.logger.info('widened column for an integer beyond bigint', {
        stream: this.stream,
        column: name,
        to: 'numeric',
      });
    }
  }
}
