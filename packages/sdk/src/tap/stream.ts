/**
 * A Stream is a named, schema'd async iterable of records with replication settings. Authors
 * subclass it and implement `getRecords`; the Tap does selection, bookmarks and emission.
 */
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../logging.js';
import type { CountWindow, SourceCount } from '../reconcile/counts.js';
import type { JSONSchema } from '../schema/json-schema.js';
import type { Partition } from './state.js';

export type ReplicationMethod = 'FULL_TABLE' | 'INCREMENTAL' | 'LOG_BASED';

/** What a stream's `getRecords` receives for one run (or one partition of a run). */
export interface StreamContext<P extends Partition = Partition> {
  /**
   * The partition being synced; for a child stream, what the parent's `getChildPartition` returned
   * (a child may declare its shape: `getRecords(context: StreamContext<{ ticket_id: number }>)`).
   */
  partition?: P;
  /** Where to resume: the bookmark, else `start_date`, else undefined. Use `>=` to lose nothing. */
  startingValue?: unknown;
  /** Stream-scoped state the stream may read and update (for example an export cursor). */
  bookmark: Record<string, unknown>;
  /** Aborted when the run is stopping. */
  signal: AbortSignal;
  /**
   * The schema this run emits for the stream: its catalog schema with only the selected properties.
   * Set by the Tap; a stream that builds records to it exactly may set `conformedRecords`.
   */
  schema?: JSONSchema;
  /**
   * Writes a STATE message now, with `bookmark` as it stands: for work worth resuming that emits no
   * record yet (an export job id saved before a long wait). Always set by the Tap; optional so that
   * contexts built by hand in tests need not provide it.
   */
  checkpoint?(): Promise<void>;
}

/**
 * What a stream takes from its tap: pass the tap itself (`new Orders(this)`). Anything with the same
 * fields will do in tests.
 */
export interface StreamHost<C> {
  readonly config: C;
  readonly logger: Logger;
  /** The tap's shared HTTP client (one pool, one rate limiter, one token); REST streams use it. */
  readonly http?: HttpClient;
}

export abstract class Stream<R extends object = Record<string, unknown>, C = Record<string, unknown>> {
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
  /**
   * True when the stream moves its own bookmark (`context.bookmark.replication_key_value`), for
   * example once per finished time window, instead of the Tap advancing it record by record.
   */
  readonly managesBookmark: boolean = false;
  /**
   * True when every record `getRecords` yields is already what the Tap's conformer would make of it
   * for `context.schema`: only its properties, in `conformedFields` order, date-times in UTC (as
   * `compileCsvRecordPlan` builds them with `emitSchema: context.schema`). The Tap then emits the
   * records as they are instead of copying each one.
   */
  readonly conformedRecords: boolean = false;
  /** Emit ACTIVATE_VERSION around full-table syncs so targets can remove rows the source dropped. */
  readonly activateVersion: boolean = false;
  /**
   * Whether this run emits the stream's records, set by the Tap from the catalog before it syncs. An
   * unselected parent still runs when a child of it is selected.
   */
  selected: boolean;

  protected readonly host: StreamHost<C>;

  constructor(host: StreamHost<C>) {
    this.host = host;
    this.selected = true;
  }

  get config(): C {
    return this.host.config;
  }

  get logger(): Logger {
    return this.host.logger;
  }

  /** The tap's HTTP client; a tap makes it from its `httpOptions()`. */
  get http(): HttpClient {
    const http = this.host.http;
    if (!http) throw new TypeError(`stream '${this.name}' needs an HTTP client, and its host has none`);
    return http;
  }

  get replicationMethod(): ReplicationMethod {
    return this.replicationKey ? 'INCREMENTAL' : 'FULL_TABLE';
  }

  /** Partitions synced one after another, each with its own bookmark; none means one unpartitioned run. */
  partitions(): Partition[] | undefined {
    return undefined;
  }

  abstract getRecords(context: StreamContext): AsyncIterable<R>;

  /**
   * The number of source rows this stream would emit for `window`, for reconciliation against the
   * warehouse (`singer-reconcile`). A stream whose source can count (a `count(*)`, a count endpoint)
   * overrides this; by default it is not comparable.
   */
  async countRecords(_window: CountWindow): Promise<SourceCount> {
    return {
      comparable: false,
      reason: this.parentStreamName
        ? `a child of '${this.parentStreamName}' with no count of its own`
        : 'the stream offers no count of its source rows',
    };
  }

  /** For a parent stream: the partition each child sync gets from one parent record. */
  getChildPartition(_record: R): Partition | undefined {
    return undefined;
  }

  /** The starting value when there is no bookmark: `start_date` from config by default. */
  defaultStartingValue(): unknown {
    const config = this.config;
    const startDate =
      typeof config === 'object' && config !== null
        ? (config as { start_date?: unknown }).start_date
        : undefined;
    return this.replicationKey && startDate !== undefined ? startDate : undefined;
  }
}
