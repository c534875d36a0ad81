/**
 * One response body read as records while it arrives. The client reads it up to the first records
 * inside its retry loop, so a failure before anything was handed out is retried; once records have
 * left, a broken body cannot be retried without emitting them twice and fails the page instead
 * (HttpBodyInterruptedError). `bufferPage` moves the whole body inside the retry loop, at the cost
 * of holding one page in memory.
 */
import type { BodyDecoder } from './decoders.js';
import type { ResponseHeaders } from './retry-after.js';
import type { ResponseInfo } from './types.js';

/** What a paginator sees of a finished page. */
export interface PageInfo extends ResponseInfo {
  /** The body besides its records (`next_page`, `meta`, ...); undefined for line formats. */
  body: unknown;
  /** Records the page held. */
  recordCount: number;
  /** The last record, for paginators keyed on it (`updated_at` of the last row). */
  lastRecord: unknown;
}

export interface PageHooks {
  /** Called once when the body is done: read to the end (`ok`), failed, or abandoned. */
  finish(ok: boolean): void;
  /** Checks the finished envelope; throws the vendor's error when it reports one. */
  verify(envelope: unknown): void;
  /** Turns a failure after records were handed out into the public error. */
  interrupted(error: unknown, recordsHandedOut: number): Error;
}

export class RecordPage<T = unknown> implements AsyncIterable<T> {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly url: URL;
  private readonly chunks: AsyncIterator<Buffer | Uint8Array>;
  private queue: T[] = [];
  private bytesSeen = 0;
  private ended = false;
  private closed = false;
  private handedOut = 0;
  private last: T | undefined;
  private iterating = false;

  constructor(
    info: ResponseInfo,
    body: AsyncIterable<Buffer | Uint8Array>,
    private readonly decoder: BodyDecoder<T>,
    private readonly hooks: PageHooks,
  ) {
    this.status = info.status;
    this.headers = info.headers;
    this.url = info.url;
    this.chunks = body[Symbol.asyncIterator]();
  }

  /** The body besides its records; fields that came before the records are there while they stream. */
  get envelope(): unknown {
    return this.decoder.envelope;
  }

  /** Records handed out so far. */
  get recordCount(): number {
    return this.handedOut;
  }

  get lastRecord(): T | undefined {
    return this.last;
  }

  /** True once the whole body has been read and checked. */
  get complete(): boolean {
    return this.ended;
  }

  info(): PageInfo {
    return {
      status: this.status,
      headers: this.headers,
      url: this.url,
      body: this.envelope,
      recordCount: this.handedOut,
      lastRecord: this.last,
    };
  }

  /**
   * Reads until records are ready or the body ends (`whole`: until the body ends). Errors are
   * thrown as they come; the client decides whether the attempt is retried.
   */
  async prime(whole: boolean): Promise<void> {
    while (!this.ended && (whole || this.queue.length === 0)) await this.readChunk();
  }

  /** Records in the groups they arrived in: the fastest way through a page. */
  async *batches(): AsyncGenerator<T[], void, undefined> {
    if (this.iterating) throw new Error('a RecordPage can be iterated only once');
    this.iterating = true;
    try {
      for (;;) {
        if (this.queue.length === 0) {
          if (this.ended) return;
          try {
            await this.readChunk();
          } catch (error) {
            throw this.hooks.interrupted(error, this.handedOut);
          }
          continue;
        }
        const batch = this.queue;
        this.queue = [];
        this.handedOut += batch.length;
        this.last = batch[batch.length - 1];
        yield batch;
      }
    } finally {
      await this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** Reads and drops what is left, so the envelope is complete (for the paginator). */
  async drain(): Promise<void> {
    if (this.ended) return;
    if (this.closed) throw new Error('the page was closed before its end, so its envelope is incomplete');
    for await (const _ of this.batches());
  }

  /** Stops reading; the connection is dropped when the body was not finished. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ended) {
      this.hooks.finish(false);
      await this.chunks.return?.();
    }
  }

  private async readChunk(): Promise<void> {
    try {
      const step = await this.chunks.next();
      if (!step.done) {
        const chunk = Buffer.isBuffer(step.value) ? step.value : Buffer.from(step.value);
        this.bytesSeen += chunk.length;
        this.decode(() => this.decoder.write(chunk));
        return;
      }
      // An empty body (204, or 200 with nothing) holds no records rather than invalid JSON.
      if (this.bytesSeen > 0) this.decode(() => this.decoder.end());
      else this.decode(() => undefined);
      this.hooks.verify(this.decoder.envelope);
    } catch (error) {
      this.closed = true;
      this.hooks.finish(false);
      await this.chunks.return?.().catch(() => undefined);
      throw error;
    }
    this.ended = true;
    this.hooks.finish(true);
  }

  /** Runs a decoder step; whatever it throws is a malformed body, reported as a SyntaxError. */
  private decode(step: () => void): void {
    try {
      step();
      this.enqueue(this.decoder.take());
    } catch (error) {
      if (error instanceof SyntaxError) throw error;
      throw new SyntaxError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  private enqueue(records: T[]): void {
    if (records.length === 0) return;
    if (this.queue.length === 0) this.queue = records;
    else for (const record of records) this.queue.push(record);
  }
}
