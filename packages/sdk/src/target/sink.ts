/**
 * A Sink receives one stream's records, turns each into a row ready to load, batches the rows and
 * loads a batch when the target asks. Subclasses implement `prepare` (record → row) and `load`
 * (batch → destination, atomically). The target decides when to drain and emits STATE.
 */

import type { RecordSpans } from '../json/json-scan.js';
import type { Logger } from '../logging.js';
import { batchProcessingMetric, LoadCounts } from '../progress/load-counts.js';
import type { SchemaMessage } from '../protocol/messages.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { compileValidator, type RecordValidator } from '../schema/validator.js';
import { type Batch, Batcher, type BatchLimits } from './batcher.js';
import { MissingKeyPropertiesError } from './errors.js';
import type { TargetSettings } from './settings.js';

/** Facts about one RECORD message besides its record. */
export interface RecordContext {
  /** 1-based input line. */
  line: number;
  /** Size of the input line in bytes. */
  bytes: number;
  /** The message's table version (full-table refresh), if any. */
  version?: number;
  /** The message's `time_extracted`, if any. */
  timeExtracted?: string;
  /** When the target read the message, in ms since the epoch. */
  receivedAt: number;
  /**
   * Where the record's properties sit in the input line, so a sink may copy a value's source text
   * instead of serializing it again. Only for records exactly as parsed (no stream map touched them),
   * and only during `write`: the spans are reused for the next message.
   */
  source?: RecordSpans;
}

export interface SinkOptions {
  logger: Logger;
  settings: TargetSettings;
}

/** A prepared row and its size in bytes, for batching by size. */
export interface PreparedRow<Row> {
  row: Row;
  bytes: number;
}

export abstract class Sink<Row = unknown> {
  readonly stream: string;
  schema: JSONSchema;
  keyProperties: string[];
  protected readonly logger: Logger;
  protected readonly settings: TargetSettings;
  private batcher: Batcher<Row>;
  private validator: RecordValidator | undefined;
  private schemaText: string;
  /** First input line of every batch taken but not yet committed, oldest first. */
  private readonly inFlight: number[] = [];
  /** The last load started for this sink; loads of one sink run one after another. */
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  recordsWritten = 0;
  /** What this stream's loads did and what its batches in flight wait for (progress lines, summary). */
  readonly counts = new LoadCounts();

  constructor(message: SchemaMessage, options: SinkOptions) {
    this.stream = message.stream;
    this.schema = message.schema;
    this.keyProperties = [...message.key_properties];
    this.logger = options.logger;
    this.settings = options.settings;
    this.schemaText = schemaKey(message);
    this.batcher = new Batcher<Row>(this.batchLimits());
    this.validator = this.settings.validateRecords
      ? compileValidator(message.schema, message.stream)
      : undefined;
  }

  /** Called once after construction, before any record (create the table, read its columns). */
  async start(): Promise<void> {}

  /** Turns a validated record into a loadable row; runs once per record, so keep it fast. */
  protected abstract prepare(record: Record<string, unknown>, context: RecordContext): PreparedRow<Row>;

  /** Loads one batch atomically: either every row is committed or none is. */
  protected abstract load(batch: Batch<Row>): Promise<void>;

  /** Applies a changed SCHEMA; the sink has been drained before this is called. */
  protected async applySchema(_message: SchemaMessage): Promise<void> {}

  /** Full-table refresh: rows of versions older than `version` are removed; drained before. */
  async activateVersion(_version: number): Promise<void> {}

  /** End of input, after the last batch is committed. */
  async close(): Promise<void> {}

  protected batchLimits(): BatchLimits {
    return {
      maxRows: this.settings.batchSizeRows,
      maxBytes: this.settings.batchSizeBytes,
      maxAgeMs: this.settings.batchMaxAgeMs,
    };
  }

  /** True when `message` carries the schema and keys this sink already has. */
  hasSchema(message: SchemaMessage): boolean {
    return schemaKey(message) === this.schemaText;
  }

  async changeSchema(message: SchemaMessage): Promise<void> {
    await this.applySchema(message);
    this.schema = message.schema;
    this.keyProperties = [...message.key_properties];
    this.schemaText = schemaKey(message);
    this.validator = this.settings.validateRecords
      ? compileValidator(message.schema, message.stream)
      : undefined;
  }

  /** Validates, checks keys, prepares and buffers one record. */
  write(record: Record<string, unknown>, context: RecordContext): void {
    this.validator?.(record, context.line);
    for (const key of this.keyProperties) {
      if (record[key] === undefined || record[key] === null) {
        throw new MissingKeyPropertiesError(
          `record is missing key property '${key}' (key properties: ${this.keyProperties.join(', ')})`,
          { stream: this.stream, line: context.line, field: key },
        );
      }
    }
    const { row, bytes } = this.prepare(record, context);
    this.batcher.add(row, bytes, context.line, context.receivedAt);
    this.recordsWritten += 1;
  }

  get bufferedRows(): number {
    return this.batcher.size;
  }

  get bufferedBytes(): number {
    return this.batcher.byteSize;
  }

  /**
   * Whether the buffered rows should be loaded now: the batch is full, or this stream has nothing
   * loading and enough buffered to be worth a load. Loading whenever the destination is idle keeps
   * batches as small as the pipeline allows, so little is left to load when the input ends, while a
   * destination slower than the input still gets full batches.
   */
  isReadyToLoad(): boolean {
    return this.batcher.isFull() || (this.inFlight.length === 0 && this.batcher.isWorthLoading());
  }

  isExpired(now: number): boolean {
    return this.batcher.isExpired(now);
  }

  /**
   * Hands over the buffered rows as the next batch (undefined when none are buffered). A sink that
   * keeps data beside its rows (an encoded byte buffer, a key index) extends this to seal that data
   * with the batch; it runs synchronously, before the next record is written.
   */
  protected takeBatch(): Batch<Row> | undefined {
    return this.batcher.take();
  }

  /** Batches taken for loading and not yet committed. */
  get batchesInFlight(): number {
    return this.inFlight.length;
  }

  /** Input line of the oldest record not yet committed, or Infinity. */
  get oldestUncommittedLine(): number {
    return this.inFlight.length > 0 ? (this.inFlight[0] as number) : this.batcher.firstLine;
  }

  /**
   * Takes the buffered rows and loads them after this sink's previous load, inside `limit` (which
   * bounds loads running at once across sinks). Resolves when committed; undefined if nothing buffered.
   */
  drain(limit: <T>(task: () => Promise<T>) => Promise<T>): Promise<void> | undefined {
    const batch = this.takeBatch();
    if (batch === undefined) return undefined;
    this.inFlight.push(batch.firstLine);
    const previous = this.tail;
    const counts = this.counts;
    const run = async (): Promise<void> => {
      counts.waitFor(batch.number, batch.rows.length, 'previous batch');
      await previous;
      if (this.failure !== undefined) {
        counts.failed(batch.number);
        throw this.failure;
      }
      counts.waitFor(batch.number, batch.rows.length, 'load slot');
      const facts = { stream: this.stream, number: batch.number, rows: batch.rows.length };
      let started = 0;
      try {
        await limit(() => {
          started = Date.now();
          counts.waitFor(batch.number, batch.rows.length, 'database');
          return this.load(batch);
        });
      } catch (error) {
        counts.failed(batch.number);
        batchProcessingMetric(this.logger, facts, started === 0 ? 0 : Date.now() - started, 'failed');
        this.failure = error;
        throw error;
      }
      counts.committed(batch.number, batch.rows.length, Date.now() - started);
      batchProcessingMetric(this.logger, facts, Date.now() - started, 'succeeded');
      // A failed load stays in flight for good: no STATE past it can ever be released.
      this.inFlight.shift();
    };
    const done = run();
    this.tail = done.catch(() => undefined);
    return done;
  }
}

function schemaKey(message: SchemaMessage): string {
  return `${JSON.stringify(message.key_properties)}${JSON.stringify(message.schema)}`;
}
