/**
 * The pieces of Python's `datetime` module that Meltano's stream-map docs use and users reach for:
 * `date`, `datetime`, `timedelta` and fixed-offset `timezone`, with Python's ISO parsing and
 * printing (`fromisoformat`, `isoformat`, `str`), `strftime`/`strptime`, `timestamp()` and
 * arithmetic. Values are days since 1970-01-01 on the wall clock plus microseconds of the day, so
 * years 1–9999 work and no JavaScript `Date` quirk (two-digit years, DST) leaks in.
 */

const MICROS_PER_DAY = 86_400_000_000;
export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  return (
    daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    daysFromCivil(year, month, 1)
  );
}

function checkDate(year: number, month: number, day: number): void {
  for (const [name, value] of [
    ['year', year],
    ['month', month],
    ['day', day],
  ] as const)
    if (!Number.isInteger(value)) throw new TypeError(`${name} must be an integer`);
  if (year < 1 || year > 9999) throw new RangeError('year is out of range 1..9999');
  if (month < 1 || month > 12) throw new RangeError('month must be in 1..12');
  if (day < 1 || day > daysInMonth(year, month)) throw new RangeError('day is out of range for month');
}

export const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

export class PyTimezone {
  /** Offset from UTC in seconds. */
  constructor(readonly offset: number) {
    if (Math.abs(offset) >= 86_400) throw new RangeError('a timezone offset must be within a day');
  }
  static readonly utc = new PyTimezone(0);

  /** `+HH:MM` (with `:SS` when needed), as Python's isoformat prints it. */
  text(): string {
    const sign = this.offset < 0 ? '-' : '+';
    const abs = Math.abs(this.offset);
    const seconds = abs % 60;
    return `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${seconds ? `:${pad(seconds)}` : ''}`;
  }
}

export class PyTimedelta {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(readonly totalMicros: number) {
    if (!Number.isFinite(totalMicros)) throw new RangeError('timedelta is out of range');
    this.days = Math.floor(totalMicros / MICROS_PER_DAY);
    const rest = totalMicros - this.days * MICROS_PER_DAY;
    this.seconds = Math.floor(rest / 1_000_000);
    this.microseconds = Math.round(rest - this.seconds * 1_000_000);
  }

  static of(parts: Record<string, unknown>): PyTimedelta {
    const units: Record<string, number> = {
      weeks: 7 * MICROS_PER_DAY,
      days: MICROS_PER_DAY,
      hours: 3_600_000_000,
      minutes: 60_000_000,
      seconds: 1_000_000,
      milliseconds: 1000,
      microseconds: 1,
    };
    let total = 0;
    for (const [name, value] of Object.entries(parts)) {
      const unit = units[name];
      if (unit === undefined) throw new TypeError(`timedelta() has no argument '${name}'`);
      if (typeof value !== 'number') throw new TypeError(`timedelta(${name}=…) needs a number`);
      total += value * unit;
    }
    return new PyTimedelta(Math.round(total));
  }

  totalSeconds(): number {
    return this.totalMicros / 1_000_000;
  }

  /** Python's `str(timedelta)`: `1 day, 2:03:04.000005`. */
  toString(): string {
    const clock = `${Math.floor(this.seconds / 3600)}:${pad(Math.floor(this.seconds / 60) % 60)}:${pad(this.seconds % 60)}`;
    const micros = this.microseconds ? `.${pad(this.microseconds, 6)}` : '';
    const days = this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ` : '';
    return `${days}${clock}${micros}`;
  }
}

export class PyDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;

  constructor(readonly days: number) {
    [this.year, this.month, this.day] = civilFromDays(days);
  }

  static of(year: number, month: number, day: number): PyDate {
    checkDate(year, month, day);
    return new PyDate(daysFromCivil(year, month, day));
  }

  static fromisoformat(text: unknown): PyDate {
    const match = typeof text === 'string' ? /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text) : null;
    if (match === null) throw new TypeError('date.fromisoformat() needs a string like 2024-01-31');
    return PyDate.of(Number(match[1]), Number(match[2]), Number(match[3]));
  }

  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }

  weekday(): number {
    return (((this.days + 3) % 7) + 7) % 7;
  }

  toString(): string {
    return this.isoformat();
  }
}

export class PyDateTime {
  readonly date: PyDate;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;

  /** `days` and `micros` are on the wall clock; `tz` null for a naive datetime. */
  constructor(
    readonly days: number,
    readonly micros: number,
    readonly tz: PyTimezone | null,
  ) {
    this.date = new PyDate(days);
    this.hour = Math.floor(micros / 3_600_000_000);
    this.minute = Math.floor(micros / 60_000_000) % 60;
    this.second = Math.floor(micros / 1_000_000) % 60;
    this.microsecond = micros % 1_000_000;
  }

  static of(fields: number[], tz: PyTimezone | null): PyDateTime {
    const [year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0] = fields;
    checkDate(year, month, day);
    if (![hour, minute, second, microsecond].every(Number.isInteger))
      throw new TypeError('time fields must be integers');
    if (
      hour > 23 ||
      minute > 59 ||
      second > 59 ||
      microsecond > 999_999 ||
      Math.min(hour, minute, second, microsecond) < 0
    )
      throw new RangeError('a time field is out of range');
    const micros = ((hour * 60 + minute) * 60 + second) * 1_000_000 + microsecond;
    return new PyDateTime(daysFromCivil(year, month, day), micros, tz);
  }

  /** Wall-clock microseconds since the epoch shifted to UTC (aware) or as they are (naive). */
  get epochMicros(): number {
    return this.days * MICROS_PER_DAY + this.micros - (this.tz?.offset ?? 0) * 1_000_000;
  }

  static fromEpochMicros(utcMicros: number, tz: PyTimezone | null): PyDateTime {
    const wall = utcMicros + (tz?.offset ?? 0) * 1_000_000;
    const days = Math.floor(wall / MICROS_PER_DAY);
    return new PyDateTime(days, wall - days * MICROS_PER_DAY, tz);
  }

  /** Python 3.11's `datetime.fromisoformat`: date, optional time with fraction, optional offset or Z. */
  static fromisoformat(text: unknown): PyDateTime {
    const match =
      typeof text === 'string'
        ? /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?)?$/.exec(
            text,
          )
        : null;
    if (match === null) throw new TypeError('datetime.fromisoformat() needs an ISO 8601 string');
    const fraction = match[7] === undefined ? 0 : Number(match[7].slice(0, 6).padEnd(6, '0'));
    const fields = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0));
    return PyDateTime.of([...fields, fraction], parseOffset(match[8]));
  }

  isoformat(sep = 'T'): string {
    const time = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    const fraction = this.microsecond ? `.${pad(this.microsecond, 6)}` : '';
    return `${this.date.isoformat()}${sep}${time}${fraction}${this.tz?.text() ?? ''}`;
  }

  /** Seconds since the epoch; a naive datetime is local time, as in Python. */
  timestamp(): number {
    if (this.tz !== null) return this.epochMicros / 1_000_000;
    const local = new Date(0);
    local.setFullYear(this.date.year, this.date.month - 1, this.date.day);
    local.setHours(this.hour, this.minute, this.second, 0);
    return local.getTime() / 1000 + this.microsecond / 1_000_000;
  }

  toString(): string {
    return this.isoformat(' ');
  }
}

export function parseOffset(text: string | undefined): PyTimezone | null {
  if (text === undefined) return null;
  if (text === 'Z') return PyTimezone.utc;
  const digits = text.slice(1).replace(/:/g, '');
  const seconds =
    Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4) || 0);
  return new PyTimezone(text[0] === '-' ? -seconds : seconds);
}

/** The current time: naive local (`tz` undefined), or in the given zone. */
export function now(tz: PyTimezone | null | undefined, utcNaive = false): PyDateTime {
  const ms = Date.now();
  if (tz instanceof PyTimezone) return PyDateTime.fromEpochMicros(ms * 1000, tz);
  const offset = utcNaive ? 0 : -new Date(ms).getTimezoneOffset() * 60;
  const aware = PyDateTime.fromEpochMicros(ms * 1000, new PyTimezone(offset));
  return new PyDateTime(aware.days, aware.micros, null);
}

export function fromTimestamp(seconds: unknown, tz: unknown): PyDateTime {
  if (typeof seconds !== 'number') throw new TypeError('fromtimestamp() needs a number');
  const micros = Math.round(seconds * 1_000_000);
  if (tz instanceof PyTimezone) return PyDateTime.fromEpochMicros(micros, tz);
  const offset = -new Date(seconds * 1000).getTimezoneOffset() * 60;
  const local = PyDateTime.fromEpochMicros(micros, new PyTimezone(offset));
  return new PyDateTime(local.days, local.micros, null);
}

// ---- arithmetic ----------------------------------------------------------------------------------

export function isTemporal(value: unknown): value is PyDate | PyDateTime | PyTimedelta | PyTimezone {
  return (
    value instanceof PyDate ||
    value instanceof PyDateTime ||
    value instanceof PyTimedelta ||
    value instanceof PyTimezone
  );
}

/** `a + b` or `a - b` where either side is a date, datetime or timedelta; undefined if not temporal. */
export function temporalArithmetic(op: '+' | '-', a: unknown, b: unknown): unknown {
  if (!isTemporal(a) && !isTemporal(b)) return undefined;
  const sign = op === '+' ? 1 : -1;
  if (b instanceof PyTimedelta) {
    if (a instanceof PyTimedelta) return new PyTimedelta(a.totalMicros + sign * b.totalMicros);
    if (a instanceof PyDateTime) {
      const wall = a.days * MICROS_PER_DAY + a.micros + sign * b.totalMicros;
      const days = Math.floor(wall / MICROS_PER_DAY);
      return new PyDateTime(days, wall - days * MICROS_PER_DAY, a.tz);
    }
    if (a instanceof PyDate) return new PyDate(a.days + sign * b.days);
  }
  if (op === '+' && a instanceof PyTimedelta && (b instanceof PyDate || b instanceof PyDateTime))
    return temporalArithmetic('+', b, a);
  if (op === '-' && a instanceof PyDateTime && b instanceof PyDateTime) {
    if ((a.tz === null) !== (b.tz === null))
      throw new TypeError('cannot subtract a naive and an aware datetime');
    return new PyTimedelta(a.epochMicros - b.epochMicros);
  }
  if (op === '-' && a instanceof PyDate && b instanceof PyDate)
    return new PyTimedelta((a.days - b.days) * MICROS_PER_DAY);
  throw new TypeError(`cannot apply '${op}' to these date/time values`);
}

/** A number to order temporal values by, or undefined when `a` and `b` are not comparable. */
export function temporalKey(a: unknown, b: unknown): [number, number] | undefined {
  if (a instanceof PyDateTime && b instanceof PyDateTime) {
    if ((a.tz === null) !== (b.tz === null))
      throw new TypeError('cannot compare a naive and an aware datetime');
    return [a.epochMicros, b.epochMicros];
  }
  if (a instanceof PyDate && b instanceof PyDate) return [a.days, b.days];
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return [a.totalMicros, b.totalMicros];
  return undefined;
}

/** How a temporal value is written into a record: ISO text, as Meltano's JSON encoder does. */
export function temporalJson(value: PyDate | PyDateTime | PyTimedelta | PyTimezone): string {
  if (value instanceof PyTimezone) return value.offset === 0 ? 'UTC' : `UTC${value.text()}`;
  return value instanceof PyDateTime ? value.isoformat('T') : value.toString();
}
