/**
 * The functions expressions call by name (`md5`, `hmac_sha256`, `str`, `int`, `dict`, …), compiled
 * from their already-compiled arguments. The list is fixed (ast.ts FUNCTIONS); anything else was
 * refused by the parser.
 */
import type { ExpressionNode } from './ast.js';
import { CONSTANT, type CompileContext, type Compiled, compileError, constant } from './evaluate.js';
import { callMethod } from './methods.js';
import { length, toFloat, toInt, toStr } from './operators.js';
import { createPseudonymizer, md5, prepareKey, sha256 } from './pseudonymize.js';
import { dictKey, isPlainObject, iterate, truthy } from './values.js';

export function compileCall(
  node: Extract<ExpressionNode, { kind: 'call' }>,
  context: CompileContext,
  args: Compiled[],
): Compiled {
  const arg = args[0] ?? constant(undefined);
  switch (node.callee) {
    case 'md5':
      return (r, s) => md5(arg(r, s));
    case 'sha256':
      return (r, s) => sha256(arg(r, s));
    case 'hmac_sha256':
      return compileHmac(node, context, args);
    case 'lower':
      return (r, s) => callMethod('lower', arg(r, s), []);
    case 'upper':
      return (r, s) => callMethod('upper', arg(r, s), []);
    case 'str':
      return args.length === 0 ? constant('') : (r, s) => toStr(arg(r, s));
    case 'int':
      return args.length === 0 ? constant(0) : (r, s) => toInt(arg(r, s));
    case 'float':
      return args.length === 0 ? constant(0) : (r, s) => toFloat(arg(r, s));
    case 'bool':
      return args.length === 0 ? constant(false) : (r, s) => truthy(arg(r, s));
    case 'len':
      return (r, s) => length(arg(r, s));
    case 'list':
    case 'tuple':
      return args.length === 0 ? () => [] : (r, s) => toList(arg(r, s), node.callee);
    case 'dict':
      return args.length === 0 ? () => ({}) : (r, s) => toDict(arg(r, s));
    default:
      return compileError(context, node, `unknown function '${node.callee}'`);
  }
}

function toList(value: unknown, callee: string): unknown {
  if (value === null || value === undefined) return null;
  return [...iterate(value, `${callee}()`)];
}

/** `dict(pairs)` or `dict(mapping)`: keys as JSON writes them. */
function toDict(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isPlainObject(value)) return { ...value };
  const out: Record<string, unknown> = {};
  for (const pair of iterate(value, 'dict()')) {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new TypeError('dict() needs a list of (key, value) pairs');
    out[dictKey(pair[0])] = pair[1];
  }
  return out;
}

function compileHmac(
  node: Extract<ExpressionNode, { kind: 'call' }>,
  context: CompileContext,
  args: Compiled[],
): Compiled {
  const arg = args[0]!;
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
