/**
 * A batch's COPY rows as UTF-8 bytes in a few large buffers instead of one JS string per row: the
 * memory a batch holds is its byte size (outside the V8 heap, so it neither grows the heap nor costs
 * garbage collection), and COPY sends the buffers as they are. A row never spans two chunks, so any
 * subset of rows (the last row of each key) is a list of slices. Chunks of loaded batches are reused.
 */

export const CHUNK_BYTES = 1024 * 1024;
/** Free chunks kept for reuse, process-wide; more are released to the allocator. */
const POOL_LIMIT = 24;
const pool: Buffer[] = [];

function allocate(bytes: number): Buffer {
  if (bytes <= CHUNK_BYTES) return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
  return Buffer.allocUnsafeSlow(bytes);
}

/** A batch's rows: `chunks[i]` holds bytes up to `chunkEnds[i]` of the batch; row r ends at `rowEnds[r]`. */
export class EncodedRows {
  constructor(
    readonly chunks: Buffer[],
    readonly chunkEnds: number[],
  ) {}

  /** Writes `stamp` over the last `stamp.length` bytes before each row's newline. */
  stamp(rowEnds: readonly number[], stamp: Uint8Array): void {
    let chunk = 0;
    let chunkStart = 0;
    for (const end of rowEnds) {
      while (end > (this.chunkEnds[chunk] as number)) {
        chunkStart = this.chunkEnds[chunk] as number;
        chunk += 1;
      }
      (this.chunks[chunk] as Buffer).set(stamp, end - chunkStart - 1 - stamp.length);
    }
  }

  /** The bytes of every row, or only of rows `kept` (ascending indexes), as slices to send in order. */
  *slices(rowEnds: readonly number[], kept: readonly number[] | undefined): Generator<Buffer> {
    if (kept === undefined) {
      let start = 0;
      for (let index = 0; index < this.chunks.length; index += 1) {
        const end = this.chunkEnds[index] as number;
        if (end > start) yield (this.chunks[index] as Buffer).subarray(0, end - start);
        start = end;
      }
      return;
    }
    let chunk = 0;
    let chunkStart = 0;
    let from = -1;
    let to = -1;
    for (const row of kept) {
      const start = row === 0 ? 0 : (rowEnds[row - 1] as number);
      const end = rowEnds[row] as number;
      if (start === to && end <= (this.chunkEnds[chunk] as number)) {
        to = end;
        continue;
      }
      if (to > from) yield (this.chunks[chunk] as Buffer).subarray(from - chunkStart, to - chunkStart);
      while (end > (this.chunkEnds[chunk] as number)) {
        chunkStart = this.chunkEnds[chunk] as number;
        chunk += 1;
      }
      from = start;
      to = end;
    }
    if (to > from) yield (this.chunks[chunk] as Buffer).subarray(from - chunkStart, to - chunkStart);
  }

  /** Returns the chunks for reuse; only once the database has received all of them. */
  release(): void {
    for (const chunk of this.chunks) {
      if (chunk.length === CHUNK_BYTES && pool.length < POOL_LIMIT) pool.push(chunk);
    }
    this.chunks.length = 0;
  }
}

/** Appends rows (COPY text lines) as UTF-8 to chunks; `take()` hands them over as one batch. */
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

  /** Appends one row and returns its size in bytes. */
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

  private seal(): void {
    if (this.current === undefined) return;
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
