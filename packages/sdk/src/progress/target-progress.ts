/**
 * What a target's operator sees: per stream, every interval, records read, records committed, the
 * commit rate, batches in flight and what each waits for; at exit a summary per stream (records
 * read, rows inserted, updated, deleted or soft-deleted, duplicates collapsed, the stream's part of
 * the last STATE committed) and a `record_count` METRIC line (Sink logs `batch_processing_time`).
 */
import type { Logger } from '../logging.js';
import { count, counted, perSecond, seconds, shortJson } from './format.js';
import type { BatchInFlight, LoadCounts } from './load-counts.js';
import { type Reporter, startReporter } from './reporter.js';
import type { ProgressSettings } from './settings.js';

/** What the progress view reads of one stream's sink. */
export interface TargetStreamSource {
  readonly stream: string;
  readonly recordsWritten: number;
  readonly bufferedRows: number;
  readonly counts: LoadCounts;
}

/** One stream's account at exit. */
export interface TargetStreamSummary {
  stream: string;
  records_read: number;
  records_committed: number;
  batches_committed: number;
  /** Time the committed batches spent loading (from their turn to their commit), in ms. */
  load_ms: number;
  /** Row changes, when the sink reports them (a SQL table does). */
  rows?: {
    inserted: number;
    updated: number;
    /** Inserted or updated, where the database did not tell which. */
    upserted: number;
    deleted: number;
    soft_deleted: number;
    duplicates_collapsed: number;
  };
  /** The stream's bookmark in the last STATE committed, if it has one. */
  bookmark?: unknown;
}

const WAITS: Record<BatchInFlight['waitsFor'], string> = {
  'previous batch': 'waits for the previous batch of the stream',
  'load slot': 'waits for a free load slot (parallelism)',
  database: 'is being written by the database',
};

export class TargetProgress {
  private readonly startedAt = Date.now();
  private lastState: unknown;
  private statesCommitted = 0;
  private readonly lastSeen = new Map<string, { at: number; committed: number }>();
  private reporter: Reporter | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly settings: ProgressSettings,
    private readonly streams: () => Iterable<TargetStreamSource>,
    private readonly isTTY?: boolean,
  ) {}

  start(): void {
    this.reporter = startReporter(
      { logProgress: () => this.logProgress(), frame: () => this.frame() },
      this.settings,
      { logger: this.logger, ...(this.isTTY === undefined ? {} : { isTTY: this.isTTY }) },
    );
  }

  /** A STATE was written to the output: everything read before it is committed. */
  stateCommitted(value: unknown): void {
    this.lastState = value;
    this.statesCommitted += 1;
  }

  logProgress(): void {
    const now = Date.now();
    for (const sink of this.streams()) {
      const { counts } = sink;
      const seen = this.lastSeen.get(sink.stream) ?? { at: this.startedAt, committed: 0 };
      this.lastSeen.set(sink.stream, { at: now, committed: counts.recordsCommitted });
      const rate = perSecond(counts.recordsCommitted - seen.committed, now - seen.at);
      const inFlight = counts.inFlight();
      const waits = inFlight.map(
        (batch) =>
          `batch ${batch.batch} (${count(batch.rows)} rows) ${WAITS[batch.waitsFor]} for ${seconds(now - batch.since)}`,
      );
      this.logger.info(
        `progress ${sink.stream}: ${count(sink.recordsWritten)} records read, ${count(counts.recordsCommitted)} committed ` +
          `(${count(rate)} rows/s), ${count(sink.bufferedRows)} buffered, ${counted(inFlight.length, 'batch', 'batches')} in flight` +
          (waits.length > 0 ? `: ${waits.join('; ')}` : ''),
        this.fields({
          stream: sink.stream,
          records_read: sink.recordsWritten,
          records_committed: counts.recordsCommitted,
          rows_per_second: rate,
          buffered: sink.bufferedRows,
          batches_in_flight: inFlight.map((batch) => ({
            batch: batch.batch,
            rows: batch.rows,
            waits_for: batch.waitsFor,
            waiting_ms: now - batch.since,
          })),
        }),
      );
    }
  }

  /** One line per stream for the live display. */
  frame(): string {
    const elapsed = Date.now() - this.startedAt;
    const lines = [...this.streams()].map((sink) => {
      const { counts } = sink;
      const waiting = counts.inFlight()[0];
      return (
        `${sink.stream.padEnd(24)} read ${count(sink.recordsWritten).padStart(11)}  committed ${count(counts.recordsCommitted).padStart(11)}` +
        `  ${count(perSecond(counts.recordsCommitted, elapsed)).padStart(7)} rows/s` +
        (waiting ? `  batch ${waiting.batch}: ${waiting.waitsFor}` : '')
      );
    });
    return [`${seconds(elapsed)} elapsed, ${this.statesCommitted} STATE committed`, ...lines].join('\n');
  }

  summaries(): TargetStreamSummary[] {
    const bookmarks = (this.lastState as { bookmarks?: Record<string, unknown> } | undefined)?.bookmarks;
    return [...this.streams()].map((sink) => {
      const c = sink.counts;
      const summary: TargetStreamSummary = {
        stream: sink.stream,
        records_read: sink.recordsWritten,
        records_committed: c.recordsCommitted,
        batches_committed: c.batchesCommitted,
        load_ms: Math.round(c.loadMs),
      };
      if (c.reportsRows) {
        summary.rows = {
          inserted: c.inserted,
          updated: c.updated,
          upserted: c.upserted,
          deleted: c.deleted,
          soft_deleted: c.softDeleted,
          duplicates_collapsed: c.duplicates,
        };
      }
      if (bookmarks?.[sink.stream] !== undefined) summary.bookmark = bookmarks[sink.stream];
      return summary;
    });
  }

  /** Stops the interval lines or the display, then logs the summary and METRIC lines. */
  async finish(outcome: 'succeeded' | 'failed'): Promise<TargetStreamSummary[]> {
    await this.reporter?.stop();
    const elapsed = Date.now() - this.startedAt;
    const summaries = this.summaries();
    // A run that failed before reading a record says all in its error line.
    if (outcome === 'failed' && summaries.every((s) => s.records_read === 0)) return summaries;
    for (const summary of summaries) {
      const rows = summary.rows;
      const changes = rows
        ? `; rows inserted ${count(rows.inserted)}, updated ${count(rows.updated)}` +
          (rows.upserted > 0 ? `, inserted or updated ${count(rows.upserted)}` : '') +
          `, deleted ${count(rows.deleted)}, soft-deleted ${count(rows.soft_deleted)}, duplicates collapsed ${count(rows.duplicates_collapsed)}`
        : '';
      const bookmark =
        summary.bookmark === undefined ? '' : `; bookmark committed ${shortJson(summary.bookmark)}`;
      this.logger.info(
        `summary ${summary.stream} (${outcome}): ${count(summary.records_read)} records read, ` +
          `${count(summary.records_committed)} committed in ${counted(summary.batches_committed, 'batch', 'batches')} ` +
          `(${seconds(summary.load_ms)} loading)${changes}${bookmark}`,
        this.fields({ ...summary, outcome }),
      );
      this.logger.metric({
        type: 'counter',
        metric: 'record_count',
        value: summary.records_committed,
        tags: { stream: summary.stream, status: outcome },
      });
    }
    this.logger.info(
      `run ${outcome} in ${seconds(elapsed)}: ${this.statesCommitted} STATE messages committed; last ${shortJson(this.lastState)}`,
      this.fields({ states_committed: this.statesCommitted, last_state: this.lastState, outcome }),
    );
    return summaries;
  }

  /** Structured fields only for JSON logs: text lines already say it in words. */
  private fields(fields: Record<string, unknown>): Record<string, unknown> | undefined {
    return this.logger.format === 'json' ? fields : undefined;
  }
}
