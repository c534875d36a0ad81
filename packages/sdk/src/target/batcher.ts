/**
 * Collects one stream's prepared rows until a limit is reached: row count, byte size or age of the
 * oldest row. The batch remembers the input line of every row so a load error can name it.
 */

/**
 * A batch is worth loading before it is full once it holds 1/16 of the byte limit (1 MB by default):
 * enough that a load's fixed cost is small beside it. Bytes, not rows: a small `batch_size_rows`
 * still means exactly that many rows per batch.
 */
const EARLY_LOAD_SHARE = 16;

export interface BatchLimits {
  /** Rows per batch (`batch_size_rows`). */
  maxRows: number;
  /** Bytes of prepared rows per batch (`batch_size_bytes`). */
  maxBytes: number;
  /** Age of the oldest row, in ms, after which the batch is drained (`batch_max_age_ms`). */
  maxAgeMs: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxRows: 100_000,
  maxBytes: 16 * 1024 * 1024,
  maxAgeMs: 60_000,
};

export interface Batch<Row> {
  /** 1-based number of this batch within its stream, for error messages. */
  number: number;
  rows: Row[];
  /** Input line of each row, parallel to `rows`. */
  lines: number[];
  bytes: number;
  /** Input line of the earliest row: the batch's place in the STATE watermark. */
  firstLine: number;
  lastLine: number;
}

export class Batcher<Row> {
  private rows: Row[] = [];
  private lines: number[] = [];
  private bytes = 0;
  private openedAt = 0;
  private count = 0;
  private readonly earlyBytes: number;

  constructor(readonly limits: BatchLimits) {
    this.earlyBytes = Math.max(1, Math.ceil(limits.maxBytes / EARLY_LOAD_SHARE));
  }

  add(row: Row, bytes: number, line: number, now = Date.now()): void {
    if (this.rows.length === 0) this.openedAt = now;
    this.rows.push(row);
    this.lines.push(line);
    this.bytes += bytes;
  }

  get size(): number {
    return this.rows.length;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** Input line of the oldest buffered row, or Infinity when empty. */
  get firstLine(): number {
    return this.lines.length > 0 ? (this.lines[0] as number) : Number.POSITIVE_INFINITY;
  }

  isFull(): boolean {
    return this.rows.length >= this.limits.maxRows || this.bytes >= this.limits.maxBytes;
  }

  /** Holds enough (see EARLY_LOAD_SHARE) to be worth loading now if the destination has nothing to do. */
  isWorthLoading(): boolean {
    return this.bytes >= this.earlyBytes;
  }

  isExpired(now = Date.now()): boolean {
    return this.rows.length > 0 && now - this.openedAt >= this.limits.maxAgeMs;
  }

  /** Hands over the buffered rows as a batch and starts empty; undefined when nothing is buffered. */
  take(): Batch<Row> | undefined {
    if (this.rows.length === 0) return undefined;
    this.count += 1;
    const batch: Batch<Row> = {
      number: this.count,
      rows: this.rows,
      lines: this.lines,
      bytes: this.bytes,
      firstLine: this.lines[0] as number,
      lastLine: this.lines[this.lines.length - 1] as number,
    };
    this.rows = [];
    this.lines = [];
    this.bytes = 0;
    return batch;
  }
}
