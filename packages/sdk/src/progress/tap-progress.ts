/**
 * What a tap's operator sees: per stream, every interval, records emitted, requests and pages, time
 * spent waiting on rate limits and the bookmark reached; at exit the same as a summary per stream,
 * with `http_request_count` and `sync_duration` METRIC lines as the Meltano SDK names them.
 */
import type { RequestTiming } from '../http/client.js';
import type { RequestContext } from '../http/types.js';
import type { Logger } from '../logging.js';
import { count, counted, perSecond, seconds, shortJson } from './format.js';
import { type Reporter, startReporter } from './reporter.js';
import type { ProgressSettings } from './settings.js';

/** One stream's counts; the sync increments `records` as it emits them. */
export interface TapStreamTally {
  records: number;
  /** Every HTTP attempt, retries included. */
  requests: number;
  /** Successful responses: the pages read. */
  pages: number;
  rateLimitWaitMs: number;
  startedAt: number;
  /** When the stream (a top-level one with its children) finished; its duration stops there. */
  endedAt?: number;
}

export interface TapStreamSummary {
  stream: string;
  records: number;
  requests: number;
  pages: number;
  rate_limit_wait_ms: number;
  duration_ms: number;
  bookmark?: unknown;
}

export class TapProgress {
  private readonly startedAt = Date.now();
  private readonly tallies = new Map<string, TapStreamTally>();
  private readonly lastRecords = new Map<string, { at: number; records: number }>();
  private reporter: Reporter | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly settings: ProgressSettings,
    /** The STATE as it stands (bookmarks reached so far). */
    private readonly state: () => unknown,
    private readonly isTTY?: boolean,
  ) {}

  /** The tally of `stream`, made on first use. */
  stream(name: string): TapStreamTally {
    let tally = this.tallies.get(name);
    if (tally === undefined) {
      tally = { records: 0, requests: 0, pages: 0, rateLimitWaitMs: 0, startedAt: Date.now() };
      this.tallies.set(name, tally);
    }
    return tally;
  }

  /** The stream is done: its summary's duration and `sync_duration` end now, not at the run's exit. */
  ended(name: string): void {
    const tally = this.tallies.get(name);
    if (tally !== undefined && tally.endedAt === undefined) tally.endedAt = Date.now();
  }

  /** An HTTP attempt finished (the client's `onRequest`). */
  request(timing: RequestTiming): void {
    const name = streamOf(timing.context);
    if (name === undefined) return;
    const tally = this.stream(name);
    tally.requests += 1;
    if (timing.ok) tally.pages += 1;
  }

  /** A rate limit held a request of a stream (the client's `onRateLimitWait`). */
  rateLimitWait(waitMs: number, context: RequestContext): void {
    const name = streamOf(context);
    if (name !== undefined) this.stream(name).rateLimitWaitMs += waitMs;
  }

  start(): void {
    this.reporter = startReporter(
      { logProgress: () => this.logProgress(), frame: () => this.frame() },
      this.settings,
      { logger: this.logger, ...(this.isTTY === undefined ? {} : { isTTY: this.isTTY }) },
    );
  }

  logProgress(): void {
    const now = Date.now();
    for (const summary of this.summaries()) {
      const seen = this.lastRecords.get(summary.stream) ?? { at: this.startedAt, records: 0 };
      this.lastRecords.set(summary.stream, { at: now, records: summary.records });
      const rate = perSecond(summary.records - seen.records, now - seen.at);
      this.logger.info(
        `progress ${summary.stream}: ${count(summary.records)} records emitted (${count(rate)}/s), ` +
          `${counted(summary.pages, 'page')} in ${counted(summary.requests, 'request')}, ` +
          `${seconds(summary.rate_limit_wait_ms)} waiting on rate limits; bookmark ${shortJson(summary.bookmark)}`,
        this.fields({ ...summary, records_per_second: rate }),
      );
    }
  }

  frame(): string {
    const elapsed = Date.now() - this.startedAt;
    const lines = this.summaries().map(
      (s) =>
        `${s.stream.padEnd(24)} ${count(s.records).padStart(11)} records` +
        (s.requests > 0 ? `  ${count(s.requests).padStart(7)} requests` : '') +
        (s.rate_limit_wait_ms > 0 ? `  ${seconds(s.rate_limit_wait_ms)} rate-limited` : '') +
        (s.bookmark === undefined ? '' : `  at ${shortJson(bookmarkValue(s.bookmark), 40)}`),
    );
    return [`${seconds(elapsed)} elapsed`, ...lines].join('\n');
  }

  summaries(): TapStreamSummary[] {
    const bookmarks = (this.state() as { bookmarks?: Record<string, unknown> } | undefined)?.bookmarks;
    const now = Date.now();
    return [...this.tallies].map(([stream, tally]) => ({
      stream,
      records: tally.records,
      requests: tally.requests,
      pages: tally.pages,
      rate_limit_wait_ms: Math.round(tally.rateLimitWaitMs),
      duration_ms: (tally.endedAt ?? now) - tally.startedAt,
      ...(bookmarks?.[stream] !== undefined ? { bookmark: bookmarks[stream] } : {}),
    }));
  }

  /** Stops the interval lines or the display, then logs the summary and METRIC lines. */
  async finish(outcome: 'succeeded' | 'failed'): Promise<TapStreamSummary[]> {
    await this.reporter?.stop();
    const summaries = this.summaries();
    // A run that failed before emitting anything says all in its error line.
    if (outcome === 'failed' && summaries.every((s) => s.records === 0)) return summaries;
    for (const s of summaries) {
      const bookmark = s.bookmark === undefined ? '' : `; bookmark ${shortJson(s.bookmark)}`;
      this.logger.info(
        `summary ${s.stream} (${outcome}): ${count(s.records)} records emitted, ${counted(s.pages, 'page')} in ` +
          `${counted(s.requests, 'request')}, ${seconds(s.rate_limit_wait_ms)} waiting on rate limits, ${seconds(s.duration_ms)}${bookmark}`,
        this.fields({ ...s, outcome }),
      );
      if (s.requests > 0) {
        this.logger.metric({
          type: 'counter',
          metric: 'http_request_count',
          value: s.requests,
          tags: { stream: s.stream },
        });
      }
      this.logger.metric({
        type: 'timer',
        metric: 'sync_duration',
        value: s.duration_ms / 1000,
        tags: { stream: s.stream, status: outcome },
      });
    }
    return summaries;
  }

  private fields(fields: Record<string, unknown>): Record<string, unknown> | undefined {
    return this.logger.format === 'json' ? fields : undefined;
  }
}

function streamOf(context: RequestContext): string | undefined {
  const stream = (context as { stream?: unknown }).stream;
  return typeof stream === 'string' ? stream : undefined;
}

/** The replication key value of a bookmark, or the bookmark itself (a partitioned stream's, say). */
function bookmarkValue(bookmark: unknown): unknown {
  const value = (bookmark as { replication_key_value?: unknown } | null)?.replication_key_value;
  return value ?? bookmark;
}
