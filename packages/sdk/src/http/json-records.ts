/**
 * Streams the records out of a JSON body while it arrives. A byte scanner walks the body: outside
 * the records it tokenizes and assembles the "envelope" (`next_page`, `meta.has_more`, ...) as an
 * ordinary object with the records left out; each value at the records path is only delimited
 * (nesting depth, strings and escapes) and its bytes parsed in one go, numbers a double would round
 * becoming ExactNumber. Memory holds one record and one chunk, never the whole page.
 *
 * A scanner instead of a streaming tokenizer (stream-json) for speed: a token per value in JavaScript
 * read ~8 MB/s, while delimiting a record and handing its slice to the engine's JSON.parse runs at
 * close to JSON.parse's own speed; the scanner covers every records path, so stream-json is gone.
 */
import { parseJson, toExactNumber } from '../json/lossless-json.js';

/**
 * Where the records are: `tickets.*` (each element of the `tickets` array), `data.items.*`, `*`
 * (a top-level array), or `$` (the whole body is one record). JSONPath spellings such as
 * `$.tickets[*]` are accepted too. `*` also matches every value of an object.
 */
export type RecordsPath = string;

const WILDCARD = '*';

export function parseRecordsPath(path: RecordsPath): readonly string[] {
  const text = path.trim().replace(/^\$\.?/, '');
  if (text === '') return [];
  const segments = text
    .replace(/\[\*\]/g, '.*')
    .replace(/\[['"]?([^\]'"]+)['"]?\]/g, '.$1')
    .split('.')
    .filter((segment, index) => segment !== '' || index > 0);
  if (segments.some((segment) => segment === ''))
    throw new RangeError(`records path '${path}' has an empty segment`);
  return segments;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** What the envelope expects next. */
const EXPECT_VALUE = 0;
const EXPECT_VALUE_OR_CLOSE = 1;
const EXPECT_KEY = 2;
const EXPECT_KEY_OR_CLOSE = 3;
const EXPECT_COLON = 4;
const EXPECT_COMMA_OR_CLOSE = 5;
const EXPECT_NOTHING = 6;

/** The kind of value being delimited. */
const NONE = 0;
const CONTAINER = 1;
const STRING = 2;
const BARE = 3;

/** What the delimited value is for. */
const AS_RECORD = 0;
const AS_VALUE = 1;
const AS_KEY = 2;

/** Bytes that can continue a number or a literal (`true`, `false`, `null`). */
const BARE_BYTE = new Uint8Array(256);
for (const ch of '+-.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
  BARE_BYTE[ch.charCodeAt(0)] = 1;
/** Bytes that can start one. */
const BARE_START = new Uint8Array(256);
for (const ch of '-0123456789tfn') BARE_START[ch.charCodeAt(0)] = 1;
const WHITESPACE = new Uint8Array(256);
for (const ch of ' \t\n\r') WHITESPACE[ch.charCodeAt(0)] = 1;

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** A "__proto__" key, maybe spelled with escapes. */
const MAY_HOLD_PROTO_KEY = /__proto__|\\u/;

interface Frame {
  container: Record<string, unknown> | unknown[];
  isArray: boolean;
  key: string;
  /** The path to this container matches the pattern's prefix of the same length. */
  prefixMatches: boolean;
}

function describe(byte: number | undefined): string {
  if (byte === undefined) return 'end of body';
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16)}`;
}

/** Whether a run of backslashes ends the bytes [from, end): the next byte is then escaped. */
function endsInEscape(buf: Buffer, from: number, end: number): boolean {
  let b = end - 1;
  while (b >= from && buf[b] === BACKSLASH) b -= 1;
  return ((end - 1 - b) & 1) === 1;
}

export class JsonRecordParser {
  /** Records completed and not yet taken. */
  private records: unknown[] = [];
  private pattern: readonly string[];
  private readonly stack: Frame[] = [];
  private root: unknown;
  private ended = false;
  private recordCount = 0;
  private expect = EXPECT_VALUE;
  /** Body bytes before the current chunk, for error positions. */
  private consumed = 0;
  /** False only for the assembler that parses one record holding a "__proto__" key. */
  private hasRecords = true;
  /** Values that cannot hold records are delimited and parsed whole rather than tokenized. */
  private wholeValues = true;
  // The value being delimited; it carries over from one chunk to the next.
  private kind = NONE;
  private purpose = AS_RECORD;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Digits (and dots) in a row so far, outside strings. */
  private digits = 0;
  /** The value holds a number that JSON.parse might round. */
  private mayBeInexact = false;
  private pieces: Buffer[] = [];
  private valueStart = 0;

  constructor(recordsPath: RecordsPath) {
    this.pattern = parseRecordsPath(recordsPath);
  }

  /** Feeds bytes; complete records become available through `take()`. */
  write(input: Buffer | string): void {
    const chunk = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    if (chunk.length === 0) return;
    if (this.ended) throw new Error('write after end');
    this.scan(chunk);
    this.consumed += chunk.length;
  }

  /** Marks the end of the body; throws when the JSON is incomplete. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.kind === BARE) {
      const text = Buffer.concat(this.pieces).toString('utf8');
      this.pieces = [];
      this.kind = NONE;
      this.finish(text);
    }
    if (this.kind !== NONE || this.expect !== EXPECT_NOTHING) {
      throw new SyntaxError(
        this.consumed === 0 && this.kind === NONE
          ? 'JSON body is empty'
          : `JSON body ended early, after ${this.consumed} bytes`,
      );
    }
  }

  /** The records completed so far, emptying the queue. */
  take(): unknown[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  /** Records handed out or waiting, in total. */
  get count(): number {
    return this.recordCount;
  }

  /**
   * The body without its records: complete after `end()`, partial before (fields that came ahead
   * of the records are already there). The records array itself stays, empty.
   */
  get envelope(): unknown {
    return this.root;
  }

  /**
   * An object or array holding a number JSON.parse may round: parseJson (which tests it again, then
   * takes lossless-json when needed). lossless-json assigns keys plainly, so a text on that path that
   * may hold a "__proto__" key is assembled by a parser of this kind instead, keeping every key as data.
   */
  private static parseWhole(text: string): unknown {
    if (!MAY_HOLD_PROTO_KEY.test(text)) return parseJson(text);
    const parser = new JsonRecordParser('$');
    parser.hasRecords = false;
    parser.wholeValues = false;
    parser.write(text);
    parser.end();
    return parser.root;
  }

  private scan(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    if (this.kind !== NONE) {
      i = this.delimit(chunk, 0);
      if (i < 0) {
        this.pieces.push(chunk);
        return;
      }
      this.pieces.push(chunk.subarray(0, i));
      const text = Buffer.concat(this.pieces).toString('utf8');
      this.pieces = [];
      this.finish(text);
    }
    while (i < n) {
      const c = chunk[i]!;
      if (WHITESPACE[c] === 1) {
        i += 1;
        continue;
      }
      const expect = this.expect;
      if (expect === EXPECT_COMMA_OR_CLOSE) {
        const top = this.stack[this.stack.length - 1]!;
        if (c === COMMA) this.expect = top.isArray ? EXPECT_VALUE : EXPECT_KEY;
        else if (c === (top.isArray ? CLOSE_ARRAY : CLOSE_OBJECT)) this.close();
        else this.fail(c, i);
        i += 1;
      } else if (expect === EXPECT_VALUE || expect === EXPECT_VALUE_OR_CLOSE) {
        if (c === CLOSE_ARRAY && expect === EXPECT_VALUE_OR_CLOSE) {
          this.close();
          i += 1;
          continue;
        }
        i = this.value(chunk, i);
        if (i < 0) return;
      } else if (expect === EXPECT_KEY || expect === EXPECT_KEY_OR_CLOSE) {
        if (c === CLOSE_OBJECT && expect === EXPECT_KEY_OR_CLOSE) {
          this.close();
          i += 1;
          continue;
        }
        if (c !== QUOTE) this.fail(c, i);
        i = this.start(chunk, i, STRING, AS_KEY);
        if (i < 0) return;
      } else if (expect === EXPECT_COLON) {
        if (c !== COLON) this.fail(c, i);
        this.expect = EXPECT_VALUE;
        i += 1;
      } else {
        this.fail(c, i, 'after the JSON value');
      }
    }
  }

  /** A value starts at `i`: a record, a container of the envelope, or a scalar of it. */
  private value(chunk: Buffer, i: number): number {
    const c = chunk[i]!;
    const parent = this.stack[this.stack.length - 1];
    const isOpen = c === OPEN_OBJECT || c === OPEN_ARRAY;
    const kind = isOpen ? CONTAINER : c === QUOTE ? STRING : BARE;
    if (kind === BARE && BARE_START[c] !== 1) this.fail(c, i);
    if (this.hasRecords && this.matchesHere(parent)) return this.start(chunk, i, kind, AS_RECORD);
    if (!isOpen) return this.start(chunk, i, kind, AS_VALUE);
    const depth = this.stack.length;
    const prefixMatches =
      parent === undefined
        ? true
        : parent.prefixMatches && depth < this.pattern.length && this.segmentMatches(depth - 1, parent);
    if (!prefixMatches && this.wholeValues) return this.start(chunk, i, CONTAINER, AS_VALUE);
    const isArray = c === OPEN_ARRAY;
    const container = isArray ? [] : {};
    // Containers join the envelope when they open, so a partial envelope shows them while they fill.
    this.attach(parent, container);
    this.stack.push({ container, isArray, key: '', prefixMatches });
    this.expect = isArray ? EXPECT_VALUE_OR_CLOSE : EXPECT_KEY_OR_CLOSE;
    return i + 1;
  }

  /** Starts delimiting a value at `i`; returns where it ended, or -1 when it runs past the chunk. */
  private start(chunk: Buffer, i: number, kind: number, purpose: number): number {
    this.kind = kind;
    this.purpose = purpose;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.digits = 0;
    this.mayBeInexact = false;
    this.valueStart = this.consumed + i;
    const end = this.delimit(chunk, i);
    if (end < 0) {
      this.pieces.push(chunk.subarray(i));
      return -1;
    }
    this.finish(chunk.toString('utf8', i, end));
    return end;
  }

  private delimit(chunk: Buffer, from: number): number {
    if (this.kind === CONTAINER) return this.delimitContainer(chunk, from);
    if (this.kind === STRING) return this.delimitString(chunk, from);
    let i = from;
    while (i < chunk.length && BARE_BYTE[chunk[i]!] === 1) i += 1;
    return i < chunk.length ? i : -1;
  }

  /**
   * Finds where an object or array ends. Strings are skipped with indexOf; between them every byte is
   * looked at, which also notes a number that may need the lossless parse: a run of 16 digits or
   * dots, or an exponent (the same numbers parseJson's test catches, without a second pass).
   */
  private delimitContainer(buf: Buffer, from: number): number {
    const n = buf.length;
    let i = from;
    let depth = this.depth;
    let inString = this.inString;
    let digits = this.digits;
    if (this.escaped) {
      // The chunk before ended in a backslash: this first byte is the escaped one.
      this.escaped = false;
      i += 1;
    }
    while (i < n) {
      if (inString) {
        const quote = buf.indexOf(QUOTE, i);
        if (quote === -1) {
          this.escaped = endsInEscape(buf, i, n);
          break;
        }
        if (!endsInEscape(buf, i, quote)) inString = false;
        i = quote + 1;
        continue;
      }
      const c = buf[i]!;
      i += 1;
      if ((c >= DIGIT_0 && c <= DIGIT_9) || c === DOT) {
        digits += 1;
        if (digits >= 16) this.mayBeInexact = true;
        continue;
      }
      if ((c === LOWER_E || c === UPPER_E) && digits > 0) this.mayBeInexact = true;
      digits = 0;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) return i;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.digits = digits;
    return -1;
  }

  private delimitString(buf: Buffer, from: number): number {
    const n = buf.length;
    let i = from;
    if (!this.inString) {
      this.inString = true;
      i += 1;
    }
    if (this.escaped) {
      this.escaped = false;
      i += 1;
    }
    for (;;) {
      const quote = i < n ? buf.indexOf(QUOTE, i) : -1;
      if (quote === -1) {
        this.escaped = endsInEscape(buf, i, n);
        return -1;
      }
      if (!endsInEscape(buf, i, quote)) return quote + 1;
      i = quote + 1;
    }
  }

  /** A delimited value is complete: parse it and put it where it belongs. */
  private finish(text: string): void {
    const purpose = this.purpose;
    const kind = this.kind;
    this.kind = NONE;
    let value: unknown;
    try {
      if (kind === BARE) value = parseBare(text);
      else if (kind === STRING) value = JSON.parse(text);
      else if (!this.mayBeInexact) value = JSON.parse(text);
      else value = JsonRecordParser.parseWhole(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SyntaxError(`invalid JSON in the value at byte ${this.valueStart}: ${reason}`, {
        cause: error,
      });
    }
    if (purpose === AS_KEY) {
      this.stack[this.stack.length - 1]!.key = value as string;
      this.expect = EXPECT_COLON;
      return;
    }
    if (purpose === AS_RECORD) {
      this.records.push(value);
      this.recordCount += 1;
    } else this.attach(this.stack[this.stack.length - 1], value);
    this.expect = this.stack.length === 0 ? EXPECT_NOTHING : EXPECT_COMMA_OR_CLOSE;
  }

  private close(): void {
    this.stack.pop();
    this.expect = this.stack.length === 0 ? EXPECT_NOTHING : EXPECT_COMMA_OR_CLOSE;
  }

  /** Whether a value starting now, as a child of `parent`, sits exactly at the records path. */
  private matchesHere(parent: Frame | undefined): boolean {
    if (parent === undefined) return this.pattern.length === 0;
    return (
      this.stack.length === this.pattern.length &&
      parent.prefixMatches &&
      this.segmentMatches(this.pattern.length - 1, parent)
    );
  }

  private segmentMatches(index: number, parent: Frame): boolean {
    const segment = this.pattern[index];
    if (segment === WILDCARD) return true;
    return !parent.isArray && parent.key === segment;
  }

  private attach(parent: Frame | undefined, value: unknown): void {
    if (parent === undefined) this.root = value;
    else if (parent.isArray) (parent.container as unknown[]).push(value);
    else if (parent.key === '__proto__')
      // A plain assignment would replace the object's prototype instead of adding the field.
      Object.defineProperty(parent.container, parent.key, { value, enumerable: true, writable: true });
    else (parent.container as Record<string, unknown>)[parent.key] = value;
  }

  private fail(byte: number | undefined, i: number, where = ''): never {
    throw new SyntaxError(
      `invalid JSON: unexpected ${describe(byte)} at byte ${this.consumed + i}${where ? ` ${where}` : ''}`,
    );
  }
}

function parseBare(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (!JSON_NUMBER.test(text)) throw new SyntaxError(`'${text}' is not a JSON value`);
  return toExactNumber(text);
}
