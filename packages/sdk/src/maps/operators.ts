/**
 * What the operators and conversion functions of stream-map expressions do to values. Python where
 * users expect it (`and`/`or` return an operand, `in`, `//`, `**`, string repetition, date
 * arithmetic); null propagates through arithmetic, string functions and hashes; mismatched types
 * raise. Error messages name types, never values: values are PII.
 */
import { isExactNumber, numberText } from '../json/lossless-json.js';
import type { BinaryOperator } from './ast.js';
import { isTemporal, temporalArithmetic, temporalKey } from './datetime.js';
import {
  checkLength,
  dictKey,
  equals,
  fromNumeric,
  isPlainObject,
  MAX_LENGTH,
  toNumeric,
  truthy,
  typeName,
} from './values.js';

export { equals, isPlainObject, truthy };

/** Own properties only: `x.constructor` or `x['__proto__']` never reach the prototype. */
export function getProperty(object: unknown, key: string): unknown {
  if (object === null || object === undefined) return null;
  if (isPlainObject(object)) return Object.hasOwn(object, key) ? object[key] : null;
  throw new TypeError(`cannot read '${key}' of a ${typeName(object)}`);
}

export function getItem(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return null;
  if (isPlainObject(object)) return getProperty(object, dictKey(key));
  if (Array.isArray(object) || typeof object === 'string') {
    const n = toNumeric(key);
    if (typeof n !== 'number' || !Number.isInteger(n) || typeof key === 'boolean')
      throw new TypeError(`a ${typeName(object)} index must be an integer, got ${typeName(key)}`);
    const index = n < 0 ? object.length + n : n;
    const item = object[index];
    return item === undefined ? null : item;
  }
  throw new TypeError(`cannot index a ${typeName(object)} with a ${typeName(key)}`);
}

function sliceBound(value: unknown, what: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = toNumeric(value);
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw new TypeError(`a slice ${what} must be an integer`);
  return n;
}

/** Python slicing `x[a:b:c]` of a string or list. */
export function getSlice(object: unknown, lower: unknown, upper: unknown, stepValue: unknown): unknown {
  if (object === null || object === undefined) return null;
  if (!Array.isArray(object) && typeof object !== 'string')
    throw new TypeError(`cannot slice a ${typeName(object)}`);
  const items: unknown[] = typeof object === 'string' ? [...object] : object;
  const step = sliceBound(stepValue, 'step') ?? 1;
  if (step === 0) throw new RangeError('slice step cannot be zero');
  const n = items.length;
  const clamp = (value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const index = value < 0 ? value + n : value;
    return step > 0 ? Math.min(Math.max(index, 0), n) : Math.min(Math.max(index, -1), n - 1);
  };
  const start = clamp(sliceBound(lower, 'start'), step > 0 ? 0 : n - 1);
  const stop = clamp(sliceBound(upper, 'stop'), step > 0 ? n : -1);
  const out: unknown[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
  return typeof object === 'string' ? out.join('') : out;
}

function arithmetic(op: '-' | '*' | '/' | '//' | '%' | '**', a: unknown, b: unknown): unknown {
  if (
    typeof a === 'number' &&
    typeof b === 'number' &&
    op !== '**' &&
    (b !== 0 || op === '-' || op === '*')
  ) {
    // The common case, plain doubles, without the exact-number and date paths.
    if (op === '-') return a - b;
    if (op === '*') return a * b;
    if (op === '/') return a / b;
    if (op === '//') return Math.floor(a / b);
    return a - b * Math.floor(a / b);
  }
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (op === '-') {
    const temporal = temporalArithmetic('-', a, b);
    if (temporal !== undefined) return temporal;
  }
  if (op === '*') {
    const repeated = repeat(a, b) ?? repeat(b, a);
    if (repeated !== undefined) return repeated;
  }
  const p = toNumeric(a);
  const q = toNumeric(b);
  if (p === undefined || q === undefined)
    throw new TypeError(`cannot apply '${op}' to a ${typeName(a)} and a ${typeName(b)}`);
  if (op === '**') return power(p, q);
  let [x, y] = unify(p, q);
  if (op === '/') {
    x = Number(x);
    y = Number(y);
  }
  if ((op === '/' || op === '%' || op === '//') && (y === 0 || y === 0n))
    throw new RangeError('division by zero');
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    if (op === '-') return fromNumeric(x - y);
    if (op === '*') return fromNumeric(x * y);
    if (op === '//') {
      const quotient = x / y;
      return fromNumeric(quotient * y !== x && x < 0 !== y < 0 ? quotient - 1n : quotient);
    }
    return fromNumeric(((x % y) + y) % y);
  }
  const m = x as number;
  const n = y as number;
  if (op === '-') return m - n;
  if (op === '*') return m * n;
  if (op === '/') return m / n;
  if (op === '//') return Math.floor(m / n);
  return m - n * Math.floor(m / n);
}

/** `'ab' * 3` or `[0] * 3`, bounded; undefined if `sequence` is not a string or list. */
function repeat(sequence: unknown, count: unknown): unknown {
  if (typeof sequence !== 'string' && !Array.isArray(sequence)) return undefined;
  const n = toNumeric(count);
  if (typeof n !== 'number' || !Number.isInteger(n) || typeof count === 'boolean')
    throw new TypeError(`cannot multiply a ${typeName(sequence)} by a ${typeName(count)}`);
  if (n * sequence.length > MAX_LENGTH)
    throw new RangeError(`the result would be longer than ${MAX_LENGTH} (the expression limit)`);
  if (typeof sequence === 'string') return sequence.repeat(Math.max(n, 0));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...sequence);
  return out;
}

/** simpleeval refuses a base or exponent beyond 4,000,000; so do we. */
const MAX_POWER = 4_000_000;

function power(base: number | bigint, exponent: number | bigint): unknown {
  if (Math.abs(Number(base)) > MAX_POWER || Math.abs(Number(exponent)) > MAX_POWER)
    throw new RangeError(`'**' is limited to operands of at most ${MAX_POWER}`);
  if (Number.isInteger(Number(base)) && Number.isInteger(Number(exponent)) && Number(exponent) >= 0) {
    const result = BigInt(base) ** BigInt(exponent);
    if (result.toString().length > MAX_LENGTH) throw new RangeError('the result of ** is too large');
    return fromNumeric(result);
  }
  return Number(base) ** Number(exponent);
}

/** Both operands as bigints when one is a bigint and the other an integer, else both as doubles. */
function unify(x: number | bigint, y: number | bigint): [number, number] | [bigint, bigint] {
  if (typeof x === 'number' && typeof y === 'number') return [x, y];
  if (typeof x === 'bigint' && typeof y === 'bigint') return [x, y];
  const other = typeof x === 'number' ? x : (y as number);
  if (Number.isInteger(other)) return [BigInt(x), BigInt(y)];
  return [Number(x), Number(y)];
}

function add(a: unknown, b: unknown): unknown {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (typeof a === 'string' && typeof b === 'string') return checkLength(a + b);
  if (Array.isArray(a) && Array.isArray(b)) return checkLength([...a, ...b]);
  const temporal = temporalArithmetic('+', a, b);
  if (temporal !== undefined) return temporal;
  const p = toNumeric(a);
  const q = toNumeric(b);
  if (p === undefined || q === undefined || typeof a === 'string' || typeof b === 'string')
    throw new TypeError(`cannot add a ${typeName(a)} and a ${typeName(b)}; convert with str() or int()`);
  const [x, y] = unify(p, q);
  return typeof x === 'bigint' ? fromNumeric(x + (y as bigint)) : x + (y as number);
}

export function negate(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const n = toNumeric(value);
  if (n === undefined) throw new TypeError(`cannot negate a ${typeName(value)}`);
  return typeof n === 'bigint' ? fromNumeric(-n) : -n;
}

/** Ordering: numbers, strings, lists or dates with their own kind; anything involving null is false. */
function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  let x: unknown = toNumeric(a);
  let y: unknown = toNumeric(b);
  if (x === undefined || y === undefined) {
    const temporal = isTemporal(a) || isTemporal(b) ? temporalKey(a, b) : undefined;
    if (temporal !== undefined) [x, y] = temporal;
    else if (typeof a === 'string' && typeof b === 'string') {
      x = a;
      y = b;
    } else throw new TypeError(`cannot compare a ${typeName(a)} with a ${typeName(b)}`);
  }
  const p = x as number;
  const q = y as number;
  if (op === '<') return p < q;
  if (op === '<=') return p <= q;
  if (op === '>') return p > q;
  return p >= q;
}

function contains(item: unknown, container: unknown): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw new TypeError(`'in <string>' needs a string, got a ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((element) => equals(element, item));
  if (isPlainObject(container)) return Object.hasOwn(container, dictKey(item));
  throw new TypeError(`cannot look for a value in a ${typeName(container)}`);
}

export const BINARY: Record<BinaryOperator, (a: unknown, b: unknown) => unknown> = {
  '+': add,
  '-': (a, b) => arithmetic('-', a, b),
  '*': (a, b) => arithmetic('*', a, b),
  '/': (a, b) => arithmetic('/', a, b),
  '//': (a, b) => arithmetic('//', a, b),
  '%': (a, b) => arithmetic('%', a, b),
  '**': (a, b) => arithmetic('**', a, b),
  '==': equals,
  '!=': (a, b) => !equals(a, b),
  is: equals,
  'is not': (a, b) => !equals(a, b),
  '<': (a, b) => compare('<', a, b),
  '<=': (a, b) => compare('<=', a, b),
  '>': (a, b) => compare('>', a, b),
  '>=': (a, b) => compare('>=', a, b),
  in: contains,
  'not in': (a, b) => !contains(a, b),
};

export function toStr(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isExactNumber(value)) return value.toString();
  if (isTemporal(value)) return String(value);
  return JSON.stringify(value, (_key, v: unknown) =>
    isExactNumber(v) ? Number(v.toString()) : isTemporal(v) ? String(v) : v,
  );
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

export function toInt(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (!INTEGER_TEXT.test(value))
      throw new TypeError('int() cannot convert a string that is not an integer');
    return fromNumeric(BigInt(value.trim()));
  }
  const n = toNumeric(value);
  if (n === undefined) throw new TypeError(`int() cannot convert a ${typeName(value)}`);
  if (typeof n === 'bigint') return fromNumeric(n);
  if (!Number.isFinite(n)) throw new TypeError(`int() cannot convert ${n}`);
  const truncated = Math.trunc(n);
  return Number.isSafeInteger(truncated) ? truncated : fromNumeric(BigInt(truncated));
}

const FLOAT_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function toFloat(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (!FLOAT_TEXT.test(value)) throw new TypeError('float() cannot convert a string that is not a number');
    return Number(value);
  }
  const n = toNumeric(value);
  if (n === undefined) throw new TypeError(`float() cannot convert a ${typeName(value)}`);
  return Number(n);
}

export function length(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    let count = 0;
    for (const _ of value) count++;
    return count;
  }
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  throw new TypeError(`len() needs a string, list or object, got a ${typeName(value)}`);
}
