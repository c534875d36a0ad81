/**
 * The module functions expressions may call (`datetime.date.fromisoformat(d)`, `json.dumps(x)`),
 * each with the JSON Schema of its result, resolved by dotted path when the expression is compiled.
 * Anything else under `datetime` or `json` is refused at start-up, naming the path.
 */
import type { JSONSchema } from '../schema/json-schema.js';
import { fromTimestamp, now, PyDate, PyDateTime, PyTimedelta, PyTimezone } from './datetime.js';
import { jsonDumps, jsonLoads } from './python-json.js';
import { strptime } from './strftime.js';
import { toNumeric } from './values.js';

type Args = unknown[];
type Kwargs = Record<string, unknown>;

export interface ModuleFunction {
  call: (args: Args, kwargs: Kwargs) => unknown;
  /** Keyword arguments it accepts. */
  keywords: readonly string[];
  type: JSONSchema;
}

export const DATE_SCHEMA: JSONSchema = { type: ['string', 'null'], format: 'date' };
export const DATETIME_SCHEMA: JSONSchema = { type: ['string', 'null'], format: 'date-time' };
const STRING: JSONSchema = { type: ['string', 'null'] };

const DATETIME_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];
const TIMEDELTA_FIELDS = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];

function integers(args: Args, kwargs: Kwargs, names: string[], what: string): number[] {
  if (args.length > names.length) throw new TypeError(`${what}() takes at most ${names.length} arguments`);
  return names.map((name, i) => {
    const value = i < args.length ? args[i] : kwargs[name];
    if (value === undefined) return name === 'year' || name === 'month' || name === 'day' ? Number.NaN : 0;
    const n = toNumeric(value);
    if (typeof n !== 'number' || !Number.isInteger(n))
      throw new TypeError(`${what}(${name}=…) needs an integer`);
    return n;
  });
}

function timezone(value: unknown): PyTimezone | null {
  if (value === undefined || value === null) return null;
  if (value instanceof PyTimezone) return value;
  throw new TypeError('tzinfo/tz must be a datetime.timezone, such as datetime.timezone.utc');
}

export const MODULE_FUNCTIONS: Readonly<Record<string, ModuleFunction>> = {
  'datetime.datetime': {
    call: (args, kw) => {
      const fields = integers(args.slice(0, 7), kw, DATETIME_FIELDS, 'datetime');
      if (fields.slice(0, 3).some(Number.isNaN))
        throw new TypeError('datetime() needs a year, month and day');
      return PyDateTime.of(fields, timezone(args[7] ?? kw.tzinfo));
    },
    keywords: [...DATETIME_FIELDS, 'tzinfo'],
    type: DATETIME_SCHEMA,
  },
  'datetime.datetime.fromisoformat': {
    call: ([text]) => PyDateTime.fromisoformat(text),
    keywords: [],
    type: DATETIME_SCHEMA,
  },
  'datetime.datetime.strptime': {
    call: ([text, format]) => strptime(text, format),
    keywords: [],
    type: DATETIME_SCHEMA,
  },
  'datetime.datetime.now': {
    call: ([tz], kw) => now(timezone(tz ?? kw.tz) ?? undefined),
    keywords: ['tz'],
    type: DATETIME_SCHEMA,
  },
  'datetime.datetime.today': { call: () => now(undefined), keywords: [], type: DATETIME_SCHEMA },
  'datetime.datetime.utcnow': { call: () => now(undefined, true), keywords: [], type: DATETIME_SCHEMA },
  'datetime.datetime.fromtimestamp': {
    call: ([seconds, tz], kw) => fromTimestamp(seconds, timezone(tz ?? kw.tz)),
    keywords: ['tz'],
    type: DATETIME_SCHEMA,
  },
  'datetime.date': {
    call: (args, kw) => {
      const [year, month, day] = integers(args, kw, ['year', 'month', 'day'], 'date');
      return PyDate.of(year!, month!, day!);
    },
    keywords: ['year', 'month', 'day'],
    type: DATE_SCHEMA,
  },
  'datetime.date.fromisoformat': {
    call: ([text]) => PyDate.fromisoformat(text),
    keywords: [],
    type: DATE_SCHEMA,
  },
  'datetime.date.today': { call: () => now(undefined).date, keywords: [], type: DATE_SCHEMA },
  'datetime.timedelta': {
    call: (args, kw) => {
      if (args.length > TIMEDELTA_FIELDS.length) throw new TypeError('timedelta() takes at most 7 arguments');
      const parts: Record<string, unknown> = { ...kw };
      args.forEach((value, i) => {
        parts[TIMEDELTA_FIELDS[i]!] = value;
      });
      return PyTimedelta.of(parts);
    },
    keywords: TIMEDELTA_FIELDS,
    type: STRING,
  },
  'datetime.timezone': {
    call: ([offset]) => {
      if (!(offset instanceof PyTimedelta)) throw new TypeError('timezone() needs a timedelta offset');
      return new PyTimezone(offset.totalMicros / 1_000_000);
    },
    keywords: [],
    type: STRING,
  },
  'json.dumps': {
    call: ([value], kw) => jsonDumps(value, kw),
    keywords: ['default', 'sort_keys', 'indent', 'separators', 'ensure_ascii'],
    type: STRING,
  },
  'json.loads': { call: ([text]) => jsonLoads(text), keywords: [], type: {} },
};

/** Module constants readable by path. */
export const MODULE_VALUES: Readonly<Record<string, unknown>> = {
  'datetime.timezone.utc': PyTimezone.utc,
  'datetime.UTC': PyTimezone.utc,
};

/** Positional argument counts [min, max] of each module function. */
export const MODULE_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  'datetime.datetime': [0, 8],
  'datetime.datetime.fromisoformat': [1, 1],
  'datetime.datetime.strptime': [2, 2],
  'datetime.datetime.now': [0, 1],
  'datetime.datetime.today': [0, 0],
  'datetime.datetime.utcnow': [0, 0],
  'datetime.datetime.fromtimestamp': [1, 2],
  'datetime.date': [0, 3],
  'datetime.date.fromisoformat': [1, 1],
  'datetime.date.today': [0, 0],
  'datetime.timedelta': [0, 7],
  'datetime.timezone': [1, 1],
  'json.dumps': [1, 1],
  'json.loads': [1, 1],
};
