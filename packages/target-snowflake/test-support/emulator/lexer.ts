/**
 * Tokens of Snowflake SQL, as far as the emulator needs them: it recognises statement shapes and
 * rewrites names, paths and casts, so it must know what is a string, a quoted name, a comment or
 * a `;` that ends a statement, and nothing more.
 */
export type TokenKind = 'space' | 'comment' | 'string' | 'qident' | 'word' | 'number' | 'param' | 'op';

export interface Token {
  kind: TokenKind;
  /** The source text, quotes included. */
  text: string;
  /** Offset in the statement, for syntax-error positions. */
  at: number;
}

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const OPERATORS = ['::', '=>', '<=', '>=', '<>', '!=', '||', '->'];

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const start = i;
    const c = sql[i]!;
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i += 1;
      tokens.push({ kind: 'space', text: sql.slice(start, i), at: start });
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i += 1;
      tokens.push({ kind: 'comment', text: sql.slice(start, i), at: start });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new SqlSyntaxError('unterminated comment', start);
      i = end + 2;
      tokens.push({ kind: 'comment', text: sql.slice(start, i), at: start });
    } else if (c === "'" || c === '"') {
      i += 1;
      for (;;) {
        if (i >= sql.length)
          throw new SqlSyntaxError(`unterminated ${c === '"' ? 'identifier' : 'string'}`, start);
        if (c === "'" && sql[i] === '\\') i += 2;
        else if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i += 1;
      }
      i += 1;
      tokens.push({ kind: c === '"' ? 'qident' : 'string', text: sql.slice(start, i), at: start });
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i]!)) i += 1;
      tokens.push({ kind: 'word', text: sql.slice(start, i), at: start });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[0-9.]/.test(sql[i]!)) i += 1;
      if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i]!)) i += 1;
      }
      tokens.push({ kind: 'number', text: sql.slice(start, i), at: start });
    } else if (c === '?') {
      i += 1;
      tokens.push({ kind: 'param', text: '?', at: start });
    } else {
      const op = OPERATORS.find((candidate) => sql.startsWith(candidate, i)) ?? c;
      i += op.length;
      tokens.push({ kind: 'op', text: op, at: start });
    }
  }
  return tokens;
}

/** Statement texts split at `;` outside strings, quoted names and comments; empty ones dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: Token[] = [];
  const flush = () => {
    if (current.some((token) => token.kind !== 'space' && token.kind !== 'comment'))
      statements.push(
        current
          .map((token) => token.text)
          .join('')
          .trim(),
      );
    current = [];
  };
  for (const token of tokenize(sql)) {
    if (token.kind === 'op' && token.text === ';') flush();
    else current.push(token);
  }
  flush();
  return statements;
}

/** Tokens without spaces and comments. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((token) => token.kind !== 'space' && token.kind !== 'comment');
}

/** A quoted identifier's name, or an unquoted one upper-cased (Snowflake's rule). */
export function identifierName(token: Token): string {
  if (token.kind === 'qident') return token.text.slice(1, -1).replaceAll('""', '"');
  return token.text.toUpperCase();
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.text.toUpperCase());
}
