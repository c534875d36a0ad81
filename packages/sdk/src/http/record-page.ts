/**
 * One response body read as records while it arrives. The client reads it up to the first records
 * inside its retry loop, so a failure before anything was handed out is retried. A body that breaks
 * after records have left is re-requested (`PageHooks.reopen`, GET by default) and the records
 * already emitted are skipped: a page is taken to be deterministic for its URL and cursor, and the
 * last skipped record must equal the last one emitted, so a page that changed in between fails
 * (HttpBodyInterruptedError) rather than emitting anything twice or missing anything. `bufferPage`
 * moves the whole body inside the retry loop instead, at the cost of holding one page in memory.
 */
import { serializeJson } from '../json/lossless-json.js';
import type { BodyDecoder } from './decoders.js';
import { AttemptFailure } from './retry.js';
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
  /**
   * Re-requests the page after the body broke once records were handed out, the new page skipping
   * them (`from`); resolves undefined when the page is not to be re-requested (not idempotent, not a
   * transient failure, or no resumption left). Absent: such a failure ends the page.
   */
  reopen?(error: unknown, from: ResumePoint<unknown>): Promise<RecordPage<unknown> | undefined>;
}

/** Where a re-requested page picks up: how many records to skip, and what the last of them was. */
export interface ResumePoint<T> {
  skip: number;
  last: T;
  /** Re-requests of this page so far, this one included. */
  resumes: number;
}

export class RecordPage<T = unknown> implements AsyncIterable<T> {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly url: URL;
  private chunks: AsyncIterator<Buffer | Uint8Array>;
  private decoder: BodyDecoder<T>;
  private hooks: PageHooks;
  private resumes: number;
  /** Records still to skip (already emitted before a re-request), and the last of them as JSON. */
  private skip: number;
  private readonly skipLast: string | undefined;
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
    decoder: BodyDecoder<T>,
    hooks: PageHooks,
    from?: ResumePoint<T>,
  ) {
    this.status = info.status;
    this.headers = info.headers;
    this.url = info.url;
    this.chunks = body[Symbol.asyncIterator]();
    this.decoder = decoder;
    this.hooks = hooks;
    this.skip = from?.skip ?? 0;
    this.skipLast = from === undefined ? undefined : serializeJson(from.last);
    this.resumes = from?.resumes ?? 0;
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
            if (!(await this.resume(error))) throw this.hooks.interrupted(error, this.handedOut);
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

  /**
   * After the body broke with records handed out: carries on from a re-requested page, which has
   * read past the records already emitted. False when the page is not re-requested.
   */
  private async resume(error: unknown): Promise<boolean> {
    if (this.handedOut === 0 || this.hooks.reopen === undefined) return false;
    const from: ResumePoint<T> = { skip: this.handedOut, last: this.last as T, resumes: this.resumes + 1 };
    let next: RecordPage<T> | undefined;
    try {
      next = (await this.hooks.reopen(error, from)) as RecordPage<T> | undefined;
    } catch (failure) {
      throw this.hooks.interrupted(failure, this.handedOut);
    }
    if (next === undefined) return false;
    // The new response's body, decoder and bookkeeping replace the broken one's; what was handed out stays.
    this.chunks = next.chunks;
    this.decoder = next.decoder;
    this.hooks = next.hooks;
    this.resumes = next.resumes;
    this.queue = next.queue;
    this.bytesSeen = next.bytesSeen;
    this.ended = next.ended;
    this.closed = false;
    return true;
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
      if (this.skip > 0) throw this.changed(`it now ends ${this.skip} record(s) before them`);
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
    let records: T[];
    try {
      step();
      records = this.decoder.take();
    } catch (error) {
      if (error instanceof SyntaxError) throw error;
      throw new SyntaxError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    this.enqueue(records);
  }

  private enqueue(records: T[]): void {
    if (this.skip > 0 && records.length > 0) records = this.skipEmitted(records);
    if (records.length === 0) return;
    if (this.queue.length === 0) this.queue = records;
    else for (const record of records) this.queue.push(record);
  }

  /** Drops the records a broken earlier response already handed out, checking the last of them. */
  private skipEmitted(records: T[]): T[] {
    const dropped = Math.min(this.skip, records.length);
    this.skip -= dropped;
    if (this.skip === 0 && serializeJson(records[dropped - 1]) !== this.skipLast)
      throw this.changed('the last record emitted is not where it was');
    return dropped === records.length ? [] : records.slice(dropped);
  }

  private changed(how: string): AttemptFailure {
    return new AttemptFailure(
      'interrupted',
      `the page was re-requested after its body broke, but it changed (${how}), so the records already emitted cannot be skipped safely; a rerun resumes from the last bookmark`,
      { retryable: false, status: this.status },
    );
  }
}
