/**
 * The Target routes Singer messages to one Sink per stream, drains sinks by size, age and total
 * memory, runs loads of different streams in parallel (each stream's loads in order), and writes a
 * STATE to its output only once every record read before it is committed.
 */
import type { Writable } from 'node:stream';
import { ConcurrencyLimit } from '../concurrency.js';
import type { ConnectorInfo } from '../connector.js';
import { InvalidSchemaError, ProtocolError, RecordBeforeSchemaError, SingerError } from '../errors.js';
import { RecordSpans } from '../json/json-scan.js';
import type { Logger } from '../logging.js';
import { createStreamMapper, type StreamMapper } from '../maps/mapper.js';
import { mapperSettingsSchema } from '../maps/settings.js';
import { applyMetricsLevel, PROGRESS_SETTINGS, progressSettingsFrom } from '../progress/settings.js';
import { TargetProgress, type TargetStreamSummary } from '../progress/target-progress.js';
import { mapMessage } from '../protocol/map-message.js';
import type { BatchMessage, RecordMessage, SchemaMessage, SingerMessage } from '../protocol/messages.js';
import { readLineBatches, readMessage } from '../protocol/reader.js';
import { ReplacedUtf8Report } from '../protocol/utf8.js';
import { MessageWriter } from '../protocol/writer.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { readBatchRecords } from './batch-files.js';
import { TARGET_SETTINGS, type TargetSettings, targetSettingsFrom } from './settings.js';
import type { Sink } from './sink.js';
import { StateWatermark } from './watermark.js';

export type TargetConfig = Record<string, unknown>;

export interface TargetOptions {
  config: TargetConfig;
  logger: Logger;
}

export interface TargetRunSummary {
  records: number;
  batches: number;
  statesEmitted: number;
  streams: string[];
  /** Per stream: records read and committed, rows inserted, updated, deleted (also logged at exit). */
  summaries: TargetStreamSummary[];
}

export abstract class Target {
  /** What `--about` prints; kind 'target'. Subclasses set it. */
  static info: ConnectorInfo;
  /** Settings every target accepts; the CLI merges them into `info.settings`. */
  static sharedSettings: JSONSchema = {
    type: 'object',
    properties: {
      ...mapperSettingsSchema.properties,
      ...TARGET_SETTINGS.properties,
      ...PROGRESS_SETTINGS.properties,
    },
  };

  readonly config: TargetConfig;
  readonly logger: Logger;
  readonly settings: TargetSettings;
  private readonly sinks = new Map<string, Sink>();
  private readonly watermark = new StateWatermark();
  private readonly loading = new Set<Promise<void>>();
  private writer: MessageWriter | undefined;
  private failure: { error: unknown } | undefined;
  private batches = 0;
  private records = 0;
  /** Stream maps and pseudonymization from config, compiled before any input is read. */
  private readonly mapper: StreamMapper | undefined;
  private statesEmitted = 0;
  /** Batch loads running at once: `parallelism` at most. */
  private readonly loads: ConcurrencyLimit;
  /** Progress lines (or a terminal display) while loading, and the summary at exit. */
  protected readonly progress: TargetProgress;
  /**
   * ACTIVATE_VERSIONs read before their stream's first SCHEMA (the spec requires a SCHEMA only before
   * RECORDs), with their input lines. No record of the stream can come in between, so applying them
   * right after the SCHEMA opens the table leaves it as applying them where they stood would have;
   * STATEs read after one are held until it is applied.
   */
  private readonly pendingActivations = new Map<string, { version: number; line: number }[]>();

  constructor(options: TargetOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.settings = targetSettingsFrom(options.config);
    this.loads = new ConcurrencyLimit(this.settings.parallelism);
    applyMetricsLevel(options.logger, options.config);
    this.progress = new TargetProgress(options.logger, progressSettingsFrom(options.config), () =>
      this.sinks.values(),
    );
    const mapper = createStreamMapper(options.config, { logger: options.logger });
    this.mapper = mapper.isIdentity ? undefined : mapper;
  }

  /** Builds the sink for a stream's first SCHEMA. */
  protected abstract createSink(message: SchemaMessage): Sink | Promise<Sink>;

  /** Releases connections and other resources; called once at the end, failed or not. */
  protected async dispose(): Promise<void> {}

  /**
   * Reads `input` to its end, or until `signal` aborts: then what was read is still loaded and its
   * STATE released, and the run returns as if the input had ended there.
   */
  async run(
    input: AsyncIterable<Buffer | string | Uint8Array>,
    output: Writable,
    signal?: AbortSignal,
  ): Promise<TargetRunSummary> {
    this.writer = new MessageWriter(output);
    const timer = setInterval(() => this.drainExpired(), Math.min(1000, this.settings.batchMaxAgeMs));
    timer.unref();
    this.progress.start();
    try {
      const spans = new RecordSpans();
      const replaced = new ReplacedUtf8Report(this.logger);
      const invalidUtf8 = { mode: this.settings.invalidUtf8, onReplaced: replaced.onReplaced };
      // Lines of a chunk are handled synchronously; only other messages and waits cost an await.
      for await (const lines of readLineBatches(input, { invalidUtf8, ...(signal ? { signal } : {}) })) {
        for (const { text, line: number, bytes: size } of lines) {
          if (this.failure) throw this.failure.error;
          const { message: raw, line, bytes, source } = readMessage(text, number, size, spans);
          if (this.mapper === undefined) {
            const waiting =
              raw.type === 'RECORD'
                ? this.writeRecord(raw, line, bytes, source)
                : this.handle(raw, line, bytes);
            if (waiting) await waiting;
          } else {
            // The target reads BATCH files itself, so it maps their records one by one (see loadBatch).
            for (const message of mapMessage(this.mapper, raw, { batches: 'pass' }))
              await this.handle(message, line, bytes);
          }
        }
      }
      this.mapper?.flushMetrics();
      replaced.finish();
      this.dropUnmatchedActivations();
      for (const sink of this.sinks.values()) await this.startDrain(sink);
      await this.waitForLoads();
      if (this.failure) throw this.failure.error;
      for (const sink of this.sinks.values()) await sink.close();
      await this.releaseStates();
      await this.writer.flush();
      return {
        records: this.records,
        batches: this.batches,
        statesEmitted: this.statesEmitted,
        streams: [...this.sinks.keys()],
        summaries: await this.progress.finish('succeeded'),
      };
    } catch (error) {
      // Let loads already running finish or roll back; no STATE is released after a failure.
      this.failure ??= { error };
      await Promise.allSettled([...this.loading]);
      await this.writer.flush().catch(() => undefined);
      await this.progress.finish('failed');
      throw this.failure.error;
    } finally {
      clearInterval(timer);
      await this.dispose();
    }
  }

  /**
   * A RECORD into its sink; returns a promise only when the target must wait (a drain, memory).
   * `source` locates the record's values in the input line; given only when the record is unmapped.
   */
  private writeRecord(
    message: RecordMessage,
    line: number,
    bytes: number,
    source?: RecordSpans,
  ): Promise<void> | undefined {
    const sink = this.sinks.get(message.stream);
    if (sink === undefined) {
      throw new RecordBeforeSchemaError('RECORD arrived before any SCHEMA for its stream', {
        stream: message.stream,
        line,
      });
    }
    sink.write(message.record, {
      line,
      bytes,
      version: message.version,
      timeExtracted: message.time_extracted,
      receivedAt: Date.now(),
      source,
    });
    this.records += 1;
    if (sink.isReadyToLoad()) return this.startDrain(sink);
    if ((this.records & 0x3ff) === 0) return this.limitMemory();
    return undefined;
  }

  private async handle(message: SingerMessage, line: number, bytes: number): Promise<void> {
    switch (message.type) {
      case 'RECORD':
        await this.writeRecord(message, line, bytes);
        break;
      case 'SCHEMA':
        await this.onSchema(message, line);
        break;
      case 'STATE':
        this.watermark.push(line, message.value);
        await this.releaseStates();
        break;
      case 'ACTIVATE_VERSION': {
        const sink = this.sinks.get(message.stream);
        if (sink === undefined) {
          const pending = this.pendingActivations.get(message.stream) ?? [];
          pending.push({ version: message.version, line });
          this.pendingActivations.set(message.stream, pending);
          this.logger.info("ACTIVATE_VERSION before its stream's SCHEMA: applied when the SCHEMA arrives", {
            stream: message.stream,
            version: message.version,
            line,
          });
          break;
        }
        await this.drainAndWait(sink);
        await sink.activateVersion(message.version);
        break;
      }
      case 'BATCH':
        await this.loadBatch(message, line);
        break;
      default:
        throw new ProtocolError(`unexpected message ${(message as SingerMessage).type}`, { line });
    }
  }

  /**
   * The records of a BATCH message's files, each as if it were a RECORD read at the BATCH's input
   * line: a STATE after the BATCH is held until all of them are committed. Errors about one record
   * name its file and line there besides the input line.
   */
  private async loadBatch(message: BatchMessage, line: number): Promise<void> {
    if (this.mapper === undefined && !this.sinks.has(message.stream)) {
      throw new RecordBeforeSchemaError('BATCH arrived before any SCHEMA for its stream', {
        stream: message.stream,
        line,
      });
    }
    for await (const records of readBatchRecords(message, { line })) {
      for (const { record, file, line: fileLine, bytes } of records) {
        if (this.failure) throw this.failure.error;
        const unmapped: RecordMessage = { type: 'RECORD', stream: message.stream, record };
        let mapped: RecordMessage[];
        try {
          mapped = this.mapper === undefined ? [unmapped] : this.mapper.mapRecord(unmapped);
        } catch (error) {
          throw inBatchFile(error, line, file, fileLine);
        }
        for (const output of mapped) {
          let waiting: Promise<void> | undefined;
          try {
            waiting = this.writeRecord(output, line, bytes);
          } catch (error) {
            throw inBatchFile(error, line, file, fileLine);
          }
          // Not inside the try: a drain that fails reports an earlier batch's load, not this record.
          if (waiting) await waiting;
        }
      }
    }
  }

  private async onSchema(message: SchemaMessage, line: number): Promise<void> {
    const properties = message.schema.properties;
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
      throw new InvalidSchemaError('SCHEMA has no "properties" object, so no columns can be derived', {
        stream: message.stream,
        line,
      });
    }
    const existing = this.sinks.get(message.stream);
    if (existing === undefined) {
      const sink = await this.createSink(message);
      await sink.start();
      this.sinks.set(message.stream, sink);
      for (const { version } of this.pendingActivations.get(message.stream) ?? [])
        await sink.activateVersion(version);
      this.pendingActivations.delete(message.stream);
      return;
    }
    if (existing.hasSchema(message)) return;
    await this.drainAndWait(existing);
    await existing.changeSchema(message);
  }

  /** Starts loading a sink's buffer; waits while too many batches are queued (backpressure). */
  private async startDrain(sink: Sink): Promise<void> {
    const loading = sink.drain(this.loads.run);
    if (loading === undefined) return;
    this.batches += 1;
    const tracked: Promise<void> = loading.then(
      () => {
        this.loading.delete(tracked);
        return this.releaseStates();
      },
      (error: unknown) => {
        this.loading.delete(tracked);
        this.failure ??= { error };
      },
    );
    this.loading.add(tracked);
    // Loads of one stream run in order, so more than one queued behind a running one only costs memory.
    while ((this.loading.size > this.settings.parallelism || sink.batchesInFlight > 1) && !this.failure) {
      await Promise.race(this.loading);
    }
    if (this.failure) throw this.failure.error;
  }

  private async drainAndWait(sink: Sink): Promise<void> {
    await this.startDrain(sink);
    await this.waitForLoads();
    if (this.failure) throw this.failure.error;
  }

  private async waitForLoads(): Promise<void> {
    while (this.loading.size > 0) await Promise.race(this.loading);
  }

  /** Keeps the rows buffered across all streams under twice one batch's byte limit. */
  private async limitMemory(): Promise<void> {
    let total = 0;
    let largest: Sink | undefined;
    for (const sink of this.sinks.values()) {
      total += sink.bufferedBytes;
      if (largest === undefined || sink.bufferedBytes > largest.bufferedBytes) largest = sink;
    }
    if (largest !== undefined && total > 2 * this.settings.batchSizeBytes) await this.startDrain(largest);
  }

  /** At end of input: ACTIVATE_VERSIONs whose stream never got a SCHEMA name no table to activate. */
  private dropUnmatchedActivations(): void {
    for (const [stream, pending] of this.pendingActivations) {
      this.logger.warn('ACTIVATE_VERSION not applied: no SCHEMA for its stream followed', {
        stream,
        versions: pending.map(({ version }) => version),
        line: pending[0]?.line,
      });
    }
    this.pendingActivations.clear();
  }

  private drainExpired(): void {
    const now = Date.now();
    for (const sink of this.sinks.values()) {
      if (sink.isExpired(now)) this.startDrain(sink).catch(() => undefined);
    }
  }

  private async releaseStates(): Promise<void> {
    if (this.failure || this.writer === undefined) return;
    let lowWater = Number.POSITIVE_INFINITY;
    for (const sink of this.sinks.values()) lowWater = Math.min(lowWater, sink.oldestUncommittedLine);
    for (const [first] of this.pendingActivations.values())
      lowWater = Math.min(lowWater, first?.line ?? lowWater);
    const state = this.watermark.release(lowWater);
    if (state === undefined) return;
    this.statesEmitted += 1;
    await this.writer.write({ type: 'STATE', value: state.value });
    this.progress.stateCommitted(state.value);
  }
}

/** Locates a record's error in its BATCH file, keeping the error's class and code. */
function inBatchFile(error: unknown, line: number, file: string, fileLine: number): unknown {
  if (!(error instanceof SingerError)) return error;
  error.context.line ??= line;
  error.context.file ??= file;
  error.context.fileLine ??= fileLine;
  return error;
}
