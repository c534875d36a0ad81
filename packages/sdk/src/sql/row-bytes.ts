/**
 * A batch's encoded rows (PostgreSQL's COPY text lines or binary rows, Snowflake's JSON array
 * elements) in a few large buffers instead of one JS string per row: the memory a batch holds is its
 * byte size (outside the V8 heap, so it neither grows the heap nor costs garbage collection), and the
 * load sends the buffers as they are. A row never spans two chunks, so any subset of rows (the last
 * row of each key) is a list of slices. Chunks of loaded batches are reused.
 */

export const CHUNK_BYTES = 1024 * 1024;
/** Free chunks kept for reuse, process-wide; more are released to the allocator. */
const POOL_LIMIT = 24;
const pool: Buffer[] = [];

function allocate(bytes: number): Buffer {
  if (bytes <= CHUNK_BYTES) return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
  return Buffer.allocUnsafeSlow(bytes);
}

function release(chunk: Buffer): void {
  if (chunk.length === CHUNK_BYTES && pool.length < POOL_LIMIT) pool.push(chunk);
}

/** Whole rows to send together: their bytes as slices in order. */
export interface RowGroup {
  slices: Buffer[];
  bytes: number;
  rows: number;
}

/** A batch's rows: `chunks[i]` holds bytes up to `chunkEnds[i]` of the batch; row r ends at `rowEnds[r]`. */
export class EncodedRows {
  constructor(
    readonly chunks: Buffer[],
    readonly chunkEnds: number[],
  ) {}

  /**
   * Writes `stamp` into each of rows [from, to), ending `trailing` bytes before the row's end: over a
   * COPY text row's placeholder before its newline, or a binary row's last field's 8 bytes.
   */
  stamp(rowEnds: readonly number[], stamp: Uint8Array, trailing: number, from: number, to: number): void {
    let chunk = 0;
    let chunkStart = 0;
    for (let row = from; row < to; row += 1) {
      const end = rowEnds[row] as number;
      while (end > (this.chunkEnds[chunk] as number)) {
        chunkStart = this.chunkEnds[chunk] as number;
        chunk += 1;
      }
      (this.chunks[chunk] as Buffer).set(stamp, end - chunkStart - trailing - stamp.length);
    }
  }

  /**
   * The bytes of rows [from, to), or only of rows `kept` (ascending indexes, all in that range), as
   * slices to send in order.
   */
  *slices(
    rowEnds: readonly number[],
    from: number,
    to: number,
    kept: readonly number[] | undefined,
  ): Generator<Buffer> {
    if (kept === undefined) {
      yield* this.bytes(from === 0 ? 0 : (rowEnds[from - 1] as number), rowEnds[to - 1] as number);
      return;
    }
    let chunk = 0;
    let chunkStart = 0;
    let start = -1;
    let stop = -1;
    for (const row of kept) {
      const rowStart = row === 0 ? 0 : (rowEnds[row - 1] as number);
      const rowEnd = rowEnds[row] as number;
      if (rowStart === stop && rowEnd <= (this.chunkEnds[chunk] as number)) {
        stop = rowEnd;
        continue;
      }
      if (stop > start) yield (this.chunks[chunk] as Buffer).subarray(start - chunkStart, stop - chunkStart);
      while (rowEnd > (this.chunkEnds[chunk] as number)) {
        chunkStart = this.chunkEnds[chunk] as number;
        chunk += 1;
      }
      start = rowStart;
      stop = rowEnd;
    }
    if (stop > start) yield (this.chunks[chunk] as Buffer).subarray(start - chunkStart, stop - chunkStart);
  }

  /**
   * The kept rows (every row when `kept` is undefined) split into groups of whole rows of at most
   * `maxBytes` each, in order, each as the slices to send: one request per group where a request's
   * size is bounded. A row larger than `maxBytes` is a group of its own (the caller refuses it).
   */
  *groups(
    rowEnds: readonly number[],
    kept: readonly number[] | undefined,
    maxBytes: number,
  ): Generator<RowGroup> {
    const count = kept === undefined ? rowEnds.length : kept.length;
    let group: RowGroup = { slices: [], bytes: 0, rows: 0 };
    let chunk = 0;
    let chunkStart = 0;
    // The open run of adjacent rows, in batch offsets; always inside chunk `chunk`.
    let runStart = 0;
    let runEnd = 0;
    const closeRun = () => {
      if (runEnd > runStart)
        group.slices.push(
          (this.chunks[chunk] as Buffer).subarray(runStart - chunkStart, runEnd - chunkStart),
        );
      runStart = runEnd;
    };
    for (let index = 0; index < count; index += 1) {
      const row = kept === undefined ? index : (kept[index] as number);
      const start = row === 0 ? 0 : (rowEnds[row - 1] as number);
      const end = rowEnds[row] as number;
      if (group.rows > 0 && group.bytes + (end - start) > maxBytes) {
        closeRun();
        yield group;
        group = { slices: [], bytes: 0, rows: 0 };
      }
      if (start !== runEnd || end > (this.chunkEnds[chunk] as number)) {
        closeRun();
        while (end > (this.chunkEnds[chunk] as number)) {
          chunkStart = this.chunkEnds[chunk] as number;
          chunk += 1;
        }
        runStart = start;
      }
      runEnd = end;
      group.bytes += end - start;
      group.rows += 1;
    }
    closeRun();
    if (group.rows > 0) yield group;
  }

  /** Batch bytes [start, end) as one slice per chunk they span. */
  private *bytes(start: number, end: number): Generator<Buffer> {
    let chunkStart = 0;
    for (let index = 0; index < this.chunks.length && chunkStart < end; index += 1) {
      const chunkEnd = this.chunkEnds[index] as number;
      const from = Math.max(start, chunkStart);
      const to = Math.min(end, chunkEnd);
      if (to > from) yield (this.chunks[index] as Buffer).subarray(from - chunkStart, to - chunkStart);
      chunkStart = chunkEnd;
    }
  }

  /** Returns the chunks for reuse; only once the database has received all of them. */
  release(): void {
    for (const chunk of this.chunks) release(chunk);
    this.chunks.length = 0;
  }
}

/** Appends rows (COPY text lines as UTF-8, or binary COPY rows) to chunks; `take()` hands them over as one batch. */
export class RowWriter {
  private chunks: Buffer[] = [];
  private chunkEnds: number[] = [];
  private current: Buffer | undefined;
  private position = 0;
  /** Bytes before the current chunk. */
  private before = 0;

  /** Bytes written since the last take: the end offset of the last row. */
  get size(): number {
    return this.before + this.position;
  }

  /** Appends one COPY text row and returns its size in bytes. */
  append(text: string): number {
    let current = this.current;
    let room = current === undefined ? 0 : current.length - this.position;
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: only count exactly when it may not fit.
    if (text.length * 3 > room) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > room) {
        this.seal();
        current = allocate(bytes);
        this.current = current;
        room = current.length;
      }
    }
    const written = (current as Buffer).write(text, this.position, 'utf8');
    this.position += written;
    return written;
  }

  /**
   * For a row written in place (BinaryRow): the chunk to write it into, from `rowStart` on. Until
   * `endRow` the row is not part of the batch; a row abandoned halfway is simply overwritten.
   */
  openRow(): Buffer {
    this.current ??= allocate(0);
    return this.current;
  }

  /** Where the row written in place starts in the current chunk. */
  get rowStart(): number {
    return this.position;
  }

  /**
   * The row written in place needs `more` bytes after its first `written` and its chunk is full: it
   * moves to a new chunk (at its start), which is returned. The old chunk ends before the row.
   */
  moveRow(written: number, more: number): Buffer {
    const old = this.current as Buffer;
    const start = this.position;
    const needed = written + more;
    // Beyond a chunk, doubling: a row of many MB moves a few times, not once per field.
    const next = allocate(needed <= CHUNK_BYTES ? needed : Math.max(needed, 2 * written));
    old.copy(next, 0, start, start + written);
    this.seal();
    this.current = next;
    return next;
  }

  /** Ends the row written in place at offset `end` of the current chunk; returns its size in bytes. */
  endRow(end: number): number {
    const size = end - this.position;
    this.position = end;
    return size;
  }

  private seal(): void {
    if (this.current === undefined) return;
    if (this.position === 0) {
      // Nothing written to it: back to the pool rather than an empty chunk in the batch.
      release(this.current);
      this.current = undefined;
      return;
    }
    this.before += this.position;
    this.chunks.push(this.current);
    this.chunkEnds.push(this.before);
    this.current = undefined;
    this.position = 0;
  }

  take(): EncodedRows {
    this.seal();
    const rows = new EncodedRows(this.chunks, this.chunkEnds);
    this.chunks = [];
    this.chunkEnds = [];
    this.before = 0;
    return rows;
  }
}
