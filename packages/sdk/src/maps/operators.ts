/**
 * What the operators and functions of stream-map expressions do to values. Python where users
 * expect it (`and`/`or` return an operand, `in`, truthiness of empty strings and lists); null
 * propagates through arithmetic, string functions and hashes; mismatched types raise. Error
 * messages name types, never values: values are PII.
 */
import { ExactNumber, isExactNumber, numberText } from '../json/lossless-json.js';
import type { BinaryOperator } from './expression.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isExactNumber(value);
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (isExactNumber(value) || typeof value === 'bigint') return 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Own properties only: `x.constructor` or `x['__proto__']` never reach the prototype. */
export function getProperty(object: unknown, key: string): unknown {
  if (object === null || object === undefined) return null;
  if (isPlainObject(object)) return Object.hasOwn(object, key) ? object[key] : null;
  throw new TypeError(`cannot read '${key}' of a ${typeName(object)}`);
}

export function getItem(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return null;
  if (typeof key === 'string' && isPlainObject(object)) return getProperty(object, key);
  if (Array.isArray(object) || typeof object === 'string') {
    const n = toNumeric(key);
    if (typeof n !== 'number' || !Number.isInteger(n))
      throw new TypeError(`a ${typeName(object)} index must be an integer, got ${typeName(key)}`);
    const index = n < 0 ? object.length + n : n;
    const item = object[index];
    return item === undefined ? null : item;
  }
  throw new TypeError(`cannot index a ${typeName(object)} with a ${typeName(key)}`);
}

export function callMethod(method: string, value: unknown, arg: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new TypeError(`${method}() needs a string, got a ${typeName(value)}`);
  switch (method) {
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
    case 'strip':
      return value.trim();
    case 'startswith':
    case 'endswith':
      if (typeof arg !== 'string')
        throw new TypeError(`${method}() needs a string argument, got a ${typeName(arg)}`);
      return method === 'startswith' ? value.startsWith(arg) : value.endsWith(arg);
    default:
      throw new TypeError(`unknown method '${method}'`);
  }
}

/** Python truthiness: null, false, 0, '', [] and {} are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'bigint':
      return value !== 0n;
    default:
      if (Array.isArray(value)) return value.length > 0;
      if (isExactNumber(value)) return Number(value.toString()) !== 0;
      return Object.keys(value as object).length > 0;
  }
}

/** A number, a bigint (exact integers beyond 2^53) or undefined if the value is not numeric. */
function toNumeric(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (isExactNumber(value)) {
    const text = value.toString();
    return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
  }
  return undefined;
}

/** Folds a bigint result back to a double when that is exact, else keeps it as an ExactNumber. */
function fromNumeric(value: number | bigint): unknown {
  if (typeof value === 'number') return value;
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : new ExactNumber(value.toString());
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const p = toNumeric(a);
  const q = toNumeric(b);
  if (p === undefined || q === undefined)
    throw new TypeError(`cannot apply '${op}' to a ${typeName(a)} and a ${typeName(b)}`);
  let [x, y] = unify(p, q);
  if (op === '/') {
    x = Number(x);
    y = Number(y);
  }
  if ((op === '/' || op === '%') && (y === 0 || y === 0n)) throw new RangeError('division by zero');
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    if (op === '-') return fromNumeric(x - y);
    if (op === '*') return fromNumeric(x * y);
    return fromNumeric((((x % y) + y) % y) as bigint);
  }
  const m = x as number;
  const n = y as number;
  if (op === '-') return m - n;
  if (op === '*') return m * n;
  if (op === '/') return m / n;
  return ((m % n) + n) % n;
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
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  const p = toNumeric(a);
  const q = toNumeric(b);
  if (p === undefined || q === undefined)
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

export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined)
    return (a === null || a === undefined) && (b === null || b === undefined);
  const x = toNumeric(a);
  const y = toNumeric(b);
  // biome-ignore lint/suspicious/noDoubleEquals: number == bigint compares the values exactly.
  if (x !== undefined && y !== undefined) return x == y;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => equals(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equals(a[k], b[k]))
    );
  }
  return false;
}

/** Ordering: numbers with numbers, strings with strings; anything involving null is false. */
function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  let x: unknown = toNumeric(a);
  let y: unknown = toNumeric(b);
  if (x === undefined || y === undefined) {
    if (typeof a !== 'string' || typeof b !== 'string')
      throw new TypeError(`cannot compare a ${typeName(a)} with a ${typeName(b)}`);
    x = a;
    y = b;
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
  if (isPlainObject(container)) return typeof item === 'string' && Object.hasOwn(container, item);
  throw new TypeError(`cannot look for a value in a ${typeName(container)}`);
}

export const BINARY: Record<BinaryOperator, (a: unknown, b: unknown) => unknown> = {
  '+': add,
  '-': (a, b) => arithmetic('-', a, b),
  '*': (a, b) => arithmetic('*', a, b),
  '/': (a, b) => arithmetic('/', a, b),
  '%': (a, b) => arithmetic('%', a, b),
  '==': equals,
  '!=': (a, b) => !equals(a, b),
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
  return JSON.stringify(value, (_key, v: unknown) => (isExactNumber(v) ? Number(v.toString()) : v));
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
