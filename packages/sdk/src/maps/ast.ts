/**
 * The syntax tree of a stream-map expression and the names the language knows: the functions
 * callable by name and the methods callable on values. Anything not listed here is refused when the
 * expression is parsed or compiled, never looked up at run time.
 */

/** Where an expression comes from, for error messages. */
export interface ExpressionSite {
  stream: string;
  /** The property being mapped, `__filter__` or `__alias__`. */
  property: string;
}

export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type BinaryOperator = ArithmeticOperator | CompareOperator;

export interface KeywordArgument {
  name: string;
  value: ExpressionNode;
}

/** `for a, b in items if cond`: the names bound, what they iterate and the filters. */
export interface ComprehensionClause {
  targets: string[];
  /** `for (a, b) in …` or `for a, b in …`: each item is unpacked into `targets`. */
  unpack: boolean;
  iter: ExpressionNode;
  ifs: ExpressionNode[];
}

/** Offsets are 0-based; error messages report 1-based columns. */
export type ExpressionNode =
  | { kind: 'literal'; value: unknown; pos: number }
  | { kind: 'list'; items: ExpressionNode[]; pos: number }
  | { kind: 'tuple'; items: ExpressionNode[]; pos: number }
  | { kind: 'dict'; entries: [ExpressionNode, ExpressionNode][]; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'member'; object: ExpressionNode; key: string; pos: number }
  | { kind: 'index'; object: ExpressionNode; index: ExpressionNode; pos: number }
  | {
      kind: 'slice';
      object: ExpressionNode;
      lower: ExpressionNode | undefined;
      upper: ExpressionNode | undefined;
      step: ExpressionNode | undefined;
      pos: number;
    }
  | { kind: 'call'; callee: string; args: ExpressionNode[]; kwargs: KeywordArgument[]; pos: number }
  | {
      kind: 'method';
      object: ExpressionNode;
      method: string;
      args: ExpressionNode[];
      kwargs: KeywordArgument[];
      pos: number;
    }
  | { kind: 'unary'; op: 'not' | '-'; operand: ExpressionNode; pos: number }
  | { kind: 'binary'; op: BinaryOperator; left: ExpressionNode; right: ExpressionNode; pos: number }
  | { kind: 'chain'; ops: CompareOperator[]; operands: ExpressionNode[]; pos: number }
  | { kind: 'logical'; op: 'and' | 'or'; left: ExpressionNode; right: ExpressionNode; pos: number }
  | {
      kind: 'conditional';
      test: ExpressionNode;
      body: ExpressionNode;
      orelse: ExpressionNode;
      pos: number;
    }
  | {
      kind: 'comprehension';
      form: 'list' | 'dict' | 'generator';
      /** The item (list, generator) or the key (dict). */
      element: ExpressionNode;
      /** The value of a dict comprehension. */
      value: ExpressionNode | undefined;
      clauses: ComprehensionClause[];
      pos: number;
    };

/** Functions callable by name, with their arity [min, max] (keyword arguments aside). */
export const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  md5: [1, 1],
  sha256: [1, 1],
  hmac_sha256: [1, 2],
  lower: [1, 1],
  upper: [1, 1],
  str: [0, 1],
  int: [0, 1],
  float: [0, 1],
  bool: [0, 1],
  len: [1, 1],
  list: [0, 1],
  tuple: [0, 1],
  dict: [0, 1],
};

/**
 * Names of Python built-ins Meltano's evaluator has that we refuse, with the reason, so the error
 * says why instead of "unknown function".
 */
export const REFUSED_FUNCTIONS: Readonly<Record<string, string>> = {
  set: 'JSON has no sets; use a list, or dict keys',
  rand: 'random values make runs unrepeatable; use fake.random_int() with faker_config.seed',
  randint: 'random values make runs unrepeatable; use fake.random_int() with faker_config.seed',
};

/** Names with a meaning of their own, never read from the record. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  'record',
  '_',
  'config',
  'self',
  'fake',
  'datetime',
  'json',
  '__stream_name__',
  '__original_stream_name__',
]);

/** Names that are not record properties: the record itself, `stream_map_config`, the mapped value. */
export const RESERVED_NAMES: ReadonlySet<string> = BUILTIN_NAMES;

/** The direct sub-expressions of a node, for walks that need no scope (names used, features used). */
export function children(node: ExpressionNode): ExpressionNode[] {
  switch (node.kind) {
    case 'literal':
    case 'name':
      return [];
    case 'list':
    case 'tuple':
      return node.items;
    case 'dict':
      return node.entries.flat();
    case 'member':
      return [node.object];
    case 'index':
      return [node.object, node.index];
    case 'slice':
      return [node.object, node.lower, node.upper, node.step].filter(
        (n): n is ExpressionNode => n !== undefined,
      );
    case 'call':
      return [...node.args, ...node.kwargs.map((k) => k.value)];
    case 'method':
      return [node.object, ...node.args, ...node.kwargs.map((k) => k.value)];
    case 'unary':
      return [node.operand];
    case 'binary':
    case 'logical':
      return [node.left, node.right];
    case 'chain':
      return node.operands;
    case 'conditional':
      return [node.test, node.body, node.orelse];
    case 'comprehension':
      return [
        node.element,
        ...(node.value === undefined ? [] : [node.value]),
        ...node.clauses.flatMap((c) => [c.iter, ...c.ifs]),
      ];
  }
}

/** Whether the expression mentions `name` anywhere (as a name, not a property key). */
export function mentions(node: ExpressionNode, name: string): boolean {
  return (
    (node.kind === 'name' && node.name === name) || children(node).some((child) => mentions(child, name))
  );
}
