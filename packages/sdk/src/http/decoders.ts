/**
 * Push decoders turn body bytes into records as they arrive: JSON lines and CSV here, a JSON page
 * in json-records.ts. The client feeds chunks and takes whatever is complete, so a download is
 * never held whole.
 */
import { StringDecoder } from 'node:string_decoder';
import { parseJson } from '../json/lossless-json.js';

export interface BodyDecoder<T = unknown> {
  write(chunk: Buffer): void;
  /** The body is complete; throws when it ended in the middle of a record. */
  end(): void;
  /** Records completed since the last call. */
  take(): T[];
  /** What else the body held besides records (the JSON envelope), when the format has such a thing. */
  readonly envelope?: unknown;
}

const NEWLINE = 0x0a;

export interface LineOptions {
  /** Longest line accepted, in bytes; 64 MiB unless set. */
  maxLineBytes?: number;
}

/** Non-blank lines, without their LF or CRLF, and without a leading byte-order mark. */
export class LineDecoder implements BodyDecoder<string> {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lines: string[] = [];
  private first = true;
  private readonly maxLineBytes: number;
  /** Lines seen, blank ones included: the 1-based number of the last line read. */
  lineNumber = 0;

  constructor(options: LineOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  }

  write(chunk: Buffer): void {
    let offset = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, offset);
      if (newline === -1) break;
      let line = chunk.subarray(offset, newline);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
      }
      this.finish(line);
      offset = newline + 1;
    }
    if (offset < chunk.length) {
      this.pending.push(chunk.subarray(offset));
      this.pendingBytes += chunk.length - offset;
      if (this.pendingBytes > this.maxLineBytes)
        throw new RangeError(`line ${this.lineNumber + 1} is longer than ${this.maxLineBytes} bytes`);
    }
  }

  end(): void {
    if (this.pending.length > 0) this.finish(Buffer.concat(this.pending));
    this.pending = [];
  }

  take(): string[] {
    const out = this.lines;
    this.lines = [];
    return out;
  }

  private finish(buffer: Buffer): void {
    this.lineNumber += 1;
    let start = 0;
    let end = buffer.length;
    if (this.first) {
      this.first = false;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
    }
    if (end > start && buffer[end - 1] === 0x0d) end -= 1;
    const text = buffer.toString('utf8', start, end);
    if (text.trim() !== '') this.lines.push(text);
  }
}

/** One JSON value per line (JSONL / NDJSON), numbers kept exact. */
export class JsonLinesDecoder implements BodyDecoder<unknown> {
  private readonly lines: LineDecoder;
  constructor(options: LineOptions = {}) {
    this.lines = new LineDecoder(options);
  }
  write(chunk: Buffer): void {
    this.lines.write(chunk);
  }
  end(): void {
    this.lines.end();
  }
  take(): unknown[] {
    return this.lines.take().map((text) => {
      try {
        return parseJson(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new SyntaxError(`JSON line near line ${this.lines.lineNumber} is not valid JSON (${reason})`);
      }
    });
  }
}

export interface CsvOptions {
  /** `,` unless set. */
  delimiter?: string;
  /**
   * `true` (default): the first row names the columns and records are objects. An array names the
   * columns itself (every row is data). `false`: records are arrays of strings.
   */
  header?: boolean | readonly string[];
  /** Longest field accepted, in characters; 64 Mi unless set. */
  maxFieldLength?: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * RFC 4180 CSV: quoted fields may hold delimiters, doubled quotes and line breaks, so rows are
 * split by a small state machine rather than by lines. Empty lines are skipped.
 */
export class CsvDecoder implements BodyDecoder<Record<string, string> | string[]> {
  private readonly text = new StringDecoder('utf8');
  private readonly delimiter: number;
  private readonly maxFieldLength: number;
  private columns: readonly string[] | undefined;
  private readonly asObjects: boolean;
  private rows: (Record<string, string> | string[])[] = [];
  private row: string[] = [];
  private field = '';
  private inQuotes = false;
  private quoteInQuotedField = false;
  private fieldStarted = false;
  private first = true;
  private rowNumber = 0;

  constructor(options: CsvOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1) throw new RangeError('CSV delimiter must be one character');
    this.delimiter = delimiter.charCodeAt(0);
    this.maxFieldLength = options.maxFieldLength ?? 64 * 1024 * 1024;
    const header = options.header ?? true;
    this.asObjects = header !== false;
    if (Array.isArray(header)) this.columns = header;
  }

  write(chunk: Buffer): void {
    let text = this.text.write(chunk);
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.scan(text);
  }

  end(): void {
    this.scan(this.text.end());
    if (this.inQuotes && !this.quoteInQuotedField)
      throw new SyntaxError(`CSV ended inside a quoted field (row ${this.rowNumber + 1})`);
    if (this.fieldStarted || this.row.length > 0) this.endRow();
  }

  take(): (Record<string, string> | string[])[] {
    const out = this.rows;
    this.rows = [];
    return out;
  }

  private scan(text: string): void {
    let start = 0;
    const length = text.length;
    for (let i = 0; i < length; i += 1) {
      const c = text.charCodeAt(i);
      if (this.inQuotes) {
        if (this.quoteInQuotedField) {
          this.quoteInQuotedField = false;
          if (c === QUOTE) {
            // A doubled quote: the first was dropped, this one starts the next piece of the field.
            start = i;
            continue;
          }
          this.inQuotes = false;
        } else {
          if (c === QUOTE) {
            this.field += text.slice(start, i);
            this.quoteInQuotedField = true;
            start = i + 1;
          }
          continue;
        }
      }
      if (c === this.delimiter) {
        this.field += text.slice(start, i);
        this.endField();
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.field += text.slice(start, i);
        if (this.fieldStarted || this.row.length > 0) this.endRow();
        start = i + 1;
      } else if (c === QUOTE && !this.fieldStarted && this.field === '' && start === i) {
        this.inQuotes = true;
        this.fieldStarted = true;
        start = i + 1;
      } else {
        this.fieldStarted = true;
      }
    }
    if (start < length) {
      this.field += text.slice(start);
      this.fieldStarted = true;
      if (this.field.length > this.maxFieldLength)
        throw new RangeError(
          `CSV field in row ${this.rowNumber + 1} is longer than ${this.maxFieldLength} characters`,
        );
    }
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.inQuotes = false;
  }

  private endRow(): void {
    this.row.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.inQuotes = false;
    this.rowNumber += 1;
    const row = this.row;
    this.row = [];
    if (!this.asObjects) {
      this.rows.push(row);
      return;
    }
    if (this.columns === undefined) {
      this.columns = row;
      return;
    }
    const record: Record<string, string> = {};
    const columns = this.columns;
    for (let i = 0; i < columns.length; i += 1) record[columns[i]!] = row[i] ?? '';
    this.rows.push(record);
  }
}
