/**
 * A Stream is a named, schema'd async iterable of records with replication settings. Authors
 * subclass it and implement `getRecords`; the Tap does selection, bookmarks and emission.
 */
import type { Logger } from '../logging.js';
import type { JSONSchema } from '../schema/json-schema.js';
import type { Context } from './state.js';

export type ReplicationMethod = 'FULL_TABLE' | 'INCREMENTAL' | 'LOG_BASED';

/** What a stream's `getRecords` receives for one run (or one partition of a run). */
export interface StreamContext<C = Record<string, unknown>> {
  config: C;
  logger: Logger;
  /** Partition or parent context (for a child stream: what `getChildContext` returned). */
  context?: Context;
  /** Where to resume: the bookmark, else `start_date`, else undefined. Use `>=` to lose nothing. */
  startingValue?: unknown;
  /** Stream-scoped state the stream may read and update (for example a file hash). */
  bookmark: Record<string, unknown>;
  /** Aborted when the run is stopping. */
  signal: AbortSignal;
}

export interface StreamOptions<C> {
  config: C;
  logger: Logger;
}

export abstract class Stream<
  R extends Record<string, unknown> = Record<string, unknown>,
  C = Record<string, unknown>,
> {
  /** The stream's name, which is also its `tap_stream_id`. */
  abstract readonly name: string;
  abstract readonly schema: JSONSchema;
  /** Property names that identify a record. */
  readonly primaryKeys: string[] = [];
  /** A property whose value only grows as records change; makes the stream incremental. */
  readonly replicationKey: string | undefined = undefined;
  /** False when records do not arrive ordered by the replication key. */
  readonly isSorted: boolean = true;
  /** Name of the parent stream, for a stream synced once per parent record. */
  readonly parentStreamName: string | undefined = undefined;
  /** Selected in discovery unless the user chooses otherwise. */
  readonly selectedByDefault: boolean = true;
  /** Extra stream-level metadata for discovery (for example `{"plan-gated": "Enterprise"}`). */
  readonly discoveryMetadata: Record<string, unknown> = {};
  /**
   * How many parent records may have their child streams fetched at once (each parent's children are
   * held in memory until emitted in order); 1 syncs children one parent at a time.
   */
  readonly childConcurrency: number = 1;
  /** Emit ACTIVATE_VERSION around full-table syncs so targets can remove rows the source dropped. */
  readonly activateVersion: boolean = false;

  readonly config: C;
  readonly logger: Logger;

  constructor(options: StreamOptions<C>) {
    this.config = options.config;
    this.logger = options.logger;
  }

  get replicationMethod(): ReplicationMethod {
    return this.replicationKey ? 'INCREMENTAL' : 'FULL_TABLE';
  }

  /** Partitions synced one after another, each with its own bookmark; none means one unpartitioned run. */
  partitions(): Context[] | undefined {
    return undefined;
  }

  abstract getRecords(context: StreamContext<C>): AsyncIterable<R>;

  /** For a parent stream: the context each child sync gets from one parent record. */
  getChildContext(_record: R): Context | undefined {
    return undefined;
  }

  /** The starting value when there is no bookmark: `start_date` from config by default. */
  defaultStartingValue(): unknown {
    const startDate = (this.config as Record<string, unknown>).start_date;
    return this.replicationKey && startDate !== undefined ? startDate : undefined;
  }
}
