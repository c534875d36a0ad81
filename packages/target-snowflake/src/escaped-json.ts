/**
 * Text escaped for a JSON string, written as UTF-8 bytes straight into a buffer: exactly the bytes
 * `JSON.stringify(text).slice(1, -1)` encodes to (depth 1), or that of the result again (depth 2: a
 * string value of a row, which is JSON text that itself travels inside the request's JSON string).
 * Both depths are one pass over the text, with no intermediate JS string.
 *
 * As JSON.stringify does: `"` and `\` are escaped, control characters below U+0020 become `\b`,
 * `\f`, `\n`, `\r`, `\t` or `\u00xx`, a lone surrogate becomes `\udxxx` (lower-case hex), and
 * everything else (U+2028/U+2029 included) is written as its UTF-8 bytes.
 */

/** Bytes one UTF-16 unit can take at depth 2 (`\\u001f`); a surrogate pair takes 4 for two units. */
export const MAX_ESCAPED_BYTES_PER_UNIT = 7;

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
/** `\b \t \n` and so on: the short escape's letter per control character, 0 where `\u00xx` is used. */
const SHORT_ESCAPES = new Uint8Array(0x20);
SHORT_ESCAPES[0x08] = 0x62; // b
SHORT_ESCAPES[0x09] = 0x74; // t
SHORT_ESCAPES[0x0a] = 0x6e; // n
SHORT_ESCAPES[0x0c] = 0x66; // f
SHORT_ESCAPES[0x0d] = 0x72; // r
const HEX = Buffer.from('0123456789abcdef');

/**
 * Writes text[from, to) escaped `depth` (1 or 2) times at buffer[at]; returns the offset after it.
 * The buffer must have MAX_ESCAPED_BYTES_PER_UNIT bytes of room per unit; `to` must not split a
 * surrogate pair (a high surrogate just before `to` is read as lone).
 */
export function writeEscaped(
  buffer: Buffer,
  at: number,
  text: string,
  from: number,
  to: number,
  depth: 1 | 2,
): number {
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if (code >= 0x20 && code !== QUOTE && code !== BACKSLASH) {
        buffer[at++] = code;
        continue;
      }
      // Depth 2 doubles the backslash that starts every escape, and escapes an escaped quote's quote.
      buffer[at++] = BACKSLASH;
      if (depth === 2) buffer[at++] = BACKSLASH;
      if (code === QUOTE || code === BACKSLASH) {
        if (depth === 2) buffer[at++] = BACKSLASH;
        buffer[at++] = code;
      } else {
        const letter = SHORT_ESCAPES[code] as number;
        if (letter !== 0) buffer[at++] = letter;
        else at = writeUnicodeEscape(buffer, at, code);
      }
    } else if (code < 0x800) {
      buffer[at++] = 0xc0 | (code >> 6);
      buffer[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0xd800 || code > 0xdfff) {
      buffer[at++] = 0xe0 | (code >> 12);
      buffer[at++] = 0x80 | ((code >> 6) & 0x3f);
      buffer[at++] = 0x80 | (code & 0x3f);
    } else {
      const next = code <= 0xdbff && index + 1 < to ? text.charCodeAt(index + 1) : Number.NaN;
      if (next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        buffer[at++] = 0xf0 | (point >> 18);
        buffer[at++] = 0x80 | ((point >> 12) & 0x3f);
        buffer[at++] = 0x80 | ((point >> 6) & 0x3f);
        buffer[at++] = 0x80 | (point & 0x3f);
        index += 1;
      } else {
        // A lone surrogate has no UTF-8 form: JSON.stringify escapes it, and so does this.
        buffer[at++] = BACKSLASH;
        if (depth === 2) buffer[at++] = BACKSLASH;
        at = writeUnicodeEscape(buffer, at, code);
      }
    }
  }
  return at;
}

/** `u` and four lower-case hex digits, the part of `\uxxxx` after its backslash(es). */
function writeUnicodeEscape(buffer: Buffer, at: number, code: number): number {
  buffer[at] = 0x75; // u
  buffer[at + 1] = HEX[(code >> 12) & 0xf] as number;
  buffer[at + 2] = HEX[(code >> 8) & 0xf] as number;
  buffer[at + 3] = HEX[(code >> 4) & 0xf] as number;
  buffer[at + 4] = HEX[code & 0xf] as number;
  return at + 5;
}
