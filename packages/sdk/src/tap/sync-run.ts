/**
 * One sync's moving parts: plans the selected streams and their children, resumes each partition
 * from its bookmark, shapes records to the selected schema, and emits SCHEMA, RECORD, STATE (and
 * ACTIVATE_VERSION) in an order every Singer target relies on. Kept out of Tap so the base class
 * stays a small public surface.
 */
import { SingerError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { StreamMapper } from '../maps/mapper.js';
import { RecordCounter } from '../progress/record-counter.js';
import type { TapProgress } from '../progress/tap-progress.js';
import { mapMessage } from '../protocol/map-message.js';
import type { RecordMessage, SchemaMessage, SingerMessage } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';
import { compileConformer, type RecordConformer } from '../schema/conform.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { toUtcTimestamp } from '../schema/timestamps.js';
import { type Catalog, selectSchema } from './catalog.js';
import { compareBookmarkValues, compareUtcTimestamps, type Partition, type StateManager } from './state.js';
import type { Stream, StreamContext } from './stream.js';

export class StreamSyncError extends SingerError {
  override readonly code: string = 'SINGER_STREAM_FAILED';
}

/** Any stream of a tap, whatever its record and config types. */
// biome-ignore lint/suspicious/noExplicitAny: streams of one tap have different record types
export type AnyStream = Stream<any, any>;

export interface SyncRunOptions {
  writer: MessageWriter;
  logger: Logger;
  mapper: StreamMapper | undefined;
  signal: AbortSignal;
  stateIntervalRows: number;
  stateIntervalMs: number;
  /** Counts records per stream for the progress lines and the summary at exit. */
  progress?: TapProgress;
  /** Milliseconds now: paces STATE messages and `record_count` lines (tests move it by hand). */
  clock?: () => number;
}

interface PrefetchedChild {
  child: StreamPlan;
  partition: Partition;
  records: Record<string, unknown>[];
}

export interface StreamPlan {
  stream: AnyStream;
  selected: boolean;
  schema: JSONSchema;
  conformer: RecordConformer;
  children: StreamPlan[];
  schemaSent: boolean;
}

/** The newest replication-key value of a partition so far; `latestIsUtc` when toUtcTimestamp wrote it. */
interface Progress {
  latest: unknown;
  latestIsUtc: boolean;
}

export class SyncRun {
  readonly recordCounts: Record<string, number> = {};
  /** One `record_count` meter per selected stream, children included, across its partitions. */
  private readonly recordCounters = new Map<string, RecordCounter>();
  private readonly startedAt = new Date().toISOString();
  private rowsSinceState = 0;
  private extractedAt = '';
  private extractedAtMs = -1;
  private readonly clock: () => number;
  private lastStateAt: number;
  private readonly stateIntervalRows: number;
  private readonly stateIntervalMs: number;
  private readonly signal: AbortSignal;

  private readonly mapper: StreamMapper | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly state: StateManager,
    private readonly options: SyncRunOptions,
  ) {
    this.stateIntervalRows = options.stateIntervalRows;
    this.stateIntervalMs = options.stateIntervalMs;
    this.signal = options.signal;
    this.mapper = options.mapper;
    this.clock = options.clock ?? Date.now;
    this.lastStateAt = this.clock();
  }

  /** The streams to run, parents first, each knowing whether it is selected. */
  plan(streams: readonly AnyStream[]): StreamPlan[] {
    for (const stream of streams) stream.selected = this.catalog.isStreamSelected(stream.name);
    const build = (stream: AnyStream): StreamPlan => {
      const selected = stream.selected;
      const entry = this.catalog.get(stream.name);
      const schema = selectSchema(this.catalog, stream.name, entry?.schema ?? stream.schema);
      // A child with nothing selected below it costs requests for nothing: leave it out of the plan.
      const children = streams
        .filter((child) => child.parentStreamName === stream.name)
        .map(build)
        .filter(needed);
      return { stream, selected, schema, conformer: compileConformer(schema), children, schemaSent: false };
    };
    const needed = (plan: StreamPlan): boolean => plan.selected || plan.children.some(needed);
    return streams
      .filter((stream) => !stream.parentStreamName)
      .map(build)
      .filter(needed);
  }

  async emit(message: SingerMessage): Promise<void> {
    const pending = this.options.writer.write(message);
    if (pending) await pending;
  }

  /** Emits a message through the stream maps (records take the faster path in syncPartition). */
  private async emitMapped(message: SingerMessage): Promise<void> {
    const mapper = this.mapper;
    for (const out of mapper ? mapMessage(mapper, message, { batches: 'pass' }) : [message])
      await this.emit(out);
  }

  async emitState(): Promise<void> {
    this.rowsSinceState = 0;
    this.lastStateAt = this.clock();
    await this.emit({ type: 'STATE', value: this.state.snapshot() });
  }

  private async emitActivateVersion(stream: string, version: number): Promise<void> {
    const message = { type: 'ACTIVATE_VERSION', stream, version } as const;
    await this.emitMapped(message);
  }

  private async emitSchema(plan: StreamPlan): Promise<void> {
    if (plan.schemaSent || !plan.selected) return;
    plan.schemaSent = true;
    const { stream } = plan;
    const message: SchemaMessage = {
      type: 'SCHEMA',
      stream: stream.name,
      schema: plan.schema,
      key_properties: stream.primaryKeys,
      ...(stream.replicationKey ? { bookmark_properties: [stream.replicationKey] } : {}),
    };
    await this.emitMapped(message);
  }

  async syncStream(plan: StreamPlan, parentPartition: Partition | undefined): Promise<void> {
    const partitions = parentPartition ? [parentPartition] : (plan.stream.partitions() ?? [undefined]);
    try {
      for (const partition of partitions) {
        if (this.signal.aborted) return;
        await this.syncPartition(plan, partition);
      }
    } finally {
      // A top-level stream is done (or stopped): the rest of its and its children's record counts,
      // and the end of their durations.
      if (!parentPartition) this.finishStream(plan);
    }
  }

  private recordCounter(stream: string): RecordCounter {
    let counter = this.recordCounters.get(stream);
    if (counter === undefined) {
      counter = new RecordCounter(this.options.logger, stream, this.clock);
      this.recordCounters.set(stream, counter);
    }
    return counter;
  }

  private finishStream(plan: StreamPlan): void {
    if (plan.selected) {
      this.recordCounter(plan.stream.name).flush();
      this.options.progress?.ended(plan.stream.name);
    }
    for (const child of plan.children) this.finishStream(child);
  }

  /** What `getRecords` gets for one partition: its bookmark and where to resume. */
  private streamContext(plan: StreamPlan, partition: Partition | undefined): StreamContext {
    const { stream } = plan;
    const replicationKey = stream.replicationKey;
    // Full-table children keep no per-parent bookmark: a million tickets must not mean a million partitions.
    const bookmark = replicationKey || !partition ? this.state.bookmark(stream.name, partition) : {};
    const startingValue = replicationKey
      ? (this.state.startingValue(stream.name, replicationKey, partition) ?? stream.defaultStartingValue())
      : undefined;
    return {
      ...(partition ? { partition } : {}),
      ...(startingValue !== undefined ? { startingValue } : {}),
      bookmark,
      signal: this.signal,
      schema: plan.schema,
      checkpoint: () => this.emitState(),
    };
  }

  /**
   * Starts fetching the children of one parent record into memory, so that up to
   * `childConcurrency` parents' children download at once while output stays in order.
   */
  private prefetchChildren(plan: StreamPlan, record: Record<string, unknown>): Promise<PrefetchedChild[]> {
    const fetches = plan.children.map(async (child): Promise<PrefetchedChild | undefined> => {
      const partition = plan.stream.getChildPartition(record);
      if (!partition) return undefined;
      const records: Record<string, unknown>[] = [];
      for await (const item of child.stream.getRecords(this.streamContext(child, partition)))
        records.push(item);
      return { child, partition, records };
    });
    const all = Promise.all(fetches).then((results) =>
      results.filter((r): r is PrefetchedChild => r !== undefined),
    );
    // Failures surface when the parent's turn comes; until then they must not count as unhandled.
    all.catch(() => undefined);
    return all;
  }

  private async syncPartition(
    plan: StreamPlan,
    partition: Partition | undefined,
    prefetched?: Record<string, unknown>[],
  ): Promise<void> {
    const { stream } = plan;
    const replicationKey = stream.replicationKey;
    await this.emitSchema(plan);
    const streamContext = this.streamContext(plan, partition);
    const bookmark = streamContext.bookmark;
    const childConcurrency = plan.children.length > 0 ? Math.max(1, stream.childConcurrency) : 1;
    const waiting: { record: Record<string, unknown>; children: Promise<PrefetchedChild[]> }[] = [];
    const completeOldest = async (): Promise<void> => {
      const oldest = waiting.shift()!;
      for (const { child, partition: childPartition, records } of await oldest.children) {
        await this.syncPartition(child, childPartition, records);
      }
      if (replicationKey) this.advanceBookmark(plan, oldest.record[replicationKey], progress, partition);
    };
    const version = plan.selected && stream.activateVersion && !replicationKey ? Date.now() : undefined;
    if (version !== undefined && bookmark.version === undefined)
      await this.emitActivateVersion(stream.name, version);
    const mapper = this.mapper;
    let count = 0;
    const tally = plan.selected ? this.options.progress?.stream(stream.name) : undefined;
    const counter = plan.selected ? this.recordCounter(stream.name) : undefined;
    const progress: Progress = { latest: undefined, latestIsUtc: false };
    const clock = this.clock;
    const conform = stream.conformedRecords ? undefined : plan.conformer;
    try {
      for await (const record of prefetched ?? stream.getRecords(streamContext)) {
        const now = clock();
        if (plan.selected) {
          const message: RecordMessage = {
            type: 'RECORD',
            stream: stream.name,
            record: conform ? conform(record) : record,
            time_extracted: this.timeExtracted(),
            ...(version !== undefined ? { version } : {}),
          };
          if (mapper) for (const out of mapper.mapRecord(message)) await this.emit(out);
          else {
            // No async call per record: wait only when the writer asks to (backpressure).
            const pending = this.options.writer.write(message);
            if (pending) await pending;
          }
          count += 1;
          if (tally) tally.records += 1;
          counter?.increment(now);
          this.rowsSinceState += 1;
        }
        if (childConcurrency > 1) {
          // The parent's bookmark moves only once its children are out, so STATE never runs ahead of them.
          waiting.push({ record, children: this.prefetchChildren(plan, record) });
          if (waiting.length >= childConcurrency) await completeOldest();
        } else {
          if (replicationKey) this.advanceBookmark(plan, record[replicationKey], progress, partition);
          for (const child of plan.children) {
            const childPartition = stream.getChildPartition(record);
            if (childPartition) await this.syncStream(child, childPartition);
          }
        }
        if (this.rowsSinceState >= this.stateIntervalRows || now - this.lastStateAt >= this.stateIntervalMs) {
          await this.emitState();
        }
        if (this.signal.aborted) return;
      }
      while (waiting.length > 0) await completeOldest();
    } catch (error) {
      if (error instanceof SingerError) {
        if (error.context.stream === undefined) error.context.stream = stream.name;
        throw error;
      }
      throw new StreamSyncError(
        `sync failed: ${(error as Error).message ?? String(error)}`,
        { stream: stream.name },
        { cause: error },
      );
    }
    if (replicationKey) this.state.finalize(stream.name, partition);
    if (version !== undefined) {
      bookmark.version = version;
      await this.emitActivateVersion(stream.name, version);
    }
    this.recordCounts[stream.name] = (this.recordCounts[stream.name] ?? 0) + count;
    if (!partition) await this.emitState();
  }

  /**
   * Moves the bookmark forward, never backward and never past the run's start (the signpost), so a
   * record changed during the run is picked up by the next one.
   */
  private advanceBookmark(
    plan: StreamPlan,
    value: unknown,
    progress: Progress,
    partition: Partition | undefined,
  ): void {
    if (value === undefined || value === null || plan.stream.managesBookmark) return;
    let candidate = value;
    let isUtc = false;
    if (typeof candidate === 'string') {
      const utc = toUtcTimestamp(candidate);
      if (utc !== undefined) {
        candidate = compareUtcTimestamps(utc, this.startedAt) > 0 ? this.startedAt : utc;
        isUtc = true;
      }
    }
    const latest = progress.latest;
    if (latest !== undefined) {
      const order =
        isUtc && progress.latestIsUtc
          ? compareUtcTimestamps(candidate as string, latest as string)
          : compareBookmarkValues(candidate, latest);
      if (order <= 0) return;
    }
    progress.latest = candidate;
    progress.latestIsUtc = isUtc;
    this.state.advance(plan.stream.name, plan.stream.replicationKey!, candidate, {
      sorted: plan.stream.isSorted,
      ...(partition ? { partition } : {}),
    });
  }

  /** `new Date().toISOString()`, made once per millisecond rather than once per record. */
  private timeExtracted(): string {
    const now = Date.now();
    if (now !== this.extractedAtMs) {
      this.extractedAtMs = now;
      this.extractedAt = new Date(now).toISOString();
    }
    return this.extractedAt;
  }
}
