/**
 * The worker thread of `csvRowBatches(…, { inWorker: true })` (see csv-worker-rows.ts): parses the bytes
 * it is posted exactly as the reading thread would, and posts back the header and each batch packed.
 */
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { RowPacker } from './csv-packed-rows.js';
import { CsvFormatError, type CsvParseOptions, parsedRowBatches } from './csv-rows.js';
import type { FailedParse, FromParseWorker, ToParseWorker } from './csv-worker-rows.js';

const port = parentPort;
if (port === null) throw new Error('csv-parse-worker.js runs as a worker thread of csvRowBatches');
const post = (message: FromParseWorker, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

/**
 * Text per posted batch, at most (plus one row). Small batches keep both threads busy (the reader starts on one
 * while the next is parsed) and their strings young: a string over V8's regular object size (128 KiB) is made in
 * the old generation, where it stays until a full collection (whole-chunk batches grew the tap's peak RSS from
 * about 120 MB to 200 at 100k rows). 4k, 8k, 16k and 32k chars were measured; 16k was fastest.
 */
const BATCH_CHARS = 16 * 1024;

/** The source of each file being parsed, by id. */
const files = new Map<number, Readable>();

port.on('message', (message: ToParseWorker) => {
  switch (message.kind) {
    case 'open': {
      const { id } = message;
      // Asks for the next piece each time the parser wants more; the reading thread answers with one.
      const input = new Readable({ read: () => post({ id, kind: 'more' }) });
      files.set(id, input);
      void parse(id, input, message.options);
      break;
    }
    case 'chunk': {
      const { bytes } = message;
      files.get(message.id)?.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      break;
    }
    case 'end':
      files.get(message.id)?.push(null);
      break;
    case 'close': {
      // The reader stopped (or finished): a parse still running ends on its destroyed source, unreported.
      const input = files.get(message.id);
      files.delete(message.id);
      input?.destroy();
      break;
    }
  }
});

async function parse(id: number, input: Readable, options: CsvParseOptions): Promise<void> {
  let packer: RowPacker | undefined;
  const flush = (): void => {
    if (packer === undefined || packer.size === 0) return;
    const rows = packer.take();
    post({ id, kind: 'rows', rows }, [rows.ends.buffer as ArrayBuffer, rows.lines.buffer as ArrayBuffer]);
  };
  const start = (header: string[]) => {
    post({ id, kind: 'header', cells: header });
    const rows = new RowPacker(header.length);
    packer = rows;
    return (cells: (string | null)[], line: number): void => {
      rows.add(cells, line);
      if (rows.length >= BATCH_CHARS) flush();
    };
  };
  try {
    for await (const _ of parsedRowBatches(input, options, start)) flush();
    post({ id, kind: 'done' });
  } catch (e) {
    if (files.has(id)) post({ id, kind: 'failed', error: described(e) });
  } finally {
    files.delete(id);
  }
}

function described(e: unknown): FailedParse {
  if (e instanceof CsvFormatError) {
    const cause = e.cause as { code?: string; message?: string } | undefined;
    return {
      message: e.message,
      format: {
        context: e.context,
        ...(cause === undefined
          ? {}
          : {
              cause: {
                ...(cause.code === undefined ? {} : { code: cause.code }),
                message: String(cause.message),
              },
            }),
      },
    };
  }
  const error = e instanceof Error ? e : new Error(String(e));
  return { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
}
