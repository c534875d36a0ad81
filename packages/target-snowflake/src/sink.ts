/**
 * Snowflake's part of the SDK's SQL table flow (SQLTableSink): records become compact JSON rows as
 * they arrive, each field's bytes written straight into the batch's byte buffers (the SDK's
 * RowWriter) already escaped for the JSON string they travel in (escaped-row.ts; values' text from
 * row-json.ts), so a batch costs its size in memory, outside the V8 heap, and no row is ever a JS
 * string. A batch is sent as JSON arrays bound to `?` in statements of at most about
 * 1 MB of request body, each body the statement's JSON with the rows' bytes spliced in; Snowflake
 * flattens, casts and de-duplicates them:
 *
 * - a batch that fits one statement is merged (upsert, `QUALIFY ROW_NUMBER() … ORDER BY f.index
 *   DESC`: the last record of a key wins) or inserted (append) by that one statement;
 * - a larger batch is inserted chunk by chunk into this run's stage, then merged or inserted from it
 *   in one transaction (the SDK's staged route), so the table never shows half a batch.
 *
 * `number` columns start as NUMBER(38,0); before a batch loads, a column is widened to the scale its
 * values need, or to VARCHAR when 38 digits cannot hold them (prepareLoad), so no digit is lost.
 */
import {
  type Batch,
  forEachConcurrently,
  type PreparedRow,
  type RecordContext,
  type SchemaMessage,
  type SQLColumn,
  serializeJson,
} from '@singer-ts/sdk';
import {
  type ColumnClass,
  type EncodedRows,
  type ExistingTable,
  type LoadRows,
  PropertySourceText,
  RowWriter,
  SQLTableSink,
  type SQLTableSinkOptions,
} from '@singer-ts/sdk/sql';
import { MAX_NUMBER_DIGITS, MAX_NUMBER_SCALE, type NumberShape } from './column-types.js';
import type { SnowflakeConnector, SnowflakeSession } from './connector.js';
import { EscapedRow } from './escaped-row.js';
import { refuseColumnCollisions } from './naming.js';
import { decimalText, scalarText, utcDateTime, type ValuePlace } from './row-json.js';
import type { EscapedTextBinding } from './sql-api/client.js';

export interface SnowflakeSinkOptions extends SQLTableSinkOptions<SnowflakeSession> {
  connector: SnowflakeConnector;
}

/**
 * A batch row: the end offset of its bytes in the batch's EncodedRows. A row is its JSON array
 * escaped for a JSON string, followed by a comma, so adjacent rows are one slice of a JSON array.
 */
export type SnowflakeRow = number;

/** What a batch holds beside its rows. */
export interface SealedRows {
  rows: EncodedRows;
  /** Per numeric column, the widest number the batch holds. */
  shapes: Map<string, NumberShape>;
}

interface LoadedColumn {
  column: SQLColumn;
  /** The column's element in the row's JSON array. */
  index: number;
  /** The column's type as DESCRIBE TABLE prints it: what the load casts to. */
  sqlType: string;
  kind: ColumnClass;
  /** Source-text slot for VARIANT and number values, when the record property has one. */
  slot: number | undefined;
  place: ValuePlace;
}

/** Writes one column's non-null value into the row being encoded. */
type FieldWriter = (value: unknown, context: RecordContext) => void;

const BATCHED_AT = '_sdc_batched_at';
const DELETED_AT = '_sdc_deleted_at';
const FLATTEN = 'FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) AS f';

export class SnowflakeSink extends SQLTableSink<SnowflakeRow, SealedRows, SnowflakeSession> {
  protected declare readonly connector: SnowflakeConnector;
  private loaded: LoadedColumn[] = [];
  private stamped = false;
  private sources = new PropertySourceText([]);
  private readonly writer = new RowWriter();
  private readonly row = new EscapedRow(this.writer);
  private writers: FieldWriter[] = [];
  private writeFields: (record: Record<string, unknown>, context: RecordContext) => void = () => undefined;
  /** The last date-time converted to UTC, in any column, and its UTC text. */
  private lastDateTime: unknown;
  private lastUtc = '';
  private shapes = new Map<string, NumberShape>();
  /** Request bytes of each load statement without its rows (the statement's JSON around them). */
  private readonly envelopes = new Map<string, number>();

  // biome-ignore lint/complexity/noUselessConstructor: narrows the options to Snowflake's connector
  constructor(message: SchemaMessage, options: SnowflakeSinkOptions) {
    super(message, options);
  }

  /** The SDK's columns, refused when two properties would share one (see naming.ts). */
  protected override columnsFor(message: SchemaMessage): SQLColumn[] {
    const columns = super.columnsFor(message);
    refuseColumnCollisions(columns, message.stream, this.identifierLimit());
    return columns;
  }

  protected planColumns(_session: SnowflakeSession, table: ExistingTable): void {
    const spanned: string[] = [];
    this.loaded = this.columns
      .filter((column) => column.metadata !== BATCHED_AT)
      .map((column, index) => {
        const sqlType = table.columns.get(column.name) ?? this.connector.columnType(column.type);
        const kind = this.connector.classOf(sqlType);
        // VARIANT and number values are copied from the input line's text.
        const copiesSource =
          column.metadata === undefined &&
          column.property !== undefined &&
          (kind === 'json' || isNumeric(column));
        if (copiesSource) spanned.push(column.property as string);
        return {
          column,
          index,
          sqlType,
          kind,
          slot: copiesSource ? spanned.length - 1 : undefined,
          place: { stream: this.stream, field: column.property ?? column.name },
        };
      });
    this.sources = new PropertySourceText(spanned);
    this.stamped = this.columns.some((column) => column.metadata === BATCHED_AT);
    this.compileFields();
  }

  protected loadColumns(): string[] {
    const names = this.loaded.map((entry) => entry.column.name);
    if (this.stamped) names.push(BATCHED_AT);
    return names;
  }

  protected encode(record: Record<string, unknown>, context: RecordContext): PreparedRow<SnowflakeRow> {
    this.sources.locate(context);
    this.row.start();
    this.writeFields(record, context);
    const bytes = this.row.end();
    return { row: this.writer.size, bytes };
  }

  /**
   * Compiles, once per schema, the straight-line code that reads each column's value (a record
   * property by name, or a metadata value) and hands it, when not null, to the column's writer.
   */
  private compileFields(): void {
    const body = ['let v;'];
    this.loaded.forEach((entry, index) => {
      const { column } = entry;
      body.push(
        column.metadata === undefined
          ? `v = r[${JSON.stringify(column.property)}];`
          : `v = metadataValue(${index}, r, c);`,
        `if (v === undefined || v === null) row.null(); else W[${index}](v, c);`,
      );
    });
    const factory = new Function(
      'row',
      'W',
      'metadataValue',
      `"use strict"; return function writeFields(r, c) { ${body.join('\n')} };`,
    ) as (
      row: EscapedRow,
      writers: FieldWriter[],
      metadataValue: (index: number, record: Record<string, unknown>, context: RecordContext) => unknown,
    ) => typeof this.writeFields;
    this.writers = this.loaded.map((entry) => this.writerFor(entry));
    this.writeFields = factory(this.row, this.writers, (index, record, context) =>
      this.columnValue((this.loaded[index] as LoadedColumn).column, record, context),
    );
  }

  /** Writes a column's non-null value into the row, by the class of the column's type. */
  private writerFor(entry: LoadedColumn): FieldWriter {
    const { row, sources } = this;
    const { slot, place } = entry;
    if (isNumeric(entry.column) && (entry.kind === 'number' || entry.kind === 'string')) {
      return (value, context) => {
        if (typeof value === 'number' && Number.isSafeInteger(value)) row.integer(value);
        else {
          const source = slot === undefined ? undefined : sources.text(slot);
          row.string(decimalText(value, source, this.shapeOf(entry), place, context.line), false);
        }
      };
    }
    switch (entry.kind) {
      case 'json':
        return (value) => {
          const source = slot === undefined ? undefined : sources.text(slot);
          if (source === undefined) row.json(serializeJson(value), false);
          else row.json(source, sources.plain);
        };
      case 'date-time': {
        // Consecutive records often share a date-time (`_sdc_received_at` within a millisecond), and
        // columns of one record too (created and updated): each is converted once.
        let last: unknown;
        let lastUtc = '';
        return (value, context) => {
          if (value !== last) {
            lastUtc = value === this.lastDateTime ? this.lastUtc : utcDateTime(value, place, context.line);
            last = value;
            this.lastDateTime = value;
            this.lastUtc = lastUtc;
          }
          row.string(lastUtc, true);
        };
      }
      case 'boolean':
        // Anything but a boolean goes as text: the cast then says what is wrong.
        return (value) => {
          if (typeof value === 'boolean') row.bool(value);
          else row.string(scalarText(value), false);
        };
      default:
        // A string from a line without a backslash has nothing to escape.
        return (value) => {
          if (typeof value === 'string') row.string(value, sources.plain);
          else row.string(scalarText(value), false);
        };
    }
  }

  /** The widest number a numeric column holds in the open batch. */
  private shapeOf(entry: LoadedColumn): NumberShape {
    let shape = this.shapes.get(entry.column.name);
    if (shape === undefined) {
      shape = { integerDigits: 0, scale: 0 };
      this.shapes.set(entry.column.name, shape);
    }
    return shape;
  }

  protected sealRows(_batch: Batch<SnowflakeRow>): SealedRows {
    const sealed = { rows: this.writer.take(), shapes: this.shapes };
    this.shapes = new Map();
    return sealed;
  }

  /** Once the batch is committed its bytes are free for the next batches. */
  protected override committed(rows: LoadRows<SnowflakeRow, SealedRows>): void {
    rows.sealed.rows.release();
  }

  /**
   * Widens NUMBER columns to the scale the batch's values need, or to VARCHAR beyond 38 digits,
   * before the load: Snowflake commits DDL on its own, so it cannot join the load's transaction.
   */
  protected override async prepareLoad(rows: LoadRows<SnowflakeRow, SealedRows>): Promise<void> {
    const changes: { entry: LoadedColumn; type: string }[] = [];
    for (const entry of this.loaded) {
      const shape = rows.sealed.shapes.get(entry.column.name);
      if (shape === undefined || entry.kind !== 'number') continue;
      const scale = numberScale(entry.sqlType);
      const needed = Math.max(scale, shape.scale);
      if (needed > MAX_NUMBER_SCALE || shape.integerDigits + needed > MAX_NUMBER_DIGITS)
        changes.push({ entry, type: 'VARCHAR' });
      else if (needed > scale) changes.push({ entry, type: `NUMBER(${MAX_NUMBER_DIGITS},${needed})` });
    }
    if (changes.length === 0) return;
    await this.connector.withSession(this.stream, async (session) => {
      for (const { entry, type } of changes) {
        for (const sql of this.connector.widenColumnSQL(this.table, entry.column.name, type))
          await session.execute(sql);
        this.logger.info('widened column for the values of a batch', {
          stream: this.stream,
          column: entry.column.name,
          from: entry.sqlType,
          to: type,
        });
        entry.sqlType = type;
        entry.kind = this.connector.classOf(type);
        this.writers[entry.index] = this.writerFor(entry);
      }
    });
  }

  /** A batch loads in one statement when it fits one request and the table needs no emptying first. */
  protected override loadsAtomically(rows: LoadRows<SnowflakeRow, SealedRows>): boolean {
    if (this.truncatePending) return false;
    const sql = this.upserting ? this.mergeStatement(true) : this.insertStatement(this.qualifiedTable);
    const ends = rows.batch.rows;
    let size = 0;
    if (rows.kept === undefined) size = ends.at(-1) ?? 0;
    else
      for (const row of rows.kept)
        size += (ends[row] as number) - (row === 0 ? 0 : (ends[row - 1] as number));
    return size <= this.budget(sql);
  }

  protected async copyRows(
    session: SnowflakeSession,
    into: string,
    rows: LoadRows<SnowflakeRow, SealedRows>,
  ): Promise<void> {
    const sql = this.insertStatement(into);
    const chunks = [...this.arrays(rows, sql)];
    // Into the stage, the chunks are independent inserts nobody reads until the batch is applied:
    // sent `parallelism` at a time, a large batch costs a few statement latencies, not one per MB.
    await forEachConcurrently(
      chunks,
      into === this.qualifiedTable ? 1 : this.settings.parallelism,
      async (chunk) => {
        await session.execute(sql, [chunk]);
      },
    );
  }

  protected override async mergeRows(
    session: SnowflakeSession,
    rows: LoadRows<SnowflakeRow, SealedRows>,
    hardDelete: boolean,
  ): Promise<void> {
    const sql = this.mergeStatement(hardDelete);
    const [array] = this.arrays(rows, sql);
    if (array !== undefined) await session.execute(sql, [array]);
  }

  /**
   * One MERGE from the bound array: keys de-duplicated in the statement (the last record wins: the
   * highest FLATTEN INDEX), matched rows updated, the rest inserted; with hard deletes, rows whose
   * record carries `_sdc_deleted_at` are deleted (or never inserted).
   */
  private mergeStatement(hardDelete: boolean): string {
    const q = (name: string) => this.connector.quote(name);
    const columns = this.loadColumns();
    const keyPaths = this.keyColumns.map((key) => {
      const entry = this.loaded.find((candidate) => candidate.column.name === key) as LoadedColumn;
      return this.path(entry);
    });
    const on = this.keyColumns.map((key) => `t.${q(key)} = s.${q(key)}`).join(' AND ');
    const others = columns.filter((column) => !this.keyColumns.includes(column));
    const deleting = hardDelete && columns.includes(DELETED_AT);
    let sql =
      `MERGE INTO ${this.qualifiedTable} AS t USING (SELECT ${this.selectList()} ${FLATTEN} ` +
      `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${keyPaths.join(', ')} ORDER BY f.index DESC) = 1) AS s ON ${on}`;
    if (deleting) sql += ` WHEN MATCHED AND s.${q(DELETED_AT)} IS NOT NULL THEN DELETE`;
    if (others.length > 0)
      sql += ` WHEN MATCHED THEN UPDATE SET ${others.map((c) => `t.${q(c)} = s.${q(c)}`).join(', ')}`;
    sql += ` WHEN NOT MATCHED${deleting ? ` AND s.${q(DELETED_AT)} IS NULL` : ''} THEN INSERT (${this.columnList()}) VALUES (${columns.map((c) => `s.${q(c)}`).join(', ')})`;
    return sql;
  }

  private insertStatement(into: string): string {
    return `INSERT INTO ${into} (${this.columnList()}) SELECT ${this.selectList()} ${FLATTEN}`;
  }

  /**
   * Bytes of rows a request with `sql` can carry: what is left once the statement's JSON (with the
   * array's brackets) is in, plus the comma the last row drops.
   */
  private budget(sql: string): number {
    let envelope = this.envelopes.get(sql);
    if (envelope === undefined) {
      envelope = this.connector.client.requestBytes(sql, { bindings: [EMPTY_ROWS] });
      // Statements change only with the columns; a handful per stream.
      if (this.envelopes.size > 64) this.envelopes.clear();
      this.envelopes.set(sql, envelope);
    }
    return this.connector.client.maxRequestBytes - envelope + 1;
  }

  private columnList(): string {
    return this.loadColumns()
      .map((name) => this.connector.quote(name))
      .join(', ');
  }

  /** Each loaded column read from the row and cast to its column's type; `_sdc_batched_at` is now. */
  private selectList(): string {
    const list = this.loaded.map(
      (entry) => `${this.path(entry)} AS ${this.connector.quote(entry.column.name)}`,
    );
    if (this.stamped) list.push(`CURRENT_TIMESTAMP() AS ${this.connector.quote(BATCHED_AT)}`);
    return list.join(', ');
  }

  private path(entry: LoadedColumn): string {
    // A JSON null element is a VARIANT null, not SQL NULL, until stripped; a cast makes it NULL.
    const element = `f.value[${entry.index}]`;
    return entry.kind === 'json' ? `STRIP_NULL_VALUE(${element})` : `${element}::${entry.sqlType}`;
  }

  /**
   * The kept rows as JSON arrays (escaped bytes, sliced from the batch's buffers, not copied), each
   * small enough that `sql` with it bound stays within the request size Snowflake accepts.
   */
  private *arrays(rows: LoadRows<SnowflakeRow, SealedRows>, sql: string): Generator<EscapedTextBinding> {
    for (const group of rows.sealed.rows.groups(rows.batch.rows, rows.kept, this.budget(sql))) {
      const last = group.slices.length - 1;
      // Every row ends with a comma; the array's last one must not.
      group.slices[last] = (group.slices[last] as Buffer).subarray(0, -1);
      yield { type: 'TEXT', escaped: [OPEN_ARRAY, ...group.slices, CLOSE_ARRAY] };
    }
  }
}

const OPEN_ARRAY = Buffer.from('[');
const CLOSE_ARRAY = Buffer.from(']');
const EMPTY_ROWS: EscapedTextBinding = { type: 'TEXT', escaped: [OPEN_ARRAY, CLOSE_ARRAY] };

function isNumeric(column: SQLColumn): boolean {
  return column.type === 'integer' || column.type === 'number';
}

/** The scale of `NUMBER(p,s)`; 0 for `NUMBER` and `NUMBER(p)`. */
function numberScale(type: string): number {
  const match = /,\s*(\d+)\s*\)/.exec(type);
  return match === null ? 0 : Number(match[1]);
}
