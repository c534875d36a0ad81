/**
 * The database-independent half of a SQL sink: the table name, one column per property (snake_case,
 * collision-free, within the identifier limit), the `_sdc_*` metadata columns, and the value each
 * column takes for a record. A connector adds DDL, encoding and the load statement.
 */
import type { SchemaMessage } from '../protocol/messages.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { KeyPropertyNotInSchemaError } from '../sql/errors.js';
import { type LogicalType, logicalTypeOf } from './column-types.js';
import { KeyPropertiesChangedError } from './errors.js';
import { columnNamesFor, DEFAULT_MAX_IDENTIFIER_BYTES, tableNameFor } from './naming.js';
import { type RecordContext, Sink, type SinkOptions } from './sink.js';

export type MetadataColumn =
  | '_sdc_extracted_at'
  | '_sdc_received_at'
  | '_sdc_batched_at'
  | '_sdc_deleted_at'
  | '_sdc_sequence'
  | '_sdc_table_version';

export const METADATA_COLUMNS: Readonly<Record<MetadataColumn, LogicalType>> = {
  _sdc_extracted_at: 'date-time',
  _sdc_received_at: 'date-time',
  _sdc_batched_at: 'date-time',
  _sdc_deleted_at: 'date-time',
  _sdc_sequence: 'integer',
  _sdc_table_version: 'integer',
};

export interface SQLSinkOptions extends SinkOptions {
  /** Longest identifier in bytes (default 63, PostgreSQL's). */
  maxIdentifierBytes?: number;
  /** The table's name; by default the whole stream name (tableNameFor). */
  tableName?: string;
}

export interface SQLColumn {
  name: string;
  /** The record property this column holds; metadata columns have none unless the record carries it. */
  property?: string;
  metadata?: MetadataColumn;
  type: LogicalType;
  schema: JSONSchema;
}

/** Microseconds at process start: `_sdc_sequence` = this + input line, increasing across runs. */
const RUN_EPOCH_MICROS = Date.now() * 1000;

export abstract class SQLSink<Row = unknown> extends Sink<Row> {
  readonly tableName: string;
  columns: SQLColumn[];
  keyColumns: string[];
  /** `_sdc_received_at` of the last record and its text: records of the same millisecond share it. */
  private receivedAtMs = Number.NaN;
  private receivedAtText = '';
  private readonly maxIdentifierBytes: number;
  /**
   * When set, a record's non-null `_sdc_deleted_at` is loaded as the time it was received: its row is
   * deleted in the same transaction (hard delete), so the value only has to be one every database
   * reads, and any value a tap sends (some send malformed ones) deletes the row.
   */
  protected stampsDeletes = false;

  constructor(message: SchemaMessage, options: SQLSinkOptions) {
    super(message, options);
    this.maxIdentifierBytes = options.maxIdentifierBytes ?? DEFAULT_MAX_IDENTIFIER_BYTES;
    this.tableName = options.tableName ?? tableNameFor(message.stream, this.identifierLimit());
    this.columns = this.columnsFor(message);
    this.keyColumns = this.keyColumnsFor(message);
  }

  /** Longest identifier in bytes; PostgreSQL's is 63. */
  protected identifierLimit(): number {
    return this.maxIdentifierBytes;
  }

  protected columnsFor(message: SchemaMessage): SQLColumn[] {
    const properties = message.schema.properties ?? {};
    const metadata = this.settings.addRecordMetadata
      ? (Object.keys(METADATA_COLUMNS) as MetadataColumn[])
      : [];
    const names = columnNamesFor(
      Object.keys(properties).filter((property) => !metadata.includes(property as MetadataColumn)),
      metadata,
      this.identifierLimit(),
    );
    const columns: SQLColumn[] = [];
    for (const [property, name] of names) {
      const schema = properties[property] as JSONSchema;
      columns.push({ name, property, type: logicalTypeOf(schema), schema });
    }
    for (const meta of metadata) {
      // A record may carry `_sdc_deleted_at` itself (a source-side delete), declared or not: log-based
      // taps send it without declaring it. Its value wins. Other metadata is read only when declared.
      const carried = meta in properties || meta === '_sdc_deleted_at' ? { property: meta } : {};
      columns.push({ name: meta, metadata: meta, type: METADATA_COLUMNS[meta], schema: {}, ...carried });
    }
    return columns;
  }

  protected keyColumnsFor(message: SchemaMessage): string[] {
    return message.key_properties.map((key) => {
      const column = this.columns.find((candidate) => candidate.property === key);
      if (column === undefined) {
        throw new KeyPropertyNotInSchemaError(
          `key property '${key}' is not a property of the stream's schema (properties: ` +
            `${Object.keys(message.schema.properties ?? {}).join(', ') || 'none'}); add it to the schema ` +
            'or remove it from key_properties',
          { stream: message.stream, field: key },
        );
      }
      return column.name;
    });
  }

  /** The value a column takes for a record (undefined and null both mean SQL NULL). */
  protected columnValue(column: SQLColumn, record: Record<string, unknown>, context: RecordContext): unknown {
    if (column.property !== undefined) {
      const value = record[column.property];
      if (column.metadata === undefined) return value;
      if (value !== undefined && value !== null) {
        return this.stampsDeletes && column.metadata === '_sdc_deleted_at' ? this.receivedAt(context) : value;
      }
    }
    switch (column.metadata) {
      case '_sdc_extracted_at':
        return context.timeExtracted;
      case '_sdc_received_at':
        return this.receivedAt(context);
      case '_sdc_sequence':
        return RUN_EPOCH_MICROS + context.line;
      case '_sdc_table_version':
        return context.version;
      default:
        // _sdc_batched_at is set by the load statement; _sdc_deleted_at only by the record.
        return undefined;
    }
  }

  private receivedAt(context: RecordContext): string {
    if (context.receivedAt !== this.receivedAtMs) {
      this.receivedAtText = new Date(context.receivedAt).toISOString();
      this.receivedAtMs = context.receivedAt;
    }
    return this.receivedAtText;
  }

  /** Key properties cannot change under a table with data: that is an error, not a silent rekey. */
  protected override async applySchema(message: SchemaMessage): Promise<void> {
    const before = this.keyProperties.join('\u0000');
    const after = message.key_properties.join('\u0000');
    if (before !== after && this.settings.loadMethod !== 'append-only') {
      throw new KeyPropertiesChangedError(
        `key properties changed from [${this.keyProperties.join(', ')}] to [${message.key_properties.join(', ')}]; ` +
          'load into a new table or use load_method append-only',
        { stream: message.stream },
      );
    }
    this.columns = this.columnsFor(message);
    this.keyColumns = this.keyColumnsFor(message);
  }
}
