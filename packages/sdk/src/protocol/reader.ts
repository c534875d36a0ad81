/**
 * Streaming reader of Singer JSON lines. Splits raw bytes on LF (CRLF and a leading UTF-8 BOM are
 * tolerated, blank lines skipped), never holds more than one line plus one chunk, and names the line
 * number in every error.
 */
import { ProtocolError } from '../errors.js';
import { RecordSpans } from '../json/json-scan.js';
import { parseJson } from '../json/lossless-json.js';
import type { SingerMessage } from './messages.js';
import { checkUtf8, type InvalidUtf8Options } from './utf8.js';

export interface ReadOptions {
  /** Longest line accepted, in bytes; a longer one is reported instead of exhausting memory. */
  maxLineBytes?: number;
  /** What a line that is not valid UTF-8 does; it fails unless set (see utf8.ts). */
  invalidUtf8?: InvalidUtf8Options;
  /** Stops reading when aborted (a graceful shutdown), as if the input had ended; a partial last line is dropped. */
  signal?: AbortSignal;
}

export interface ReadMessage {
  message: SingerMessage;
  /** 1-based line number in the input. */
  line: number;
  /** Size of the line in bytes, for batching by bytes. */
  bytes: number;
  /**
   * For a RECORD, where each property of its record sits in the line's text; shared, so valid only
   * until the next message is read. Absent when the spans can't be trusted (escaped names, and such).
   */
  source?: RecordSpans;
}

const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface Line {
  text: string;
  /** 1-based line number in the input. */
  line: number;
  bytes: number;
}

/** Splits chunks of bytes into lines; keeps only the unfinished line between chunks. */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNumber = 0;
  private first = true;

  constructor(
    private readonly maxLineBytes: number,
    private readonly invalidUtf8: InvalidUtf8Options,
  ) {}

  /** The complete non-blank lines in this chunk (and the line it finishes). */
  push(piece: Buffer | string | Uint8Array): Line[] {
    const chunk =
      typeof piece === 'string'
        ? Buffer.from(piece, 'utf8')
        : Buffer.isBuffer(piece)
          ? piece
          : Buffer.from(piece);
    const lines: Line[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, offset);
      if (newline === -1) {
        this.pending.push(offset === 0 ? chunk : chunk.subarray(offset));
        this.pendingBytes += chunk.length - offset;
        if (this.pendingBytes > this.maxLineBytes) {
          throw new ProtocolError(
            `line is longer than ${this.maxLineBytes} bytes; split the record or raise the line limit`,
            { line: this.lineNumber + 1 },
          );
        }
        break;
      }
      let lineBuffer: Buffer;
      if (this.pending.length > 0) {
        this.pending.push(chunk.subarray(offset, newline));
        lineBuffer = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        lineBuffer = chunk.subarray(offset, newline);
      }
      offset = newline + 1;
      const line = this.finish(lineBuffer);
      if (line !== undefined) lines.push(line);
    }
    return lines;
  }

  /** The last line when the input does not end with a newline. */
  end(): Line | undefined {
    if (this.pending.length === 0) return undefined;
    const line = this.finish(Buffer.concat(this.pending));
    this.pending = [];
    return line;
  }

  private finish(buffer: Buffer): Line | undefined {
    this.lineNumber += 1;
    let end = buffer.length;
    if (end > 0 && buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    let start = 0;
    if (this.first) {
      this.first = false;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
    }
    const text = buffer.toString('utf8', start, end);
    checkUtf8(text, buffer.subarray(start, end), this.lineNumber, this.invalidUtf8);
    if (text.trim() === '') return undefined;
    return { text, line: this.lineNumber, bytes: end - start };
  }
}

/**
 * Yields the non-blank lines of a byte stream, those each chunk completes at once: a consumer that
 * handles lines synchronously pays one asynchronous step per chunk, not per line.
 */
export async function* readLineBatches(
  input: AsyncIterable<Buffer | string | Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<Line[]> {
  const splitter = new LineSplitter(
    options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    options.invalidUtf8 ?? { mode: 'fail' },
  );
  for await (const piece of options.signal ? untilAborted(input, options.signal) : input) {
    const lines = splitter.push(piece);
    if (lines.length > 0) yield lines;
  }
  if (options.signal?.aborted) return;
  const last = splitter.end();
  if (last !== undefined) yield [last];
}

/**
 * The chunks of `input` until it ends or `signal` aborts, even while a read is pending. Each read
 * races an abort promise of its own, dropped once the read settles: racing every read against one
 * long-lived promise would hang each read's result (its chunk) on that promise's reactions until
 * the run ends, keeping the whole input in memory.
 */
async function* untilAborted<T>(input: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) return;
  const iterator = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await nextUnlessAborted(iterator, signal);
      if (step === 'aborted' || step.done === true) return;
      yield step.value;
    }
  } finally {
    // A read still pending on a pipe queues return() behind it, so a stream is destroyed instead:
    // otherwise an open stdin would keep the process alive.
    const stream = input as { destroy?: () => void };
    if (signal.aborted && typeof stream.destroy === 'function') stream.destroy();
    else iterator.return?.()?.catch(() => undefined);
  }
}

/** The iterator's next step, or 'aborted' as soon as `signal` aborts. */
async function nextUnlessAborted<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T> | 'aborted'> {
  // Aborted while the caller held the last chunk: no 'abort' event will come, so do not wait for one.
  if (signal.aborted) return 'aborted';
  let onAbort!: () => void;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([iterator.next(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Yields each non-blank line of a byte stream with its 1-based number. */
export async function* readLines(
  input: AsyncIterable<Buffer | string | Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<Line> {
  for await (const lines of readLineBatches(input, options)) yield* lines;
}

/**
 * Parses one line into a checked Singer message, or throws a ProtocolError naming the line. With
 * `spans`, a RECORD's property spans are filled in on the way.
 */
export function parseMessage(text: string, line: number, spans?: RecordSpans): SingerMessage {
  let value: unknown;
  try {
    value = parseJson(text, spans);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProtocolError(`not valid JSON (${reason}): ${preview(text)}`, { line });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(`expected a JSON object, got ${preview(text)}`, { line });
  }
  return checkMessage(value as Record<string, unknown>, line);
}

function checkMessage(value: Record<string, unknown>, line: number): SingerMessage {
  const type = value.type;
  const requireStream = (): string => {
    if (typeof value.stream !== 'string' || value.stream === '') {
      throw new ProtocolError(`${String(type)} message has no "stream" name`, { line });
    }
    return value.stream;
  };
  switch (type) {
    case 'RECORD': {
      const stream = requireStream();
      if (typeof value.record !== 'object' || value.record === null || Array.isArray(value.record)) {
        throw new ProtocolError('RECORD message needs a "record" object', { line, stream });
      }
      return value as unknown as SingerMessage;
    }
    case 'SCHEMA': {
      const stream = requireStream();
      if (typeof value.schema !== 'object' || value.schema === null || Array.isArray(value.schema)) {
        throw new ProtocolError('SCHEMA message needs a "schema" object', { line, stream });
      }
      if (value.key_properties === undefined || value.key_properties === null) value.key_properties = [];
      if (!Array.isArray(value.key_properties) || !value.key_properties.every((k) => typeof k === 'string')) {
        throw new ProtocolError('"key_properties" must be an array of property names', { line, stream });
      }
      return value as unknown as SingerMessage;
    }
    case 'STATE':
      if (!('value' in value)) throw new ProtocolError('STATE message needs a "value"', { line });
      return value as unknown as SingerMessage;
    case 'ACTIVATE_VERSION': {
      const stream = requireStream();
      if (typeof value.version !== 'number' && typeof value.version !== 'object') {
        throw new ProtocolError('ACTIVATE_VERSION message needs a numeric "version"', { line, stream });
      }
      value.version = Number(value.version);
      return value as unknown as SingerMessage;
    }
    case 'BATCH': {
      const stream = requireStream();
      if (!Array.isArray(value.manifest) || typeof value.encoding !== 'object' || value.encoding === null) {
        throw new ProtocolError('BATCH message needs "encoding" and a "manifest" array', { line, stream });
      }
      return value as unknown as SingerMessage;
    }
    default:
      throw new ProtocolError(
        `unknown message type ${JSON.stringify(type)}; expected SCHEMA, RECORD, STATE, ACTIVATE_VERSION or BATCH`,
        { line },
      );
  }
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Reads Singer messages from a byte stream (stdin, a file, a socket). */
export async function* readMessages(
  input: AsyncIterable<Buffer | string | Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<ReadMessage> {
  const spans = new RecordSpans();
  for await (const lines of readLineBatches(input, options)) {
    for (const { text, line, bytes } of lines) yield readMessage(text, line, bytes, spans);
  }
}

/** One line as a ReadMessage; `spans` is filled for a RECORD and shared, as ReadMessage.source says. */
export function readMessage(text: string, line: number, bytes: number, spans: RecordSpans): ReadMessage {
  const message = parseMessage(text, line, spans);
  const source = message.type === 'RECORD' && spans.count > 0 ? spans : undefined;
  return { message, line, bytes, source };
}
