/**
 * Bookmarks in Singer STATE, in the layout Meltano uses:
 * `{"bookmarks": {"<stream>": {"replication_key": k, "replication_key_value": v,
 *   "partitions": [{"context": {...}, "replication_key": k, "replication_key_value": v}]}}}`.
 * Unsorted streams keep their running maximum in `progress_markers` until the stream ends, so a run
 * killed half way resumes from the last finished bookmark and loses nothing.
 */
import { StateError } from '../errors.js';
import { readJsonFile } from '../json/json-file.js';
import { compareExactNumbers, isExactNumber } from '../json/lossless-json.js';

/** One partition of a stream (or, for a child stream, what its parent record hands it). */
export type Partition = Record<string, unknown>;

export interface Bookmark {
  replication_key?: string;
  replication_key_value?: unknown;
  progress_markers?: { Note?: string; replication_key?: string; replication_key_value?: unknown };
  context?: Partition;
  [key: string]: unknown;
}

interface StreamState extends Bookmark {
  partitions?: Bookmark[];
}

export interface StateValue {
  bookmarks: Record<string, StreamState>;
  [key: string]: unknown;
}

/** Stable identity of a partition context (key order does not matter). */
function contextKey(context: Partition): string {
  return JSON.stringify(
    Object.keys(context)
      .sort()
      .map((key) => [key, context[key]]),
  );
}

export class StateManager {
  readonly value: StateValue;
  private readonly partitionIndex = new Map<string, Map<string, Bookmark>>();

  constructor(initial?: unknown) {
    if (initial === undefined || initial === null) {
      this.value = { bookmarks: {} };
      return;
    }
    if (typeof initial !== 'object' || Array.isArray(initial)) {
      throw new StateError('state must be a JSON object');
    }
    const value = cloneState(initial) as StateValue;
    // Some orchestrators wrap the state in {"value": …} as it appeared in the STATE message.
    const unwrapped = (
      value.bookmarks === undefined && typeof value.value === 'object' ? value.value : value
    ) as StateValue;
    unwrapped.bookmarks ??= {};
    if (typeof unwrapped.bookmarks !== 'object' || Array.isArray(unwrapped.bookmarks)) {
      throw new StateError('state "bookmarks" must be an object keyed by stream name');
    }
    this.value = unwrapped;
  }

  /** Reads a STATE file exactly, so a 64-bit bookmark resumes where it stopped; empty means no state. */
  static fromFile(path: string): StateManager {
    return new StateManager(readJsonFile(path, { what: 'state file', error: StateError, whenEmpty: null }));
  }

  /** The bookmark for a stream, or for one partition of it when a context is given. */
  bookmark(stream: string, context?: Partition): Bookmark {
    this.value.bookmarks[stream] ??= {};
    const streamState = this.value.bookmarks[stream];
    if (!context) return streamState;
    let index = this.partitionIndex.get(stream);
    if (!index) {
      index = new Map();
      for (const partition of streamState.partitions ?? []) {
        if (partition.context) index.set(contextKey(partition.context), partition);
      }
      this.partitionIndex.set(stream, index);
    }
    const key = contextKey(context);
    let partition = index.get(key);
    if (!partition) {
      partition = { context };
      streamState.partitions ??= [];
      streamState.partitions.push(partition);
      index.set(key, partition);
    }
    return partition;
  }

  /** The value a stream (or partition) should resume from, if any. */
  startingValue(stream: string, replicationKey: string, context?: Partition): unknown {
    const bookmark = this.bookmark(stream, context);
    if (bookmark.replication_key !== undefined && bookmark.replication_key !== replicationKey)
      return undefined;
    return bookmark.replication_key_value;
  }

  /** Records progress; unsorted streams only advance a marker until `finalize`. */
  advance(
    stream: string,
    replicationKey: string,
    value: unknown,
    options: { sorted: boolean; partition?: Partition },
  ): void {
    const bookmark = this.bookmark(stream, options.partition);
    if (options.sorted) {
      bookmark.replication_key = replicationKey;
      bookmark.replication_key_value = value;
      return;
    }
    bookmark.progress_markers ??= {
      Note: 'Progress is not resumable if interrupted.',
      replication_key: replicationKey,
    };
    const current = bookmark.progress_markers.replication_key_value;
    if (current === undefined || compareBookmarkValues(value, current) > 0) {
      bookmark.progress_markers.replication_key_value = value;
    }
  }

  /** Promotes the progress marker of an unsorted stream to its bookmark once the stream is complete. */
  finalize(stream: string, context?: Partition): void {
    const bookmark = this.bookmark(stream, context);
    const markers = bookmark.progress_markers;
    if (!markers) return;
    if (markers.replication_key_value !== undefined) {
      bookmark.replication_key = markers.replication_key;
      bookmark.replication_key_value = markers.replication_key_value;
    }
    delete bookmark.progress_markers;
  }

  /** A snapshot for a STATE message. */
  snapshot(): StateValue {
    return cloneState(this.value) as StateValue;
  }
}

/**
 * Orders two bookmark values: numbers numerically, RFC 3339 timestamps by instant, anything else
 * by string order.
 */
export function compareBookmarkValues(a: unknown, b: unknown): number {
  if (isExactNumber(a) || isExactNumber(b)) {
    return compareExactNumbers(a as number, b as number);
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (
      !Number.isNaN(ta) &&
      !Number.isNaN(tb) &&
      /\d{4}-\d{2}-\d{2}/.test(a) &&
      /\d{4}-\d{2}-\d{2}/.test(b)
    ) {
      return ta === tb ? a.localeCompare(b) : ta - tb;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const na = Number(a);
  const nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * Orders two timestamps written by toUtcTimestamp (or toISOString): fixed-width fields, so at equal
 * length their text order is their instant order, as compareBookmarkValues finds it more slowly.
 */
export function compareUtcTimestamps(a: string, b: string): number {
  if (a.length !== b.length) return compareBookmarkValues(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy that keeps ExactNumber values (structuredClone would turn them into plain objects). */
function cloneState(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || isExactNumber(value)) return value;
  if (Array.isArray(value)) return value.map(cloneState);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = cloneState(item);
  return copy;
}
