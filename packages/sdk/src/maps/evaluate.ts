/**
 * Compiles an expression AST into a tree of closures; evaluating a record is then only calls.
 * Every name is resolved here, once: comprehension variables, the built-ins (`record`, `_`,
 * `config`, `self`, `fake`, `datetime`, `json`, `__stream_name__`, `__original_stream_name__`),
 * then the stream's declared properties. A name that is none of these is a start-up error, never a
 * silent null. Semantics follow Python where users expect it, with one deliberate difference: null
 * propagates through arithmetic, string functions, methods and hashes instead of raising.
 */
import { MapperError } from '../errors.js';
import { type ExpressionNode, type ExpressionSite, mentions } from './ast.js';
import { compileComprehension, type Scope } from './comprehension.js';
import { FAKE_PROVIDERS, type FakerInstance, seedOf } from './faker.js';
import { compileCall } from './functions.js';
import { callMethod, getAttribute } from './methods.js';
import { MODULE_ARITY, MODULE_FUNCTIONS, MODULE_VALUES } from './modules.js';
import { BINARY, getItem, getSlice, negate } from './operators.js';
import { dictKey, isPlainObject, toJsonValue, truthy } from './values.js';

/** A compiled expression: the (pre-mapped) record and the current value of the mapped property. */
export type Evaluator = (record: Record<string, unknown>, self: unknown) => unknown;

export interface CompileContext {
  site: ExpressionSite;
  /** `stream_map_config`, readable as `config['name']`; folded into constants at compile time. */
  config: Record<string, unknown>;
  /** The checked `pseudonymize_key`, used by `hmac_sha256(value)` with one argument. */
  pseudonymizeKey: Buffer | undefined;
  /** `__stream_name__`: the output stream's name; unknown ('') when checking config at start-up. */
  streamName?: string;
  /** `__original_stream_name__`: the input stream's name. */
  originalStreamName?: string;
  /** The top-level properties the stream's schema declares; undefined: not known, names unchecked. */
  properties?: ReadonlySet<string>;
  /** `fake`, when `faker_config` set it up (one instance per output stream). */
  fake?: FakerInstance;
}

export const CONSTANT = Symbol('constant');
export type Compiled = Evaluator & { [CONSTANT]?: { value: unknown } };

export function constant(value: unknown): Compiled {
  const fn: Compiled = () => value;
  fn[CONSTANT] = { value };
  return fn;
}

/** Names that only make sense before a `.`: `datetime.date(…)`, `json.dumps(…)`, `fake.name()`. */
const MODULES = new Set(['datetime', 'json', 'fake']);

export function compileExpression(node: ExpressionNode, context: CompileContext): Evaluator {
  const compiled = compile(node, context, new Map());
  // Dates and times leave the expression as ISO text, as Meltano's JSON encoder writes them.
  if (!mentions(node, 'datetime')) return compiled;
  const folded = compiled[CONSTANT];
  if (folded !== undefined) return constant(toJsonValue(folded.value));
  return (r, s) => toJsonValue(compiled(r, s));
}

export function compileError(
  context: CompileContext,
  node: ExpressionNode,
  message: string,
  extra = {},
): never {
  const column = node.pos + 1;
  throw new MapperError(`the expression for '${context.site.property}' at column ${column}: ${message}`, {
    stream: context.site.stream,
    field: context.site.property,
    column,
    reason: 'config',
    ...extra,
  });
}

/** `a.b.c` rooted at a module name that no comprehension variable shadows, as a dotted path. */
function modulePath(node: ExpressionNode, scope: Scope): string | undefined {
  if (node.kind === 'name') return MODULES.has(node.name) && !scope.has(node.name) ? node.name : undefined;
  if (node.kind !== 'member') return undefined;
  const base = modulePath(node.object, scope);
  return base === undefined ? undefined : `${base}.${node.key}`;
}

export function compile(node: ExpressionNode, context: CompileContext, scope: Scope): Compiled {
  const sub = (child: ExpressionNode): Compiled => compile(child, context, scope);
  switch (node.kind) {
    case 'literal':
      return constant(node.value);
    case 'list':
    case 'tuple': {
      const items = node.items.map(sub);
      return (r, s) => items.map((item) => item(r, s));
    }
    case 'dict': {
      const entries = node.entries.map(([k, v]) => [sub(k), sub(v)] as const);
      return (r, s) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) out[dictKey(k(r, s))] = v(r, s);
        return out;
      };
    }
    case 'name':
      return compileName(node, context, scope);
    case 'member':
    case 'index':
      return compileAccess(node, context, scope);
    case 'slice': {
      const object = sub(node.object);
      const none = constant(undefined);
      const [lower, upper, step] = [node.lower, node.upper, node.step].map((n) =>
        n === undefined ? none : sub(n),
      );
      return (r, s) => getSlice(object(r, s), lower!(r, s), upper!(r, s), step!(r, s));
    }
    case 'call':
      return compileCall(
        node,
        context,
        node.args.map((arg) => compile(arg, context, scope)),
      );
    case 'method':
      return compileMethod(node, context, scope);
    case 'unary': {
      const operand = sub(node.operand);
      if (node.op === 'not') return (r, s) => !truthy(operand(r, s));
      return (r, s) => negate(operand(r, s));
    }
    case 'logical': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (node.op === 'and')
        return (r, s) => {
          const value = left(r, s);
          return truthy(value) ? right(r, s) : value;
        };
      return (r, s) => {
        const value = left(r, s);
        return truthy(value) ? value : right(r, s);
      };
    }
    case 'binary': {
      const left = sub(node.left);
      const right = sub(node.right);
      const op = BINARY[node.op];
      return (r, s) => op(left(r, s), right(r, s));
    }
    case 'chain': {
      const operands = node.operands.map(sub);
      const ops = node.ops.map((op) => BINARY[op]);
      return (r, s) => {
        let left = operands[0]!(r, s);
        for (let i = 0; i < ops.length; i++) {
          const right = operands[i + 1]!(r, s);
          if (!ops[i]!(left, right)) return false;
          left = right;
        }
        return true;
      };
    }
    case 'conditional': {
      const test = sub(node.test);
      const body = sub(node.body);
      const orelse = sub(node.orelse);
      return (r, s) => (truthy(test(r, s)) ? body(r, s) : orelse(r, s));
    }
    case 'comprehension':
      return compileComprehension(node, scope, (child, inner) => compile(child, context, inner));
  }
}

function compileName(
  node: Extract<ExpressionNode, { kind: 'name' }>,
  context: CompileContext,
  scope: Scope,
): Compiled {
  const name = node.name;
  const local = scope.get(name);
  if (local !== undefined) return local;
  switch (name) {
    case 'record':
    case '_':
      return (r) => r;
    case 'self':
      return (_r, s) => (s === undefined ? null : s);
    case 'config':
      return constant(context.config);
    case '__stream_name__':
      return constant(context.streamName ?? '');
    case '__original_stream_name__':
      return constant(context.originalStreamName ?? context.streamName ?? '');
    default:
      break;
  }
  if (MODULES.has(name))
    compileError(
      context,
      node,
      `'${name}' is a module: use it as ${name === 'fake' ? 'fake.first_name()' : `${name}.…`}`,
    );
  const properties = context.properties;
  if (properties !== undefined && !properties.has(name))
    compileError(
      context,
      node,
      `'${name}' is neither a property of stream '${context.site.stream}' nor a built-in name (record, _, config, self, fake, datetime, json, __stream_name__, __original_stream_name__); to read a property the schema does not declare, write record.get('${name}')`,
      { name, reason: 'unknown-name' },
    );
  return (r) => (Object.hasOwn(r, name) ? r[name] : null);
}

function compileAccess(
  node: Extract<ExpressionNode, { kind: 'member' | 'index' }>,
  context: CompileContext,
  scope: Scope,
): Compiled {
  if (node.kind === 'member') {
    const path = modulePath(node, scope);
    if (path !== undefined) {
      if (!Object.hasOwn(MODULE_VALUES, path))
        compileError(
          context,
          node,
          `'${path}' is not available; see the supported datetime and json names in the docs`,
        );
      return constant(MODULE_VALUES[path]);
    }
  }
  const object = compile(node.object, context, scope);
  const key = node.kind === 'member' ? constant(node.key) : compile(node.index, context, scope);
  const objectConstant = object[CONSTANT];
  const keyConstant = key[CONSTANT];
  if (objectConstant !== undefined && keyConstant !== undefined) {
    // `config['seed']`: a missing setting is a config error now, not a null on every record.
    const container = objectConstant.value;
    const k = keyConstant.value;
    if (
      isPlainObject(container) &&
      (typeof k !== 'string' || !Object.hasOwn(container, k)) &&
      node.object.kind === 'name' &&
      node.object.name === 'config'
    )
      compileError(context, node, `config[${JSON.stringify(k)}] is not set in stream_map_config`);
    try {
      return constant(node.kind === 'member' ? getAttribute(container, k as string) : getItem(container, k));
    } catch (error) {
      compileError(context, node, (error as Error).message);
    }
  }
  if (node.kind === 'member') {
    const k = node.key;
    return (r, s) => getAttribute(object(r, s), k);
  }
  return (r, s) => getItem(object(r, s), key(r, s));
}

function compileKwargs(
  node: Extract<ExpressionNode, { kind: 'method' | 'call' }>,
  context: CompileContext,
  scope: Scope,
  allowed: readonly string[],
  what: string,
): [string, Compiled][] {
  return node.kwargs.map(({ name, value }) => {
    if (!allowed.includes(name))
      compileError(
        context,
        node,
        `${what}() takes no keyword argument '${name}'${allowed.length ? `; it takes ${allowed.join(', ')}` : ''}`,
      );
    // `json.dumps(x, default=str)`: the one place a function is passed as a value.
    if (name === 'default') {
      if (value.kind !== 'name' || value.name !== 'str')
        compileError(context, node, 'json.dumps(default=…) accepts only str');
      return [name, constant('str')];
    }
    return [name, compile(value, context, scope)];
  });
}

function evaluateKwargs(
  kwargs: [string, Compiled][],
  r: Record<string, unknown>,
  s: unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of kwargs) out[name] = value(r, s);
  return out;
}

function compileMethod(
  node: Extract<ExpressionNode, { kind: 'method' }>,
  context: CompileContext,
  scope: Scope,
): Compiled {
  const args = node.args.map((arg) => compile(arg, context, scope));
  const objectPath = modulePath(node.object, scope);
  if (objectPath !== undefined) {
    const path = `${objectPath}.${node.method}`;
    if (objectPath === 'fake') return compileFake(node, context, args);
    const fn = MODULE_FUNCTIONS[path];
    if (fn === undefined)
      compileError(
        context,
        node,
        `'${path}()' is not available; supported: ${Object.keys(MODULE_FUNCTIONS).join(', ')}`,
      );
    const [min, max] = MODULE_ARITY[path]!;
    if (args.length < min || args.length > max)
      compileError(
        context,
        node,
        `'${path}()' takes ${min === max ? min : `${min} to ${max}`} positional arguments, got ${args.length}`,
      );
    const kwargs = compileKwargs(node, context, scope, fn.keywords, path);
    return (r, s) =>
      fn.call(
        args.map((arg) => arg(r, s)),
        evaluateKwargs(kwargs, r, s),
      );
  }
  const object = compile(node.object, context, scope);
  const method = node.method;
  const kwargs = compileKwargs(
    node,
    context,
    scope,
    method === 'split' || method === 'rsplit' ? ['sep', 'maxsplit'] : [],
    method,
  );
  if (kwargs.length === 0) {
    const [a, b] = args;
    if (args.length === 0) return (r, s) => callMethod(method, object(r, s), []);
    if (args.length === 1) return (r, s) => callMethod(method, object(r, s), [a!(r, s)]);
    if (args.length === 2) return (r, s) => callMethod(method, object(r, s), [a!(r, s), b!(r, s)]);
  }
  return (r, s) =>
    callMethod(
      method,
      object(r, s),
      args.map((arg) => arg(r, s)),
      evaluateKwargs(kwargs, r, s),
    );
}

function compileFake(
  node: Extract<ExpressionNode, { kind: 'method' }>,
  context: CompileContext,
  args: Compiled[],
): Compiled {
  const fake = context.fake;
  if (fake === undefined) compileError(context, node, "'fake' is not set up (internal: no faker instance)");
  if (node.kwargs.length > 0)
    compileError(context, node, `fake.${node.method}() takes no keyword arguments here`);
  if (node.method === 'seed_instance') {
    const arg = args[0];
    if (args.length !== 1 || arg === undefined)
      compileError(context, node, 'fake.seed_instance() takes one argument');
    // Returns None in Python, so `fake.seed_instance(x) or fake.name()` goes on to the name.
    return (r, s) => {
      fake.seed(seedOf(arg(r, s)));
      return null;
    };
  }
  const provider = FAKE_PROVIDERS[node.method];
  if (provider === undefined)
    compileError(
      context,
      node,
      `fake.${node.method}() is not available; supported: ${Object.keys(FAKE_PROVIDERS).join(', ')}, seed_instance`,
    );
  return (r, s) =>
    provider.generate(
      fake,
      args.map((arg) => arg(r, s)),
    );
}

export { truthy };
