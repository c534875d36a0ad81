/**
 * Streams the records out of a JSON body while it arrives. stream-json tokenizes; this file
 * assembles values itself so numbers a double would round become ExactNumber, hands out each value
 * found at the records path as soon as it is complete, and keeps everything else (the "envelope":
 * `next_page`, `meta.has_more`, ...) as an ordinary object with the records left out.
 */
import { isSafeNumber } from 'lossless-json';
import Parser from 'stream-json/Parser.js';
import { ExactNumber } from '../protocol/lossless-json.js';

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

interface Token {
  name: string;
  value?: string | boolean | null;
}

interface Frame {
  container: Record<string, unknown> | unknown[];
  isArray: boolean;
  key: string;
  /** The value this frame holds is a record (its completion is handed out, not attached). */
  isRecord: boolean;
  /** Somewhere inside a record: no path matching needed. */
  inRecord: boolean;
  /** The path to this frame matches the pattern's prefix of the same length. */
  prefixMatches: boolean;
}

/** Number text to a number, or ExactNumber when a double would change it. */
export function toExactNumber(text: string): number | ExactNumber {
  if (text.length < 16 && !/[eE]/.test(text)) return Number(text);
  return isSafeNumber(text) ? Number(text) : new ExactNumber(text);
}

/**
 * stream-json's Parser pushes each token through the stream machinery; overriding `push` hands it
 * straight to the assembler instead, which is several times faster and needs no extra buffering.
 * Only the documented Transform hooks (`_transform`, `_flush`) are called.
 */
class TokenParser extends Parser {
  constructor(private readonly onToken: (token: Token) => void) {
    super({ packValues: true, streamValues: false });
  }
  override push(token: unknown): boolean {
    if (token !== null) this.onToken(token as Token);
    return true;
  }
}

export class JsonRecordParser {
  /** Records completed and not yet taken. */
  private records: unknown[] = [];
  private readonly pattern: readonly string[];
  private readonly stack: Frame[] = [];
  private readonly parser: TokenParser;
  private root: unknown;
  private ended = false;
  private recordCount = 0;

  constructor(recordsPath: RecordsPath) {
    this.pattern = parseRecordsPath(recordsPath);
    this.parser = new TokenParser((token) => this.onToken(token));
  }

  /** Feeds bytes; complete records become available through `take()`. */
  write(chunk: Buffer | string): void {
    this.parser._transform(chunk, 'utf8', rethrow);
  }

  /** Marks the end of the body; throws when the JSON is incomplete. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.parser._flush(rethrow);
    if (this.stack.length > 0) throw new SyntaxError('JSON body ended early');
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

  private onToken(token: Token): void {
    switch (token.name) {
      case 'startObject':
        this.open({}, false);
        return;
      case 'startArray':
        this.open([], true);
        return;
      case 'endObject':
      case 'endArray': {
        const frame = this.stack.pop()!;
        if (frame.isRecord) {
          this.records.push(frame.container);
          this.recordCount += 1;
        }
        return;
      }
      case 'keyValue':
        this.stack[this.stack.length - 1]!.key = token.value as string;
        return;
      case 'stringValue':
        this.scalar(token.value as string);
        return;
      case 'numberValue':
        this.scalar(toExactNumber(token.value as string));
        return;
      case 'nullValue':
        this.scalar(null);
        return;
      case 'trueValue':
        this.scalar(true);
        return;
      case 'falseValue':
        this.scalar(false);
        return;
      default:
        return;
    }
  }

  private scalar(value: unknown): void {
    const parent = this.stack[this.stack.length - 1];
    const isRecord = parent?.inRecord ? false : this.matchesHere(parent);
    this.complete(value, isRecord);
  }

  private open(container: Record<string, unknown> | unknown[], isArray: boolean): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent?.inRecord) {
      this.attach(parent, container);
      this.stack.push({ container, isArray, key: '', isRecord: false, inRecord: true, prefixMatches: false });
      return;
    }
    const isRecord = this.matchesHere(parent);
    const depth = this.stack.length;
    const prefixMatches =
      parent === undefined
        ? true
        : parent.prefixMatches && depth <= this.pattern.length && this.segmentMatches(depth - 1, parent);
    // Containers join the envelope when they open, so a partial envelope shows them while they fill.
    if (!isRecord) this.attach(parent, container);
    this.stack.push({ container, isArray, key: '', isRecord, inRecord: isRecord, prefixMatches });
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

  private complete(value: unknown, isRecord: boolean): void {
    if (isRecord) {
      this.records.push(value);
      this.recordCount += 1;
      return;
    }
    this.attach(this.stack[this.stack.length - 1], value);
  }

  private attach(parent: Frame | undefined, value: unknown): void {
    if (parent === undefined) this.root = value;
    else if (parent.isArray) (parent.container as unknown[]).push(value);
    else if (parent.key === '__proto__')
      // A plain assignment would replace the object's prototype instead of adding the field.
      Object.defineProperty(parent.container, parent.key, { value, enumerable: true, writable: true });
    else (parent.container as Record<string, unknown>)[parent.key] = value;
  }
}

function rethrow(error?: Error | null): void {
  if (error) throw error;
}
