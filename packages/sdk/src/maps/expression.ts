/**
 * The stream-map expression language: a small, Python-flavoured subset that Meltano users already
 * write (`md5(config['seed'] + email)`, `status in ['open', 'new']`, `email is not None`), parsed by
 * hand into an AST. Nothing here evaluates code: `evaluate.ts` compiles the AST to closures over a
 * fixed set of operators and functions.
 */
import { MapperError } from '../errors.js';
import { KEYWORD_LITERALS, type Token, tokenize } from './tokenizer.js';

/** Where an expression comes from, for error messages. */
export interface ExpressionSite {
  stream: string;
  /** The property being mapped, or `__filter__`. */
  property: string;
}

export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in';

/** Offsets are 0-based; error messages report 1-based columns. */
export type ExpressionNode =
  | { kind: 'literal'; value: unknown; pos: number }
  | { kind: 'list'; items: ExpressionNode[]; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'member'; object: ExpressionNode; key: string; pos: number }
  | { kind: 'index'; object: ExpressionNode; index: ExpressionNode; pos: number }
  | { kind: 'call'; callee: string; args: ExpressionNode[]; pos: number }
  | { kind: 'method'; object: ExpressionNode; method: string; args: ExpressionNode[]; pos: number }
  | { kind: 'unary'; op: 'not' | '-'; operand: ExpressionNode; pos: number }
  | { kind: 'binary'; op: BinaryOperator; left: ExpressionNode; right: ExpressionNode; pos: number }
  | { kind: 'logical'; op: 'and' | 'or'; left: ExpressionNode; right: ExpressionNode; pos: number };

/** Functions callable by name, with their arity [min, max]. */
export const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  md5: [1, 1],
  sha256: [1, 1],
  hmac_sha256: [1, 2],
  lower: [1, 1],
  upper: [1, 1],
  str: [1, 1],
  int: [1, 1],
  float: [1, 1],
  bool: [1, 1],
  len: [1, 1],
};

/** String methods, as in `email.lower()` or `email.endswith('@example.com')`. */
export const METHODS: Readonly<Record<string, readonly [number, number]>> = {
  lower: [0, 0],
  upper: [0, 0],
  strip: [0, 0],
  startswith: [1, 1],
  endswith: [1, 1],
};

/** Names that are not record properties: the record itself, `stream_map_config`, the mapped value. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['record', '_', 'config', 'self']);

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly site: ExpressionSite,
  ) {
    this.tokens = tokenize(source, (message, pos) => this.fail(message, pos));
  }

  fail(message: string, pos: number): never {
    const column = pos + 1;
    throw new MapperError(
      `syntax error in the expression for '${this.site.property}' at column ${column}: ${message} (in \`${this.source}\`)`,
      {
        stream: this.site.stream,
        field: this.site.property,
        column,
        expression: this.source,
        reason: 'syntax',
      },
    );
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    return this.tokens[this.index++]!;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === text;
  }

  private expect(text: string): Token {
    const token = this.peek();
    if (token.kind !== 'op' || token.text !== text)
      this.fail(`expected '${text}' but found ${describe(token)}`, token.pos);
    return this.next();
  }

  parse(): ExpressionNode {
    if (this.peek().kind === 'end') this.fail('the expression is empty', 0);
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'end') this.fail(`unexpected ${describe(rest)}`, rest.pos);
    return node;
  }

  private parseOr(): ExpressionNode {
    let left = this.parseAnd();
    while (this.isOp('or') || this.isOp('||')) {
      const pos = this.next().pos;
      left = { kind: 'logical', op: 'or', left, right: this.parseAnd(), pos };
    }
    return left;
  }

  private parseAnd(): ExpressionNode {
    let left = this.parseNot();
    while (this.isOp('and') || this.isOp('&&')) {
      const pos = this.next().pos;
      left = { kind: 'logical', op: 'and', left, right: this.parseNot(), pos };
    }
    return left;
  }

  private parseNot(): ExpressionNode {
    if (this.isOp('not') || this.isOp('!')) {
      const pos = this.next().pos;
      return { kind: 'unary', op: 'not', operand: this.parseNot(), pos };
    }
    return this.parseComparison();
  }

  private comparisonOperator(): BinaryOperator | undefined {
    const token = this.peek();
    if (token.kind !== 'op') return undefined;
    switch (token.text) {
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
      case 'in':
        this.next();
        return token.text;
      case 'is': {
        this.next();
        if (this.isOp('not')) {
          this.next();
          return '!=';
        }
        return '==';
      }
      case 'not': {
        const after = this.tokens[this.index + 1];
        if (after?.kind === 'op' && after.text === 'in') {
          this.index += 2;
          return 'not in';
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseAdditive();
    const pos = this.peek().pos;
    const op = this.comparisonOperator();
    if (op === undefined) return left;
    const node: ExpressionNode = { kind: 'binary', op, left, right: this.parseAdditive(), pos };
    const after = this.peek();
    const saved = this.index;
    if (this.comparisonOperator() !== undefined)
      this.fail('chained comparisons are not supported; join them with `and`', after.pos);
    this.index = saved;
    return node;
  }

  private parseAdditive(): ExpressionNode {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const token = this.next();
      left = {
        kind: 'binary',
        op: token.text as '+' | '-',
        left,
        right: this.parseMultiplicative(),
        pos: token.pos,
      };
    }
    return left;
  }

  private parseMultiplicative(): ExpressionNode {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const token = this.next();
      left = {
        kind: 'binary',
        op: token.text as '*' | '/' | '%',
        left,
        right: this.parseUnary(),
        pos: token.pos,
      };
    }
    return left;
  }

  private parseUnary(): ExpressionNode {
    if (this.isOp('-')) {
      const pos = this.next().pos;
      return { kind: 'unary', op: '-', operand: this.parseUnary(), pos };
    }
    if (this.isOp('+')) {
      this.next();
      return this.parseUnary();
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(node: ExpressionNode): ExpressionNode {
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.peek();
        if (name.kind !== 'name')
          this.fail(`expected a property or method name after '.' but found ${describe(name)}`, name.pos);
        this.next();
        if (this.isOp('(')) {
          const arity = METHODS[name.text];
          if (arity === undefined)
            this.fail(
              `unknown method '${name.text}'; available: ${Object.keys(METHODS).join(', ')}`,
              name.pos,
            );
          const args = this.parseArguments(name, arity);
          node = { kind: 'method', object: node, method: name.text, args, pos: name.pos };
        } else {
          node = { kind: 'member', object: node, key: name.text, pos: name.pos };
        }
        continue;
      }
      if (this.isOp('[')) {
        const pos = this.next().pos;
        const index = this.parseOr();
        this.expect(']');
        node = { kind: 'index', object: node, index, pos };
        continue;
      }
      return node;
    }
  }

  private parseArguments(callee: Token, [min, max]: readonly [number, number]): ExpressionNode[] {
    this.expect('(');
    const args: ExpressionNode[] = [];
    if (!this.isOp(')')) {
      do args.push(this.parseOr());
      while (this.isOp(',') && this.next());
    }
    this.expect(')');
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : `${min} or ${max}`;
      this.fail(
        `'${callee.text}' takes ${wanted} argument${max === 1 ? '' : 's'}, got ${args.length}`,
        callee.pos,
      );
    }
    return args;
  }

  private parsePrimary(): ExpressionNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.next();
        return { kind: 'literal', value: token.value, pos: token.pos };
      case 'name': {
        this.next();
        if (Object.hasOwn(KEYWORD_LITERALS, token.text))
          return { kind: 'literal', value: KEYWORD_LITERALS[token.text], pos: token.pos };
        if (this.isOp('(')) {
          const arity = FUNCTIONS[token.text];
          if (arity === undefined)
            this.fail(
              `unknown function '${token.text}'; available: ${Object.keys(FUNCTIONS).join(', ')}`,
              token.pos,
            );
          return {
            kind: 'call',
            callee: token.text,
            args: this.parseArguments(token, arity),
            pos: token.pos,
          };
        }
        return { kind: 'name', name: token.text, pos: token.pos };
      }
      case 'op':
        if (token.text === '(') {
          this.next();
          const inner = this.parseOr();
          this.expect(')');
          return inner;
        }
        if (token.text === '[') {
          this.next();
          const items: ExpressionNode[] = [];
          if (!this.isOp(']')) {
            do items.push(this.parseOr());
            while (this.isOp(',') && this.next() && !this.isOp(']'));
          }
          this.expect(']');
          return { kind: 'list', items, pos: token.pos };
        }
        return this.fail(`unexpected ${describe(token)}`, token.pos);
      default:
        return this.fail('the expression ends too early', token.pos);
    }
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression';
  return `'${token.text}'`;
}

/** Parses an expression; a syntax error is a MapperError naming stream, property and column. */
export function parseExpression(source: string, site: ExpressionSite): ExpressionNode {
  return new Parser(source, site).parse();
}
