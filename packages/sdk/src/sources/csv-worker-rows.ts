/**
 * `csvRowBatches` with the parse in a worker thread (`inWorker`). csv-parse is most of a CSV reader's
 * time (about two fifths of a tap's, profiled on a Zuora AQuA export), and it is byte-at-a-time work
 * that needs nothing from the reader: so the worker parses while this thread builds typed records from
 * the previous batch and the tap serialises and writes them. The worker runs the same parse as this
 * thread would (`parsedRowBatches`), posting each batch packed (csv-packed-rows.ts); the header's
 * renaming and the row builder stay here, since functions cannot cross threads.
 *
 * Backpressure holds end to end: the worker asks for bytes only as its parser takes them, and this
 * thread reads the source for it only while fewer than `QUEUED_BATCHES` parsed batches wait for the
 * reader, so a slow reader pauses the download as it does without a worker.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ErrorContext } from '../errors.js';
import { PackedRowCursor, type PackedRows } from './csv-packed-rows.js';
import { CsvFormatError, type CsvParseOptions, type CsvRowBuilder } from './csv-rows.js';

/** Messages to the worker, each about one file (`id`): its options, its bytes (copied into a buffer of their own,
 * transferred), its end, or that its reader stopped. */
export type ToParseWorker =
  | { kind: 'open'; id: number; options: CsvParseOptions }
  | { kind: 'chunk'; id: number; bytes: Uint8Array }
  | { kind: 'end'; id: number }
  | { kind: 'close'; id: number };

/** Messages from the worker about one file. `more` asks for the next piece of its source. */
export type FromParseWorker = { id: number } & (
  | { kind: 'more' }
  | { kind: 'header'; cells: string[] }
  | { kind: 'rows'; rows: PackedRows }
  | { kind: 'done' }
  | { kind: 'failed'; error: FailedParse }
);

/** A parse failure as it crosses threads (errors lose their class and fields in a message). */
export interface FailedParse {
  message: string;
  /** A CsvFormatError's place and csv-parse's own error code. */
  format?: { context: ErrorContext; cause?: { code?: string; message: string } };
  stack?: string;
}

/** Parsed batches that may wait for the reader before the source is read further. */
const QUEUED_BATCHES = 4;
/**
 * The worker's heap for new objects: its garbage is the parser's short-lived cells, and V8's default (a young
 * generation of tens of MB per thread) added about 25 MB to a tap's peak RSS for no speed (bench/aqua.mjs of
 * tap-zuora at 300k rows: 146 MB peak with 8, 172 without).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
/** The worker module, beside this one (also beside a connector's bundle: scripts/bundle.mjs puts it there). */
const WORKER_FILE = './csv-parse-worker.js';
/** How long the worker outlives its last file, for the next one (it never keeps the process alive). */
const IDLE_MS = 5_000;

type Delivery = FromParseWorker | { kind: 'crashed'; error: Error };

/**
 * The one parsing worker of the process, shared by every file read `inWorker`: a worker takes tens of ms to
 * start, and a run may read hundreds of small result files (a stream's job can split its result into many).
 */
class SharedParseWorker {
  private static current: SharedParseWorker | undefined;

  static acquire(): SharedParseWorker {
    SharedParseWorker.current ??= new SharedParseWorker();
    return SharedParseWorker.current;
  }

  private readonly worker = new Worker(workerScript(), { resourceLimits: WORKER_LIMITS });
  private readonly files = new Map<number, (delivery: Delivery) => void>();
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;

  private constructor() {
    this.worker.on('message', (message: FromParseWorker) => this.files.get(message.id)?.(message));
    const failAll = (error: Error): void => {
      this.retire();
      for (const deliver of this.files.values()) deliver({ kind: 'crashed', error });
      this.files.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`exited with code ${code}`)));
  }

  open(options: CsvParseOptions, deliver: (delivery: Delivery) => void): number {
    clearTimeout(this.idle);
    this.worker.ref();
    const id = this.nextId++;
    this.files.set(id, deliver);
    this.post({ kind: 'open', id, options });
    return id;
  }

  post(message: ToParseWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** The file's reader is finished (or stopped early): the worker drops it, and stops after a while unused. */
  close(id: number): void {
    if (!this.files.delete(id)) return;
    this.post({ kind: 'close', id });
    if (this.files.size > 0) return;
    this.worker.unref();
    this.idle = setTimeout(() => {
      this.retire();
      void this.worker.terminate();
    }, IDLE_MS).unref();
  }

  /** No new file is given to this worker. */
  private retire(): void {
    if (SharedParseWorker.current === this) SharedParseWorker.current = undefined;
  }
}

export async function* workerRowBatches<R>(
  input: Readable | AsyncIterable<Buffer | string>,
  options: CsvParseOptions,
  start: (header: string[]) => CsvRowBuilder<R>,
): AsyncGenerator<R[]> {
  const source = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const arrived: (Exclude<Delivery, { kind: 'more' }> | { kind: 'source-failed'; error: unknown })[] = [];
  let wake: (() => void) | undefined;
  const arrive = (arrival: (typeof arrived)[number]): void => {
    arrived.push(arrival);
    wake?.();
    wake = undefined;
  };
  let asked = false;
  let reading = false;
  let ended = false;
  const worker = SharedParseWorker.acquire();
  const feed = (): void => {
    if (!asked || reading || ended || arrived.length >= QUEUED_BATCHES) return;
    asked = false;
    reading = true;
    source.next().then(
      ({ done, value }) => {
        reading = false;
        if (ended) return;
        if (done === true) {
          ended = true;
          worker.post({ kind: 'end', id });
          return;
        }
        // A copy the size of the chunk, transferred: a network chunk may be a view of a larger pooled buffer,
        // which posting would clone whole.
        const bytes = typeof value === 'string' ? Buffer.from(value) : new Uint8Array(value);
        worker.post({ kind: 'chunk', id, bytes }, [bytes.buffer as ArrayBuffer]);
      },
      (error: unknown) => {
        reading = false;
        ended = true;
        arrive({ kind: 'source-failed', error });
      },
    );
  };
  const id = worker.open(options, (delivery) => {
    if (delivery.kind === 'more') {
      asked = true;
      feed();
    } else {
      arrive(delivery);
    }
  });

  let build: CsvRowBuilder<R> | undefined;
  try {
    for (;;) {
      if (arrived.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const arrival = arrived.shift() as (typeof arrived)[number];
      feed();
      switch (arrival.kind) {
        case 'header':
          build = start(arrival.cells);
          break;
        case 'rows': {
          const cursor = new PackedRowCursor(arrival.rows);
          const batch: R[] = [];
          for (let row = 0; row < cursor.rows; row++) {
            const line = cursor.line;
            try {
              batch.push((build as CsvRowBuilder<R>)(cursor.next(), line));
            } catch (e) {
              // The rows before a bad one still go out, as they do when parsed in this thread.
              if (batch.length > 0) yield batch;
              throw e;
            }
          }
          if (batch.length > 0) yield batch;
          break;
        }
        case 'done':
          return;
        case 'failed':
          throw rebuilt(arrival.error, options.stream);
        case 'source-failed':
          throw arrival.error;
        case 'crashed':
          throw new Error(
            `the CSV parsing worker of stream '${options.stream}' failed: ${arrival.error.message}`,
            {
              cause: arrival.error,
            },
          );
      }
    }
  } finally {
    ended = true;
    // Stops the download when the reader stops early (a pending read finishes first; not awaited, as it may
    // be a stalled connection).
    source.return?.().catch(() => undefined);
    worker.close(id);
  }
}

function rebuilt(failure: FailedParse, stream: string): Error {
  if (failure.format !== undefined) {
    const { context, cause } = failure.format;
    return new CsvFormatError(failure.message, context, {
      ...(cause === undefined
        ? {}
        : { cause: Object.assign(new Error(cause.message), { code: cause.code }) }),
    });
  }
  const error = new Error(`the CSV parsing worker of stream '${stream}' failed: ${failure.message}`);
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
}

function workerScript(): URL {
  // Run from the SDK's TypeScript sources (the test runner), the worker is the compiled module in dist.
  return import.meta.url.endsWith('.ts')
    ? new URL(`../../dist/sources/${WORKER_FILE}`, import.meta.url)
    : new URL(WORKER_FILE, import.meta.url);
}
