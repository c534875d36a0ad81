/**
 * Writes Singer messages as JSON lines. Output is coalesced into chunks, the producer waits when the
 * consumer is slow (backpressure), and a closed pipe (`tap | head`) ends the run quietly.
 */
import type { Writable } from 'node:stream';
import { BrokenPipeError } from '../errors.js';
import { serializeJson } from '../json/lossless-json.js';
import type { SingerMessage } from './messages.js';

export interface WriterOptions {
  /** Bytes collected before a write to the underlying stream. */
  chunkBytes?: number;
  /** Longest time a written message may wait in the buffer. */
  maxDelayMs?: number;
}

export class MessageWriter {
  /** Serialized lines waiting for the next flush, and their length in UTF-16 units. */
  private lines: string[] = [];
  private pending = 0;
  private closedError: BrokenPipeError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly chunkBytes: number;
  private readonly maxDelayMs: number;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly output: Writable,
    options: WriterOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.maxDelayMs = options.maxDelayMs ?? 100;
    output.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
        this.closedError = new BrokenPipeError('the reader closed the output pipe');
      } else {
        this.closedError = new BrokenPipeError(`output failed: ${error.message}`);
      }
    });
  }

  /** Queues a message; resolves at once unless the consumer is behind. */
  write(message: SingerMessage): Promise<void> | undefined {
    if (this.closedError) throw this.closedError;
    this.queue(serializeJson(message));
    if (message.type === 'STATE' || this.pending >= this.chunkBytes) return this.flush();
    this.scheduleFlush();
    return undefined;
  }

  /** Writes a raw, already serialized line (used by pass-through tools). */
  writeLine(line: string): Promise<void> | undefined {
    if (this.closedError) throw this.closedError;
    this.queue(line);
    if (this.pending >= this.chunkBytes) return this.flush();
    this.scheduleFlush();
    return undefined;
  }

  /** Hands the buffer to the stream and waits for it to drain if it is full. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.draining) await this.draining;
    if (this.closedError) throw this.closedError;
    if (this.lines.length === 0) return;
    const chunk = this.encodePending();
    if (!this.output.write(chunk)) {
      this.draining = new Promise<void>((resolve) => {
        const done = (): void => {
          this.output.off('drain', done);
          this.output.off('close', done);
          this.output.off('error', done);
          this.draining = undefined;
          resolve();
        };
        this.output.on('drain', done);
        this.output.on('close', done);
        this.output.on('error', done);
      });
      await this.draining;
      if (this.closedError) throw this.closedError;
    }
  }

  /** Flushes and waits until the stream has taken every byte. */
  async close(): Promise<void> {
    await this.flush();
    if (this.output === process.stdout || this.output === process.stderr) return;
    await new Promise<void>((resolve, reject) => {
      this.output.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  private queue(line: string): void {
    this.lines.push(line);
    this.pending += line.length + 1;
  }

  /**
   * The queued lines as one UTF-8 chunk, each encoded on its own: Node 20 encodes a long string
   * holding any non-Latin-1 character (a record with one CJK name or emoji) about 5x slower than the
   * same text as short strings, and a joined buffer of 64 KB of records is exactly that case.
   */
  private encodePending(): Buffer {
    // A UTF-16 unit takes at most 3 UTF-8 bytes (a surrogate pair, two units, takes 4).
    const chunk = Buffer.allocUnsafe(this.pending * 3);
    let end = 0;
    for (const line of this.lines) {
      end += chunk.write(line, end);
      chunk[end++] = 0x0a;
    }
    this.lines = [];
    this.pending = 0;
    return chunk.subarray(0, end);
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined);
    }, this.maxDelayMs);
    this.timer.unref();
  }
}

const sharedWriters = new WeakMap<Writable, MessageWriter>();

/** Writes one message to a stream, for simple scripts; one writer is kept per stream. */
export async function writeMessage(message: SingerMessage, output: Writable = process.stdout): Promise<void> {
  let writer = sharedWriters.get(output);
  if (!writer) {
    writer = new MessageWriter(output, { maxDelayMs: 0 });
    sharedWriters.set(output, writer);
  }
  await writer.write(message);
  await writer.flush();
}
