/**
 * Splits an expression into tokens, each with its offset so errors can name the column.
 * Keywords that are operators (`and`, `or`, `not`, `in`, `is`) come out as operator tokens.
 */
import { ExactNumber } from '../json/lossless-json.js';

/** Reports a syntax error at a 0-based offset; never returns. */
export type Fail = (message: string, pos: number) => never;

export type TokenKind = 'number' | 'string' | 'name' | 'op' | 'end';
export interface Token {
  kind: TokenKind;
  text: string;
  value?: unknown;
  pos: number;
}

export const KEYWORD_LITERALS: Record<string, unknown> = {
  True: true,
  False: false,
  None: null,
  true: true,
  false: false,
  null: null,
};
const WORD_OPERATORS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for']);
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||', '**', '//']);
const ONE_CHAR_OPS = new Set([
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  ':',
  '!',
  '=',
]);
/** Longer than any expression a person writes; bounds the parser's work and recursion. */
export const MAX_EXPRESSION_LENGTH = 10_000;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
};
const NUMBER = /\d+(\.\d+)?([eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

export function tokenize(source: string, fail: Fail): Token[] {
  const src = source;
  const tokens: Token[] = [];
  if (src.length > MAX_EXPRESSION_LENGTH)
    fail(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH);
  let pos = 0;
  while (pos < src.length) {
    const ch = src[pos]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      pos++;
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      NUMBER.lastIndex = pos;
      const text = NUMBER.exec(src)![0];
      const isInteger = /^\d+$/.test(text);
      const value = isInteger && !Number.isSafeInteger(Number(text)) ? new ExactNumber(text) : Number(text);
      tokens.push({ kind: 'number', text, value, pos });
      pos += text.length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const [value, end] = readString(src, pos, ch, fail);
      tokens.push({ kind: 'string', text: src.slice(pos, end), value, pos });
      pos = end;
      continue;
    }
    NAME.lastIndex = pos;
    const name = NAME.exec(src);
    if (name !== null) {
      const text = name[0];
      const after = src[pos + text.length];
      if ((after === "'" || after === '"') && /^[fFrRbBuU]{1,2}$/.test(text))
        fail(
          `'${text}'-prefixed strings (f-strings, raw or byte strings) are not supported; join with + and str()`,
          pos,
        );
      tokens.push({ kind: WORD_OPERATORS.has(text) ? 'op' : 'name', text, pos });
      pos += text.length;
      continue;
    }
    const two = src.slice(pos, pos + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: 'op', text: two, pos });
      pos += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(ch)) {
      tokens.push({ kind: 'op', text: ch, pos });
      pos++;
      continue;
    }
    fail(`unexpected character '${ch}'`, pos);
  }
  tokens.push({ kind: 'end', text: '', pos: src.length });
  return tokens;
}

function readString(source: string, start: number, quote: string, fail: Fail): [string, number] {
  const src = source;
  let out = '';
  let pos = start + 1;
  while (pos < src.length) {
    const ch = src[pos]!;
    if (ch === quote) return [out, pos + 1];
    if (ch === '\\') {
      const next = src[pos + 1];
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(pos + 2, pos + 6))) {
        out += String.fromCharCode(Number.parseInt(src.slice(pos + 2, pos + 6), 16));
        pos += 6;
        continue;
      }
      const escaped = next === undefined ? undefined : ESCAPES[next];
      if (escaped === undefined) fail(`unknown escape '\\${next ?? ''}' in string`, pos);
      out += escaped;
      pos += 2;
      continue;
    }
    out += ch;
    pos++;
  }
  return fail('string is not closed', start);
}
