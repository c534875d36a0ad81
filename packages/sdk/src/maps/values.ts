/**
 * What values are in stream-map expressions: JSON values (numbers beyond 2^53 as exact numbers),
 * tuples as arrays, dicts as plain objects with string keys (as JSON writes them), and the date/time
 * values of `datetime.ts`. The bounds live here too: no string or list an expression builds may
 * exceed MAX_LENGTH, as in simpleeval.
 */
import { ExactNumber, isExactNumber, numberText } from '../json/lossless-json.js';
import { isTemporal, PyDate, PyDateTime, PyTimedelta, temporalJson, temporalKey } from './datetime.js';

/** The longest string or list an expression may build (simpleeval's MAX_STRING_LENGTH). */
export const MAX_LENGTH = 100_000;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !isExactNumber(value) &&
    !isTemporal(value)
  );
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (isExactNumber(value) || typeof value === 'bigint') return 'number';
  if (value instanceof PyDateTime) return 'datetime';
  if (value instanceof PyDate) return 'date';
  if (value instanceof PyTimedelta) return 'timedelta';
  if (isTemporal(value)) return 'timezone';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Python truthiness: null, false, 0, '', [], {} and a zero timedelta are false. */
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
      if (value instanceof PyTimedelta) return value.totalMicros !== 0;
      if (isTemporal(value)) return true;
      return Object.keys(value as object).length > 0;
  }
}

/** A number, a bigint (exact integers beyond 2^53) or undefined if the value is not numeric. */
export function toNumeric(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isExactNumber(value)) {
    const text = value.toString();
    return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
  }
  return undefined;
}

/** Folds a bigint result back to a double when that is exact, else keeps it as an ExactNumber. */
export function fromNumeric(value: number | bigint): unknown {
  if (typeof value === 'number') return value;
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : new ExactNumber(value.toString());
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
  if (isTemporal(a) || isTemporal(b)) {
    const keys = temporalKey(a, b);
    return keys !== undefined && keys[0] === keys[1];
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equals(a[k], b[k]))
    );
  }
  return false;
}

/** The key a value becomes in a dict: JSON objects only have string keys (`{1: 'a'}` is `{"1": "a"}`). */
export function dictKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint' || isExactNumber(key))
    return numberText(key as number);
  if (typeof key === 'boolean' || key === null || key === undefined) return String(key ?? 'null');
  if (isTemporal(key)) return temporalJson(key);
  throw new TypeError(`a ${typeName(key)} cannot be a dict key`);
}

/** The items a `for` or a `list()`/`dict()`/`join()` walks: list items, characters, dict keys. */
export function iterate(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  throw new TypeError(`${where} cannot iterate over a ${typeName(value)}`);
}

export function checkLength<T extends string | unknown[]>(value: T): T {
  if (value.length > MAX_LENGTH)
    throw new RangeError(`the result would be longer than ${MAX_LENGTH} (the expression limit)`);
  return value;
}

/** Replaces date/time values (anywhere inside) by their ISO text, so the record is plain JSON. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isTemporal(value)) return temporalJson(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = toJsonValue(value[i]);
      if (item === value[i]) continue;
      out ??= value.slice();
      out[i] = item;
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = toJsonValue(value[key]);
    if (item === value[key]) continue;
    out ??= { ...value };
    out[key] = item;
  }
  return out ?? value;
}
