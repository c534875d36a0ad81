/**
 * Methods callable on values (`email.split('@')`, `fields.get('id')`, `d.isoformat()`) and attributes
 * readable on date/time values (`d.year`). A whitelist: each name maps to our own implementation
 * of Python's behaviour, so nothing reaches a JavaScript prototype. Methods of null give null, like
 * the rest of the language; error messages name types, never values (values are PII).
 */
import { PyDate, PyDateTime, PyTimedelta, PyTimezone } from './datetime.js';
import { strftime } from './strftime.js';
import { checkLength, dictKey, equals, isPlainObject, iterate, toNumeric, typeName } from './values.js';

type Method = (value: never, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function str(value: unknown, method: string, what = 'argument'): string {
  if (typeof value !== 'string')
    throw new TypeError(`${method}() needs a string ${what}, got a ${typeName(value)}`);
  return value;
}

function int(value: unknown, method: string): number {
  const n = toNumeric(value);
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw new TypeError(`${method}() needs an integer argument, got a ${typeName(value)}`);
  return n;
}

function stripSet(chars: unknown, method: string): (ch: string) => boolean {
  if (chars === undefined || chars === null) return (ch) => /\s/.test(ch);
  const set = str(chars, method);
  return (ch) => set.includes(ch);
}

function strip(value: string, chars: unknown, method: string, left: boolean, right: boolean): string {
  const drop = stripSet(chars, method);
  let start = 0;
  let end = value.length;
  if (left) while (start < end && drop(value[start]!)) start++;
  if (right) while (end > start && drop(value[end - 1]!)) end--;
  return value.slice(start, end);
}

/** Python's `str.split(sep=None, maxsplit=-1)`: whitespace runs when `sep` is None. */
function split(value: string, sep: unknown, maxsplit: unknown, fromRight: boolean): string[] {
  const limit = maxsplit === undefined || maxsplit === null ? -1 : int(maxsplit, 'split');
  if (sep === undefined || sep === null) {
    const words = value.trim() === '' ? [] : value.trim().split(/\s+/);
    if (limit < 0 || words.length <= limit + 1) return words;
    if (fromRight) {
      const tail = words.slice(words.length - limit);
      const head = value
        .trim()
        .split(/\s+/)
        .slice(0, words.length - limit)
        .join(' ');
      return [head, ...tail];
    }
    const parts: string[] = [];
    let rest = value.trimStart();
    for (let i = 0; i < limit; i++) {
      const match = /\s+/.exec(rest)!;
      parts.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    return [...parts, rest];
  }
  const separator = str(sep, 'split', 'separator');
  if (separator === '') throw new TypeError('split() separator cannot be empty');
  const all = value.split(separator);
  if (limit < 0 || all.length <= limit + 1) return all;
  if (fromRight) return [all.slice(0, all.length - limit).join(separator), ...all.slice(all.length - limit)];
  return [...all.slice(0, limit), all.slice(limit).join(separator)];
}

function affix(value: string, arg: unknown, method: 'startswith' | 'endswith'): boolean {
  const options = Array.isArray(arg) ? arg : [arg];
  return options.some((option) => {
    const text = str(option, method);
    return method === 'startswith' ? value.startsWith(text) : value.endsWith(text);
  });
}

const STRING_METHODS: Record<string, Method> = {
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  casefold: (s: string) => s.toLowerCase(),
  swapcase: (s: string) =>
    [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s: string) =>
    s
      .toLowerCase()
      .replace(
        /(^|[^\p{L}])(\p{L})/gu,
        (_m, before: string, letter: string) => before + letter.toUpperCase(),
      ),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  strip: (s: string, [chars]) => strip(s, chars, 'strip', true, true),
  lstrip: (s: string, [chars]) => strip(s, chars, 'lstrip', true, false),
  rstrip: (s: string, [chars]) => strip(s, chars, 'rstrip', false, true),
  startswith: (s: string, [prefix]) => affix(s, prefix, 'startswith'),
  endswith: (s: string, [suffix]) => affix(s, suffix, 'endswith'),
  removeprefix: (s: string, [prefix]) =>
    s.startsWith(str(prefix, 'removeprefix')) ? s.slice((prefix as string).length) : s,
  removesuffix: (s: string, [suffix]) => {
    const text = str(suffix, 'removesuffix');
    return text !== '' && s.endsWith(text) ? s.slice(0, -text.length) : s;
  },
  split: (s: string, [sep, maxsplit], kw) => split(s, kw.sep ?? sep, kw.maxsplit ?? maxsplit, false),
  rsplit: (s: string, [sep, maxsplit], kw) => split(s, kw.sep ?? sep, kw.maxsplit ?? maxsplit, true),
  splitlines: (s: string) =>
    s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  replace: (s: string, [from, to, count]) => {
    const old = str(from, 'replace');
    const replacement = str(to, 'replace');
    let limit = count === undefined ? -1 : int(count, 'replace');
    if (limit < 0) return checkLength(s.split(old).join(replacement));
    let out = '';
    let rest = s;
    while (limit-- > 0) {
      const at = rest.indexOf(old);
      if (at < 0) break;
      out += rest.slice(0, at) + replacement;
      rest = rest.slice(at + old.length);
      if (old === '') {
        out += rest.charAt(0);
        rest = rest.slice(1);
      }
    }
    return checkLength(out + rest);
  },
  join: (s: string, [items]) =>
    checkLength(
      iterate(items, 'join')
        .map((item) => str(item, 'join', 'item'))
        .join(s),
    ),
  find: (s: string, [sub]) => s.indexOf(str(sub, 'find')),
  rfind: (s: string, [sub]) => s.lastIndexOf(str(sub, 'rfind')),
  count: (s: string, [sub]) => {
    const text = str(sub, 'count');
    return text === '' ? [...s].length + 1 : s.split(text).length - 1;
  },
  zfill: (s: string, [width]) => {
    const sign = s.startsWith('-') || s.startsWith('+') ? s[0]! : '';
    return checkLength(sign + s.slice(sign.length).padStart(int(width, 'zfill') - sign.length, '0'));
  },
  isdigit: (s: string) => /^\d+$/.test(s),
  isnumeric: (s: string) => /^\p{N}+$/u.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
};

const DICT_METHODS: Record<string, Method> = {
  get: (d: Record<string, unknown>, [key, fallback]) => {
    const k = dictKey(key);
    return Object.hasOwn(d, k) ? d[k] : fallback === undefined ? null : fallback;
  },
  keys: (d: Record<string, unknown>) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.values(d),
  items: (d: Record<string, unknown>) => Object.entries(d),
};

const LIST_METHODS: Record<string, Method> = {
  index: (list: unknown[], [item]) => {
    const at = list.findIndex((element) => equals(element, item));
    if (at < 0) throw new RangeError('index(): the value is not in the list');
    return at;
  },
  count: (list: unknown[], [item]) => list.filter((element) => equals(element, item)).length,
};

const DATE_METHODS: Record<string, Method> = {
  isoformat: (d: PyDate | PyDateTime, [sep]) =>
    d instanceof PyDateTime ? d.isoformat(sep === undefined ? 'T' : str(sep, 'isoformat')) : d.isoformat(),
  strftime: (d: PyDate | PyDateTime, [format]) => strftime(d, format),
  weekday: (d: PyDate | PyDateTime) => (d instanceof PyDateTime ? d.date : d).weekday(),
  isoweekday: (d: PyDate | PyDateTime) => (d instanceof PyDateTime ? d.date : d).weekday() + 1,
  date: (d: PyDate | PyDateTime) => (d instanceof PyDateTime ? d.date : d),
  timestamp: (d: PyDate | PyDateTime) => {
    if (!(d instanceof PyDateTime)) throw new TypeError('timestamp() needs a datetime, got a date');
    return d.timestamp();
  },
};

const TIMEDELTA_METHODS: Record<string, Method> = {
  total_seconds: (d: PyTimedelta) => d.totalSeconds(),
};

/** Every method name some value type has: anything else is a syntax error. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  ...Object.keys(STRING_METHODS),
  ...Object.keys(DICT_METHODS),
  ...Object.keys(LIST_METHODS),
  ...Object.keys(DATE_METHODS),
  ...Object.keys(TIMEDELTA_METHODS),
]);

/** Names whose `.x(…)` calls are module functions (`datetime.date(…)`, `json.dumps(…)`, `fake.name()`). */
export function isModuleName(name: string | undefined): boolean {
  return name === 'datetime' || name === 'json' || name === 'fake';
}

function table(value: unknown): Record<string, Method> | undefined {
  if (typeof value === 'string') return STRING_METHODS;
  if (Array.isArray(value)) return LIST_METHODS;
  if (value instanceof PyDate || value instanceof PyDateTime) return DATE_METHODS;
  if (value instanceof PyTimedelta) return TIMEDELTA_METHODS;
  if (isPlainObject(value)) return DICT_METHODS;
  return undefined;
}

const NO_KEYWORDS: Readonly<Record<string, unknown>> = Object.freeze({});

export function callMethod(
  method: string,
  value: unknown,
  args: unknown[],
  kwargs: Record<string, unknown> = NO_KEYWORDS,
): unknown {
  if (value === null || value === undefined) return null;
  const methods = table(value);
  if (methods === undefined || !Object.hasOwn(methods, method))
    throw new TypeError(`a ${typeName(value)} has no method ${method}()`);
  return methods[method]!(value as never, args, kwargs);
}

const DATE_ATTRIBUTES = new Set(['year', 'month', 'day']);
const DATETIME_ATTRIBUTES = new Set([...DATE_ATTRIBUTES, 'hour', 'minute', 'second', 'microsecond']);
const TIMEDELTA_ATTRIBUTES = new Set(['days', 'seconds', 'microseconds']);

/** `x.key`: a property of an object (Meltano falls back to the item), or a date/time attribute. */
export function getAttribute(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return null;
  if (isPlainObject(value)) return Object.hasOwn(value, key) ? value[key] : null;
  if (value instanceof PyDateTime) {
    if (DATETIME_ATTRIBUTES.has(key))
      return key === 'year' || key === 'month' || key === 'day' ? value.date[key] : value[key as 'hour'];
    if (key === 'tzinfo') return value.tz;
  }
  if (value instanceof PyDate && DATE_ATTRIBUTES.has(key)) return value[key as 'year'];
  if (value instanceof PyTimedelta && TIMEDELTA_ATTRIBUTES.has(key)) return value[key as 'days'];
  if (value instanceof PyTimezone && key === 'utc') return PyTimezone.utc;
  throw new TypeError(`cannot read '${key}' of a ${typeName(value)}`);
}
