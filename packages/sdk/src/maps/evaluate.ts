/**
 * Compiles an expression AST once into a tree of closures; evaluating a record is then only calls.
 * Semantics follow Python where users expect it (`and`/`or` return an operand, `in`, truthiness of
 * empty strings and lists) with one deliberate difference: null propagates through arithmetic,
 * string functions and hashes instead of raising, because optional fields are null all the time.
 * Mismatched types (`'a' + 1`, `lower(3)`) raise, and the mapper fails closed on them.
 */
import { MapperError } from '../errors.js';
import type { ExpressionNode, ExpressionSite } from './expression.js';
import {
  BINARY,
  callMethod,
  getItem,
  getProperty,
  isPlainObject,
  length,
  negate,
  toFloat,
  toInt,
  toStr,
  truthy,
} from './operators.js';
import { createPseudonymizer, md5, prepareKey, sha256 } from './pseudonymize.js';

/** A compiled expression: the (pre-mapped) record and the current value of the mapped property. */
export type Evaluator = (record: Record<string, unknown>, self: unknown) => unknown;

export interface CompileContext {
  site: ExpressionSite;
  /** `stream_map_config`, readable as `config['name']`; folded into constants at compile time. */
  config: Record<string, unknown>;
  /** The checked `pseudonymize_key`, used by `hmac_sha256(value)` with one argument. */
  pseudonymizeKey: Buffer | undefined;
}

const CONSTANT = Symbol('constant');
type Compiled = Evaluator & { [CONSTANT]?: { value: unknown } };

function constant(value: unknown): Compiled {
  const fn: Compiled = () => value;
  fn[CONSTANT] = { value };
  return fn;
}

export function compileExpression(node: ExpressionNode, context: CompileContext): Evaluator {
  return compile(node, context);
}

function compileError(context: CompileContext, node: ExpressionNode, message: string): never {
  const column = node.pos + 1;
  throw new MapperError(`the expression for '${context.site.property}' at column ${column}: ${message}`, {
    stream: context.site.stream,
    field: context.site.property,
    column,
    reason: 'config',
  });
}

function compile(node: ExpressionNode, context: CompileContext): Compiled {
  switch (node.kind) {
    case 'literal':
      return constant(node.value);
    case 'list': {
      const items = node.items.map((item) => compile(item, context));
      return (r, s) => items.map((item) => item(r, s));
    }
    case 'name': {
      const name = node.name;
      if (name === 'record' || name === '_') return (r) => r;
      if (name === 'self') return (_r, s) => (s === undefined ? null : s);
      if (name === 'config') return constant(context.config);
      return (r) => (Object.hasOwn(r, name) ? r[name] : null);
    }
    case 'member':
    case 'index': {
      const object = compile(node.object, context);
      const key = node.kind === 'member' ? constant(node.key) : compile(node.index, context);
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
          return constant(getItem(container, k));
        } catch (error) {
          compileError(context, node, (error as Error).message);
        }
      }
      if (keyConstant !== undefined) {
        const k = keyConstant.value;
        if (typeof k === 'string') return (r, s) => getProperty(object(r, s), k);
      }
      return (r, s) => getItem(object(r, s), key(r, s));
    }
    case 'call':
      return compileCall(node, context);
    case 'method': {
      const object = compile(node.object, context);
      const args = node.args.map((arg) => compile(arg, context));
      const method = node.method;
      const arg = args[0];
      return (r, s) => callMethod(method, object(r, s), arg === undefined ? undefined : arg(r, s));
    }
    case 'unary': {
      const operand = compile(node.operand, context);
      if (node.op === 'not') return (r, s) => !truthy(operand(r, s));
      return (r, s) => negate(operand(r, s));
    }
    case 'logical': {
      const left = compile(node.left, context);
      const right = compile(node.right, context);
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
      const left = compile(node.left, context);
      const right = compile(node.right, context);
      const op = BINARY[node.op];
      return (r, s) => op(left(r, s), right(r, s));
    }
  }
}

function compileCall(node: Extract<ExpressionNode, { kind: 'call' }>, context: CompileContext): Compiled {
  const args = node.args.map((arg) => compile(arg, context));
  const arg = args[0]!;
  switch (node.callee) {
    case 'md5':
      return (r, s) => md5(arg(r, s));
    case 'sha256':
      return (r, s) => sha256(arg(r, s));
    case 'hmac_sha256': {
      const keyArg = args[1];
      if (keyArg === undefined) {
        if (context.pseudonymizeKey === undefined)
          compileError(
            context,
            node,
            "hmac_sha256(value) hashes with 'pseudonymize_key', which is not set (or pass a key: hmac_sha256(value, config['key']))",
          );
        const hmac = createPseudonymizer(context.pseudonymizeKey);
        return (r, s) => hmac(arg(r, s));
      }
      const keyConstant = keyArg[CONSTANT];
      if (keyConstant !== undefined) {
        if (typeof keyConstant.value !== 'string')
          compileError(context, node, 'the key of hmac_sha256 must be a string');
        let hmac: (value: unknown) => string | null;
        try {
          hmac = createPseudonymizer(prepareKey(keyConstant.value, 'the key of hmac_sha256'));
        } catch (error) {
          compileError(context, node, (error as Error).message);
        }
        return (r, s) => hmac(arg(r, s));
      }
      return (r, s) => {
        const key = keyArg(r, s);
        if (typeof key !== 'string') throw new TypeError('the key of hmac_sha256 must be a string');
        return createPseudonymizer(prepareKey(key, 'the key of hmac_sha256'))(arg(r, s));
      };
    }
    case 'lower':
      return (r, s) => callMethod('lower', arg(r, s), undefined);
    case 'upper':
      return (r, s) => callMethod('upper', arg(r, s), undefined);
    case 'str':
      return (r, s) => toStr(arg(r, s));
    case 'int':
      return (r, s) => toInt(arg(r, s));
    case 'float':
      return (r, s) => toFloat(arg(r, s));
    case 'bool':
      return (r, s) => truthy(arg(r, s));
    case 'len':
      return (r, s) => length(arg(r, s));
    default:
      return compileError(context, node, `unknown function '${node.callee}'`);
  }
}

export { truthy };
