/**
 * The stream-map expression language: the subset of Python that Meltano's evaluator (simpleeval
 * with compound types) accepts and its documentation uses — `md5(config['seed'] + email)`,
 * `owner_email.split('@')[-1]`, `x if c else None`, `[f for f in fields if f['key'] != 'age']`,
 * `datetime.date.fromisoformat(d).year`, `json.dumps(user)` — parsed by hand into an AST.
 * Nothing here evaluates code: `evaluate.ts` compiles the AST to closures over a fixed set of
 * operators, functions and methods.
 */
import { MapperError } from '../errors.js';
import {
  type BinaryOperator,
  type CompareOperator,
  type ComprehensionClause,
  type ExpressionNode,
  type ExpressionSite,
  FUNCTIONS,
  type KeywordArgument,
  REFUSED_FUNCTIONS,
} from './ast.js';
import { isModuleName, KNOWN_METHODS } from './methods.js';
import { KEYWORD_LITERALS, type Token, tokenize } from './tokenizer.js';

export type { BinaryOperator, ExpressionNode, ExpressionSite } from './ast.js';
export { FUNCTIONS, RESERVED_NAMES } from './ast.js';

/** Nesting deeper than this is refused: it bounds the parser's recursion. */
const MAX_DEPTH = 64;

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

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

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[this.index++]!;
  }

  private isOp(text: string, offset = 0): boolean {
    const token = this.peek(offset);
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
    const node = this.parseTest();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      if (rest.kind === 'op' && rest.text === '=')
        this.fail("'=' is not an operator; compare with '=='", rest.pos);
      this.fail(`unexpected ${describe(rest)}`, rest.pos);
    }
    return node;
  }

  /** `body if test else orelse`, the loosest form. */
  private parseTest(): ExpressionNode {
    if (++this.depth > MAX_DEPTH)
      this.fail(`the expression nests deeper than ${MAX_DEPTH} levels`, this.peek().pos);
    try {
      const token = this.peek();
      if (token.kind === 'name' && token.text === 'lambda')
        this.fail('lambda is not supported; use a comprehension', token.pos);
      const body = this.parseOr();
      if (!this.isOp('if')) return body;
      const pos = this.next().pos;
      const test = this.parseOr();
      this.expect('else');
      return { kind: 'conditional', test, body, orelse: this.parseTest(), pos };
    } finally {
      this.depth--;
    }
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

  private comparisonOperator(): CompareOperator | undefined {
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
      case 'is':
        this.next();
        if (this.isOp('not')) {
          this.next();
          return 'is not';
        }
        return 'is';
      case 'not':
        if (this.isOp('in', 1)) {
          this.index += 2;
          return 'not in';
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /** `a < b`, or a Python chain `a < b <= c` (each operand evaluated once). */
  private parseComparison(): ExpressionNode {
    const first = this.parseAdditive();
    const pos = this.peek().pos;
    const ops: CompareOperator[] = [];
    const operands = [first];
    for (let op = this.comparisonOperator(); op !== undefined; op = this.comparisonOperator()) {
      ops.push(op);
      operands.push(this.parseAdditive());
    }
    if (ops.length === 0) return first;
    if (ops.length === 1)
      return { kind: 'binary', op: ops[0] as BinaryOperator, left: first, right: operands[1]!, pos };
    return { kind: 'chain', ops, operands, pos };
  }

  private parseAdditive(): ExpressionNode {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const token = this.next();
      const right = this.parseMultiplicative();
      left = { kind: 'binary', op: token.text as '+' | '-', left, right, pos: token.pos };
    }
    return left;
  }

  private parseMultiplicative(): ExpressionNode {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const token = this.next();
      const right = this.parseUnary();
      left = { kind: 'binary', op: token.text as '*' | '/' | '//' | '%', left, right, pos: token.pos };
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
    return this.parsePower();
  }

  /** `**` binds tighter than a unary minus on its left and is right-associative, as in Python. */
  private parsePower(): ExpressionNode {
    const base = this.parsePostfix(this.parsePrimary());
    if (!this.isOp('**')) return base;
    const pos = this.next().pos;
    return { kind: 'binary', op: '**', left: base, right: this.parseUnary(), pos };
  }

  private parsePostfix(start: ExpressionNode): ExpressionNode {
    let node = start;
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.peek();
        if (name.kind !== 'name')
          this.fail(`expected a property or method name after '.' but found ${describe(name)}`, name.pos);
        this.next();
        if (name.text.startsWith('_'))
          this.fail(
            `'${name.text}': names starting with '_' cannot follow '.'; use ['${name.text}']`,
            name.pos,
          );
        if (this.isOp('(')) {
          if (!isModuleName(rootName(node)) && !KNOWN_METHODS.has(name.text))
            this.fail(`unknown method '${name.text}'; available: ${[...KNOWN_METHODS].join(', ')}`, name.pos);
          const [args, kwargs] = this.parseArguments();
          node = { kind: 'method', object: node, method: name.text, args, kwargs, pos: name.pos };
        } else {
          node = { kind: 'member', object: node, key: name.text, pos: name.pos };
        }
        continue;
      }
      if (this.isOp('[')) {
        const pos = this.next().pos;
        node = this.parseSubscript(node, pos);
        this.expect(']');
        continue;
      }
      return node;
    }
  }

  /** `x[i]` or a slice `x[a:b:c]`, any part optional. */
  private parseSubscript(object: ExpressionNode, pos: number): ExpressionNode {
    const part = (): ExpressionNode | undefined =>
      this.isOp(':') || this.isOp(']') ? undefined : this.parseTest();
    const lower = part();
    if (!this.isOp(':')) {
      if (lower === undefined) this.fail('expected an index', this.peek().pos);
      return { kind: 'index', object, index: lower, pos };
    }
    this.next();
    const upper = part();
    let step: ExpressionNode | undefined;
    if (this.isOp(':')) {
      this.next();
      step = part();
    }
    return { kind: 'slice', object, lower, upper, step, pos };
  }

  /** `(a, b, key=value)`, or `(x for x in xs)` as the only argument. */
  private parseArguments(): [ExpressionNode[], KeywordArgument[]] {
    const open = this.expect('(');
    const args: ExpressionNode[] = [];
    const kwargs: KeywordArgument[] = [];
    while (!this.isOp(')')) {
      const token = this.peek();
      if (token.kind === 'name' && this.isOp('=', 1)) {
        this.index += 2;
        if (kwargs.some((k) => k.name === token.text))
          this.fail(`keyword argument '${token.text}' is repeated`, token.pos);
        kwargs.push({ name: token.text, value: this.parseTest() });
      } else {
        if (kwargs.length > 0) this.fail('a positional argument follows a keyword argument', token.pos);
        if (this.isOp('*') || this.isOp('**')) this.fail('argument unpacking is not supported', token.pos);
        const arg = this.parseTest();
        if (this.isOp('for')) {
          args.push(this.parseComprehension('generator', arg, undefined, open.pos));
          if (!this.isOp(')')) this.fail('a generator expression must be the only argument', this.peek().pos);
          break;
        }
        args.push(arg);
      }
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(')');
    return [args, kwargs];
  }

  private parseComprehension(
    form: 'list' | 'dict' | 'generator',
    element: ExpressionNode,
    value: ExpressionNode | undefined,
    pos: number,
  ): ExpressionNode {
    const clauses: ComprehensionClause[] = [];
    while (this.isOp('for')) {
      this.next();
      const [targets, unpack] = this.parseTargets();
      this.expect('in');
      const iter = this.parseOr();
      const ifs: ExpressionNode[] = [];
      while (this.isOp('if')) {
        this.next();
        ifs.push(this.parseOr());
      }
      clauses.push({ targets, unpack, iter, ifs });
    }
    return { kind: 'comprehension', form, element, value, clauses, pos };
  }

  /** `x`, `k, v` or `(k, v)` after `for`. */
  private parseTargets(): [string[], boolean] {
    const parenthesized = this.isOp('(');
    if (parenthesized) this.next();
    const targets: string[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'name')
        this.fail(`expected a name after 'for' but found ${describe(token)}`, token.pos);
      this.next();
      targets.push(token.text);
      if (!this.isOp(',')) break;
      this.next();
    }
    if (parenthesized) this.expect(')');
    return [targets, parenthesized || targets.length > 1];
  }

  private parsePrimary(): ExpressionNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.next();
        return { kind: 'literal', value: token.value, pos: token.pos };
      case 'string': {
        this.next();
        // Adjacent literals join, as in Python: 'a' 'b' is 'ab'.
        let value = token.value as string;
        while (this.peek().kind === 'string') value += this.next().value as string;
        return { kind: 'literal', value, pos: token.pos };
      }
      case 'name':
        return this.parseName(token);
      case 'op':
        if (token.text === '(') return this.parseParenthesized(token.pos);
        if (token.text === '[') return this.parseList(token.pos);
        if (token.text === '{') return this.parseDict(token.pos);
        return this.fail(`unexpected ${describe(token)}`, token.pos);
      default:
        return this.fail('the expression ends too early', token.pos);
    }
  }

  private parseName(token: Token): ExpressionNode {
    this.next();
    if (Object.hasOwn(KEYWORD_LITERALS, token.text))
      return { kind: 'literal', value: KEYWORD_LITERALS[token.text], pos: token.pos };
    if (!this.isOp('(')) return { kind: 'name', name: token.text, pos: token.pos };
    const refused = REFUSED_FUNCTIONS[token.text];
    if (refused !== undefined) this.fail(`'${token.text}()' is not supported: ${refused}`, token.pos);
    const arity = FUNCTIONS[token.text];
    if (arity === undefined)
      this.fail(
        `unknown function '${token.text}'; available: ${Object.keys(FUNCTIONS).join(', ')}`,
        token.pos,
      );
    const [args, kwargs] = this.parseArguments();
    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : `${min} or ${max}`;
      this.fail(
        `'${token.text}' takes ${wanted} argument${max === 1 ? '' : 's'}, got ${args.length}`,
        token.pos,
      );
    }
    if (kwargs.length > 0) this.fail(`'${token.text}' takes no keyword arguments`, token.pos);
    return { kind: 'call', callee: token.text, args, kwargs, pos: token.pos };
  }

  /** `(x)`, a tuple `(a, b)` / `(a,)` / `()`, or a generator `(x for x in xs)`. */
  private parseParenthesized(pos: number): ExpressionNode {
    this.next();
    if (this.isOp(')')) {
      this.next();
      return { kind: 'tuple', items: [], pos };
    }
    const first = this.parseTest();
    if (this.isOp('for')) {
      const node = this.parseComprehension('generator', first, undefined, pos);
      this.expect(')');
      return node;
    }
    if (!this.isOp(',')) {
      this.expect(')');
      return first;
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(')')) break;
      items.push(this.parseTest());
    }
    this.expect(')');
    return { kind: 'tuple', items, pos };
  }

  private parseList(pos: number): ExpressionNode {
    this.next();
    const items: ExpressionNode[] = [];
    if (!this.isOp(']')) {
      const first = this.parseTest();
      if (this.isOp('for')) {
        const node = this.parseComprehension('list', first, undefined, pos);
        this.expect(']');
        return node;
      }
      items.push(first);
      while (this.isOp(',')) {
        this.next();
        if (this.isOp(']')) break;
        items.push(this.parseTest());
      }
    }
    this.expect(']');
    return { kind: 'list', items, pos };
  }

  private parseDict(pos: number): ExpressionNode {
    this.next();
    const entries: [ExpressionNode, ExpressionNode][] = [];
    if (!this.isOp('}')) {
      const key = this.parseTest();
      if (!this.isOp(':')) this.fail('sets are not supported: JSON has no sets; use a list', pos);
      this.next();
      const value = this.parseTest();
      if (this.isOp('for')) {
        const node = this.parseComprehension('dict', key, value, pos);
        this.expect('}');
        return node;
      }
      entries.push([key, value]);
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        const k = this.parseTest();
        this.expect(':');
        entries.push([k, this.parseTest()]);
      }
    }
    this.expect('}');
    return { kind: 'dict', entries, pos };
  }
}

/** The name at the root of `a.b.c`, if the chain is only member reads. */
export function rootName(node: ExpressionNode): string | undefined {
  let current = node;
  while (current.kind === 'member') current = current.object;
  return current.kind === 'name' ? current.name : undefined;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression';
  return `'${token.text}'`;
}

/** Parses an expression; a syntax error is a MapperError naming stream, property and column. */
export function parseExpression(source: string, site: ExpressionSite): ExpressionNode {
  return new Parser(source, site).parse();
}
