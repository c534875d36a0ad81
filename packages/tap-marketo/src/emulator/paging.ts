import { MarketoFailure } from './envelope.js';

// Paging tokens are opaque base32 text with `=` padding on Marketo; these carry a kind and a position.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.replace(/=+$/, '')) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A token for `kind` (e.g. `activities`, `campaigns`) at position `pos`. */
export function encodeToken(kind: string, pos: number): string {
  return base32(Buffer.from(`${kind}:${pos}:mkto-emulator`, 'utf8'));
}

/** The kind and position in a token whose kind is one of `kinds`; anything else answers 1003. */
export function decodeToken(token: string, ...kinds: string[]): { kind: string; pos: number } {
  const text = unbase32(token)?.toString('utf8') ?? '';
  const m = /^([a-z]+):(\d+):mkto-emulator$/.exec(text);
  if (!m || !kinds.includes(m[1] as string)) {
    throw new MarketoFailure('1003', `Invalid nextPageToken '${token.slice(0, 40)}'`);
  }
  return { kind: m[1] as string, pos: Number(m[2]) };
}
