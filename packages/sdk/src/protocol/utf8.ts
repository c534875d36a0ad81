/**
 * The Singer protocol is UTF-8. Node decodes invalid bytes as U+FFFD without a word, so the reader
 * looks closer only at a line whose text holds U+FFFD (rare, and cheap to spot): if its bytes were
 * not valid UTF-8, the line fails, or with `invalid_utf8: replace` is kept and counted.
 */
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import type { Logger } from '../logging.js';

export type InvalidUtf8Mode = 'fail' | 'replace';

export interface InvalidUtf8Options {
  /** `fail` (the default) stops at the first invalid line; `replace` keeps U+FFFD and calls `onReplaced`. */
  mode: InvalidUtf8Mode;
  onReplaced?: (line: number) => void;
}

/** Input bytes that are not UTF-8, in `fail` mode; `byte` is 1-based within the line. */
export class InvalidUtf8Error extends ProtocolError {
  override readonly code: string = 'SINGER_INVALID_UTF8';
}

const REPLACEMENT = '\uFFFD';
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT, 'utf8');

/**
 * Checks one decoded line against its bytes (`bytes` without the line end). Throws a ProtocolError
 * naming the line and byte in `fail` mode.
 */
export function checkUtf8(text: string, bytes: Buffer, line: number, options: InvalidUtf8Options): void {
  if (!text.includes(REPLACEMENT) || isUtf8(bytes)) return;
  if (options.mode === 'replace') {
    options.onReplaced?.(line);
    return;
  }
  const at = firstInvalidByte(text, bytes);
  throw new InvalidUtf8Error(
    `line is not valid UTF-8 (byte ${at + 1} of the line, 0x${bytes[at]?.toString(16).padStart(2, '0')}); ` +
      'the Singer protocol is UTF-8: fix the encoding of the tap output, or set invalid_utf8 to "replace" ' +
      'to store such bytes as U+FFFD',
    { line, byte: at + 1 },
  );
}

/** Offset of the first byte Node replaced: the first U+FFFD in the text not spelled EF BF BD in the bytes. */
function firstInvalidByte(text: string, bytes: Buffer): number {
  for (let index = text.indexOf(REPLACEMENT); index !== -1; index = text.indexOf(REPLACEMENT, index + 1)) {
    const offset = Buffer.byteLength(text.slice(0, index), 'utf8');
    if (!bytes.subarray(offset, offset + 3).equals(REPLACEMENT_BYTES)) return offset;
  }
  return 0;
}

/** Counts lines whose invalid bytes were replaced: one warning at the first, a summary and a METRIC at the end. */
export class ReplacedUtf8Report {
  private lines = 0;
  private firstLine: number | undefined;

  constructor(private readonly logger: Logger) {}

  readonly onReplaced = (line: number): void => {
    this.lines += 1;
    if (this.firstLine !== undefined) return;
    this.firstLine = line;
    this.logger.warn(
      `line ${line} is not valid UTF-8; its invalid bytes are stored as U+FFFD (invalid_utf8: replace)`,
    );
  };

  finish(): void {
    if (this.lines === 0) return;
    this.logger.warn(
      `${this.lines} input line(s) had invalid UTF-8 replaced by U+FFFD, the first at line ${this.firstLine}`,
    );
    this.logger.metric({ type: 'counter', metric: 'invalid_utf8_lines', value: this.lines, tags: {} });
  }
}
