/**
 * What one target stream's loads did, kept by its Sink: records committed, and for a SQL table the
 * rows inserted, updated, deleted or marked deleted and the duplicates collapsed within batches;
 * plus what each batch taken but not committed is waiting for, for the progress lines.
 */

import type { Logger } from '../logging.js';

/** The Meltano SDK's per-batch timer: seconds from the start of a batch's load to its commit (or failure). */
export function batchProcessingMetric(
  logger: Logger,
  batch: { stream: string; number: number; rows: number },
  ms: number,
  status: 'succeeded' | 'failed',
): void {
  logger.metric({
    type: 'timer',
    metric: 'batch_processing_time',
    value: Math.round(ms) / 1000,
    tags: { stream: batch.stream, batch: batch.number, rows: batch.rows, status },
  });
}

/** What a batch in flight is waiting for. */
export type BatchWait =
  /** Loads of one stream run in order: the batch waits for the stream's previous one. */
  | 'previous batch'
  /** `parallelism` loads run at once across streams: the batch waits for a free slot. */
  | 'load slot'
  /** The batch is being written: the database holds it up. */
  | 'database';

export interface BatchInFlight {
  batch: number;
  rows: number;
  waitsFor: BatchWait;
  /** When it started waiting for that (epoch ms). */
  since: number;
}

/** Rows one load changed, as the destination reported them (undefined: not told apart). */
export interface RowChanges {
  inserted?: number;
  updated?: number;
  /** Inserted or updated, when the destination does not tell which. */
  upserted?: number;
  deleted?: number;
  softDeleted?: number;
  duplicates?: number;
}

export class LoadCounts {
  recordsCommitted = 0;
  batchesCommitted = 0;
  /** Whether the sink reports row changes (a SQL table does); otherwise only records are counted. */
  reportsRows = false;
  inserted = 0;
  updated = 0;
  upserted = 0;
  deleted = 0;
  softDeleted = 0;
  duplicates = 0;
  /** Time spent loading committed batches (ms), for batch_processing_time and rates. */
  loadMs = 0;
  private readonly waiting = new Map<number, BatchInFlight>();

  /** Notes what batch `batch` (of `rows` records) waits for from now on. */
  waitFor(batch: number, rows: number, waitsFor: BatchWait): void {
    this.waiting.set(batch, { batch, rows, waitsFor, since: Date.now() });
  }

  /** The batch committed: its records count, it is no longer in flight. */
  committed(batch: number, records: number, loadMs: number): void {
    this.waiting.delete(batch);
    this.recordsCommitted += records;
    this.batchesCommitted += 1;
    this.loadMs += loadMs;
  }

  /** The batch failed: it is no longer waiting for anything. */
  failed(batch: number): void {
    this.waiting.delete(batch);
  }

  /** Adds what a committed load (or a table-version retirement) changed. */
  add(changes: RowChanges): void {
    this.reportsRows = true;
    this.inserted += changes.inserted ?? 0;
    this.updated += changes.updated ?? 0;
    this.upserted += changes.upserted ?? 0;
    this.deleted += changes.deleted ?? 0;
    this.softDeleted += changes.softDeleted ?? 0;
    this.duplicates += changes.duplicates ?? 0;
  }

  /** Batches taken and not committed, oldest first. */
  inFlight(): BatchInFlight[] {
    return [...this.waiting.values()].sort((a, b) => a.batch - b.batch);
  }
}
