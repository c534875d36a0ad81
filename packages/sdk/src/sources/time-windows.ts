/**
 * Windowed incremental sync: the span from the bookmark to now cut into windows (an export API's
 * longest date range), each fetched whole. A window's end becomes the bookmark only once all its
 * records are out, so a stopped or killed run resumes at its first unfinished window and loses
 * nothing. Streams using it set `managesBookmark = true`, since records inside a window need not
 * arrive in order (nor carry a replication value inside the window).
 */
import { StateError } from '../errors.js';
import { toUtcTimestamp } from '../schema/timestamps.js';
import type { StreamContext } from '../tap/stream.js';

export interface TimeWindow {
  /** Inclusive start and exclusive end, epoch ms (whole seconds). */
  startMs: number;
  endMs: number;
  /** The same as UTC RFC 3339 without milliseconds (what export filters accept). */
  start: string;
  end: string;
}

/** `2024-05-01T12:00:00Z`: whole seconds, UTC. */
export function windowTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Windows of at most `windowMs` covering [fromMs, untilMs); none when from is not before until. */
export function timeWindows(fromMs: number, untilMs: number, windowMs: number): TimeWindow[] {
  if (!(windowMs >= 1000)) throw new RangeError(`a time window must be at least 1 s, got ${windowMs} ms`);
  const start = Math.floor(fromMs / 1000) * 1000;
  const end = Math.floor(untilMs / 1000) * 1000;
  const out: TimeWindow[] = [];
  for (let t = start; t < end; t += windowMs) {
    const e = Math.min(end, t + windowMs);
    out.push({ startMs: t, endMs: e, start: windowTime(t), end: windowTime(e) });
  }
  return out;
}

export interface WindowedBookmarkOptions {
  /** The stream's replication key, written beside each finished window's end. */
  replicationKey: string;
  /** Longest window, ms. */
  windowMs: number;
  /** Where windows stop (epoch ms): the run's start, usually. */
  untilMs: number;
}

/**
 * One stream's windows for this run and its bookmark: where to start (the last finished window's
 * end, else `startingValue`), marking a window finished, and extra keys kept beside the bookmark
 * (an export job id, a window end) that a resumed run reads back.
 */
export class WindowedBookmark {
  constructor(
    private readonly stream: string,
    private readonly context: StreamContext,
    private readonly options: WindowedBookmarkOptions,
  ) {}

  /** The windows left to sync, from the bookmark (or start value) to `untilMs`. */
  windows(): TimeWindow[] {
    const from = this.context.startingValue;
    if (from === undefined || from === null) {
      throw new StateError('no bookmark and no start_date: set start_date to say where to begin', {
        stream: this.stream,
        setting: 'start_date',
      });
    }
    const utc = typeof from === 'string' ? toUtcTimestamp(from) : undefined;
    if (utc === undefined) {
      throw new StateError(`the bookmark '${String(from)}' is not a timestamp; fix or remove it`, {
        stream: this.stream,
      });
    }
    return timeWindows(Date.parse(utc), this.options.untilMs, this.options.windowMs);
  }

  /** Records that the window's records are all out: its end is the bookmark, and a STATE is written. */
  async finish(window: TimeWindow): Promise<void> {
    const bookmark = this.context.bookmark;
    bookmark.replication_key = this.options.replicationKey;
    bookmark.replication_key_value = window.end;
    await this.context.checkpoint?.();
  }

  /** An extra key kept under the stream's bookmark; undefined when unset. */
  get(key: string): unknown {
    return this.context.bookmark[key];
  }

  /** Sets (or with undefined, removes) an extra bookmark key; `checkpoint` writes it to STATE at once. */
  async set(key: string, value: unknown, checkpoint = false): Promise<void> {
    if (value === undefined) delete this.context.bookmark[key];
    else this.context.bookmark[key] = value;
    if (checkpoint) await this.context.checkpoint?.();
  }
}
