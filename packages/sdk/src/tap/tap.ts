/**
 * The Tap runs discovery and sync: it picks the selected streams from the catalog, resumes each from
 * its bookmark, shapes records to the selected schema, and emits SCHEMA, RECORD, STATE (and
 * ACTIVATE_VERSION) in an order every Singer target relies on.
 */
import type { ConnectorInfo } from '../connector.js';
import { CatalogError, SingerError } from '../errors.js';
import type { Logger } from '../logging.js';
import { createStreamMapper, type StreamMapper } from '../maps/mapper.js';
import { mapperSettingsSchema } from '../maps/settings.js';
import type { RecordMessage, SchemaMessage, SingerMessage } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';
import { compileConformer, type RecordConformer } from '../schema/conform.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { toUtcTimestamp } from '../schema/timestamps.js';
import { Catalog, type CatalogDocument, describeStream, selectSchema } from './catalog.js';
import { type Context, compareBookmarkValues, StateManager } from './state.js';
import type { Stream, StreamContext } from './stream.js';

export interface TapOptions<C> {
  config: C;
  logger: Logger;
}

export interface SyncOptions {
  catalog?: Catalog | undefined;
  state?: unknown;
  writer: MessageWriter;
  signal?: AbortSignal;
  /** Records between STATE messages (default 10,000). */
  stateIntervalRows?: number;
  /** Longest time between STATE messages while records flow (default 30 s). */
  stateIntervalMs?: number;
}

export interface SyncSummary {
  recordCounts: Record<string, number>;
  state: unknown;
}

export class UnknownStreamError extends CatalogError {
  override readonly code: string = 'SINGER_CATALOG_UNKNOWN_STREAM';
}

export class StreamSyncError extends SingerError {
  override readonly code: string = 'SINGER_STREAM_FAILED';
}

interface PrefetchedChild {
  child: StreamPlan;
  context: Context;
  records: Record<string, unknown>[];
}

interface StreamPlan {
  stream: Stream<Record<string, unknown>, unknown>;
  selected: boolean;
  schema: JSONSchema;
  conformer: RecordConformer;
  children: StreamPlan[];
  schemaSent: boolean;
}

export abstract class Tap<C = Record<string, unknown>> {
  static info: ConnectorInfo;
  /** Settings every tap accepts besides its own: stream maps, pseudonymization, parallelism. */
  static sharedSettings: JSONSchema = {
    type: 'object',
    properties: {
      ...mapperSettingsSchema.properties,
      parallel_streams: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description:
          'Streams synced at once; their records interleave, each STATE still covers only records already written',
      },
    },
  };
  readonly config: C;
  readonly logger: Logger;
  /** Stream maps, pseudonymization, nulling and dropping, applied just before emission. */
  readonly transform: StreamMapper | undefined;
  private streamsCache: Stream<Record<string, unknown>, C>[] | undefined;

  constructor(options: TapOptions<C>) {
    this.config = options.config;
    this.logger = options.logger;
    // Compiled here so a bad expression fails before discovery or any request.
    const mapper = createStreamMapper((options.config ?? {}) as Record<string, unknown>, {
      logger: options.logger,
    });
    this.transform = mapper.isIdentity ? undefined : mapper;
  }

  /** The streams this tap offers. */
  abstract discoverStreams():
    | Stream<Record<string, unknown>, C>[]
    | Promise<Stream<Record<string, unknown>, C>[]>;

  async streams(): Promise<Stream<Record<string, unknown>, C>[]> {
    this.streamsCache ??= await this.discoverStreams();
    return this.streamsCache;
  }

  async discover(): Promise<CatalogDocument> {
    const streams = await this.streams();
    return {
      streams: streams.map((stream) => {
        const entry = describeStream({
          name: stream.name,
          schema: stream.schema,
          keyProperties: stream.primaryKeys,
          replicationKey: stream.replicationKey,
          replicationMethod: stream.replicationMethod,
          selectedByDefault: stream.selectedByDefault,
          extraMetadata: {
            ...(stream.parentStreamName ? { 'parent-tap-stream-id': stream.parentStreamName } : {}),
            ...stream.discoveryMetadata,
          },
        });
        return entry;
      }),
    };
  }

  async sync(options: SyncOptions): Promise<SyncSummary> {
    const streams = await this.streams();
    const catalog = options.catalog ?? new Catalog((await this.discover()).streams);
    const byName = new Map(streams.map((stream) => [stream.name, stream]));
    for (const entry of catalog.streams) {
      if (!byName.has(entry.tap_stream_id)) {
        throw new UnknownStreamError(
          `catalog names stream '${entry.tap_stream_id}', which this tap does not have; run --discover for the list`,
          { stream: entry.tap_stream_id },
        );
      }
    }
    const state = new StateManager(options.state);
    // Stops every stream when one fails or the caller aborts, so no stream writes after a failure.
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const run = new SyncRun(this, catalog, state, { ...options, signal: stop.signal });
    const plans = run.plan(streams);
    this.transform?.checkStreams(streams.map((stream) => stream.name));
    const parallelism = Math.max(
      1,
      Number((this.config as { parallel_streams?: number }).parallel_streams ?? 1),
    );
    const queue = [...plans];
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (queue.length > 0 && !stop.signal.aborted) {
        const plan = queue.shift()!;
        try {
          await run.syncStream(plan, undefined);
        } catch (error) {
          failure ??= { error };
          stop.abort();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, plans.length) }, worker));
    if (failure) throw failure.error;
    this.transform?.flushMetrics();
    await run.emitState();
    return { recordCounts: run.recordCounts, state: state.snapshot() };
  }
}

/** The newest replication-key value of a partition so far; `latestIsUtc` when toUtcTimestamp wrote it. */
interface Progress {
  latest: unknown;
  latestIsUtc: boolean;
}

/**
 * Orders two timestamps written by toUtcTimestamp (or toISOString): fixed-width fields, so at equal
 * length their text order is their instant order, as compareBookmarkValues finds it more slowly.
 */
function compareUtc(a: string, b: string): number {
  if (a.length !== b.length) return compareBookmarkValues(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One sync's moving parts, kept out of Tap so the base class stays a small public surface. */
class SyncRun {
  readonly recordCounts: Record<string, number> = {};
  private readonly childCounts = new Map<string, number>();
  private readonly startedAt = new Date().toISOString();
  private rowsSinceState = 0;
  private extractedAt = '';
  private extractedAtMs = -1;
  private lastStateAt = Date.now();
  private readonly stateIntervalRows: number;
  private readonly stateIntervalMs: number;
  private readonly signal: AbortSignal;

  constructor(
    private readonly tap: Tap<unknown>,
    private readonly catalog: Catalog,
    private readonly state: StateManager,
    private readonly options: SyncOptions,
  ) {
    this.stateIntervalRows = options.stateIntervalRows ?? 10_000;
    this.stateIntervalMs = options.stateIntervalMs ?? 30_000;
    this.signal = options.signal ?? new AbortController().signal;
  }

  plan(streams: Stream<Record<string, unknown>, unknown>[]): StreamPlan[] {
    const build = (stream: Stream<Record<string, unknown>, unknown>): StreamPlan => {
      const selected = this.catalog.isStreamSelected(stream.name);
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

  async emitState(): Promise<void> {
    this.rowsSinceState = 0;
    this.lastStateAt = Date.now();
    await this.emit({ type: 'STATE', value: this.state.snapshot() });
  }

  private async emitActivateVersion(stream: string, version: number): Promise<void> {
    const message = { type: 'ACTIVATE_VERSION', stream, version } as const;
    const transform = this.tap.transform;
    for (const out of transform ? transform.mapActivateVersion(message) : [message]) await this.emit(out);
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
    const transform = this.tap.transform;
    for (const out of transform ? transform.mapSchema(message) : [message]) await this.emit(out);
  }

  async syncStream(plan: StreamPlan, parentContext: Context | undefined): Promise<void> {
    const partitions = parentContext ? [parentContext] : (plan.stream.partitions() ?? [undefined]);
    for (const context of partitions) {
      if (this.signal.aborted) return;
      await this.syncPartition(plan, context);
    }
  }

  /** What `getRecords` gets for one partition: its bookmark and where to resume. */
  private streamContext(plan: StreamPlan, context: Context | undefined): StreamContext<unknown> {
    const { stream } = plan;
    const replicationKey = stream.replicationKey;
    // Full-table children keep no per-parent bookmark: a million tickets must not mean a million partitions.
    const bookmark = replicationKey || !context ? this.state.bookmark(stream.name, context) : {};
    const startingValue = replicationKey
      ? (this.state.startingValue(stream.name, replicationKey, context) ?? stream.defaultStartingValue())
      : undefined;
    return {
      config: stream.config,
      logger: stream.logger,
      ...(context ? { context } : {}),
      ...(startingValue !== undefined ? { startingValue } : {}),
      bookmark,
      signal: this.signal,
    };
  }

  /**
   * Starts fetching the children of one parent record into memory, so that up to
   * `childConcurrency` parents' children download at once while output stays in order.
   */
  private prefetchChildren(plan: StreamPlan, record: Record<string, unknown>): Promise<PrefetchedChild[]> {
    const fetches = plan.children.map(async (child): Promise<PrefetchedChild | undefined> => {
      const context = plan.stream.getChildContext(record);
      if (!context) return undefined;
      const records: Record<string, unknown>[] = [];
      for await (const item of child.stream.getRecords(this.streamContext(child, context)))
        records.push(item);
      return { child, context, records };
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
    context: Context | undefined,
    prefetched?: Record<string, unknown>[],
  ): Promise<void> {
    const { stream } = plan;
    const replicationKey = stream.replicationKey;
    await this.emitSchema(plan);
    const streamContext = this.streamContext(plan, context);
    const bookmark = streamContext.bookmark;
    const childConcurrency = plan.children.length > 0 ? Math.max(1, stream.childConcurrency) : 1;
    const waiting: { record: Record<string, unknown>; children: Promise<PrefetchedChild[]> }[] = [];
    const completeOldest = async (): Promise<void> => {
      const oldest = waiting.shift()!;
      for (const { child, context: childContext, records } of await oldest.children) {
        await this.syncPartition(child, childContext, records);
      }
      if (replicationKey) this.advanceBookmark(plan, oldest.record[replicationKey], progress, context);
    };
    const version = plan.selected && stream.activateVersion && !replicationKey ? Date.now() : undefined;
    if (version !== undefined && bookmark.version === undefined)
      await this.emitActivateVersion(stream.name, version);
    const transform = this.tap.transform;
    let count = 0;
    const progress: Progress = { latest: undefined, latestIsUtc: false };
    const started = Date.now();
    try {
      for await (const record of prefetched ?? stream.getRecords(streamContext)) {
        if (plan.selected) {
          const message: RecordMessage = {
            type: 'RECORD',
            stream: stream.name,
            record: plan.conformer(record),
            time_extracted: this.timeExtracted(),
            ...(version !== undefined ? { version } : {}),
          };
          if (transform) for (const out of transform.mapRecord(message)) await this.emit(out);
          else {
            // No async call per record: wait only when the writer asks to (backpressure).
            const pending = this.options.writer.write(message);
            if (pending) await pending;
          }
          count += 1;
          this.rowsSinceState += 1;
        }
        if (childConcurrency > 1) {
          // The parent's bookmark moves only once its children are out, so STATE never runs ahead of them.
          waiting.push({ record, children: this.prefetchChildren(plan, record) });
          if (waiting.length >= childConcurrency) await completeOldest();
        } else {
          if (replicationKey) this.advanceBookmark(plan, record[replicationKey], progress, context);
          for (const child of plan.children) {
            const childContext = stream.getChildContext(record);
            if (childContext) await this.syncStream(child, childContext);
          }
        }
        if (
          this.rowsSinceState >= this.stateIntervalRows ||
          Date.now() - this.lastStateAt >= this.stateIntervalMs
        ) {
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
    if (replicationKey) this.state.finalize(stream.name, context);
    if (version !== undefined) {
      bookmark.version = version;
      await this.emitActivateVersion(stream.name, version);
    }
    this.recordCounts[stream.name] = (this.recordCounts[stream.name] ?? 0) + count;
    if (context) {
      // One METRIC line per child stream when its parent finishes, not one per parent record.
      this.childCounts.set(stream.name, (this.childCounts.get(stream.name) ?? 0) + count);
    } else {
      if (plan.selected) this.recordCountMetric(stream.name, count, Date.now() - started);
      for (const [name, total] of this.childCounts) this.recordCountMetric(name, total, Date.now() - started);
      this.childCounts.clear();
      await this.emitState();
    }
  }

  private recordCountMetric(stream: string, count: number, durationMs: number): void {
    this.tap.logger.metric({
      type: 'counter',
      metric: 'record_count',
      value: count,
      tags: { stream, duration_ms: durationMs },
    });
  }

  /**
   * Moves the bookmark forward, never backward and never past the run's start (the signpost), so a
   * record changed during the run is picked up by the next one.
   */
  private advanceBookmark(
    plan: StreamPlan,
    value: unknown,
    progress: Progress,
    context: Context | undefined,
  ): void {
    if (value === undefined || value === null) return;
    let candidate = value;
    let isUtc = false;
    if (typeof candidate === 'string') {
      const utc = toUtcTimestamp(candidate);
      if (utc !== undefined) {
        candidate = compareUtc(utc, this.startedAt) > 0 ? this.startedAt : utc;
        isUtc = true;
      }
    }
    const latest = progress.latest;
    if (latest !== undefined) {
      const order =
        isUtc && progress.latestIsUtc
          ? compareUtc(candidate as string, latest as string)
          : compareBookmarkValues(candidate, latest);
      if (order <= 0) return;
    }
    progress.latest = candidate;
    progress.latestIsUtc = isUtc;
    this.state.advance(plan.stream.name, plan.stream.replicationKey!, candidate, {
      sorted: plan.stream.isSorted,
      ...(context ? { context } : {}),
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
