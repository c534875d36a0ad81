/**
 * Date and time text → PostgreSQL's binary values (days, or microseconds, since 2000-01-01), exactly
 * as PostgreSQL's text input would read the same text, for a strict ISO 8601 / RFC 3339 grammar:
 *
 *   date       YYYY-MM-DD                       (years 0001-9999, real calendar days)
 *   time       HH:MM[:SS[.fraction]]            (00:00 to 23:59:59.999999…)
 *   timestamp  date[T ]time[Z|±HH|±HH:MM|±HHMM] (offset hours up to 15, as PostgreSQL allows)
 *
 * Anything else (other separators, lowercase `t`/`z`, `24:00`, named zones, `infinity`, BC, …)
 * is refused (undefined); the caller then loads the value as COPY text, so PostgreSQL decides.
 * The arithmetic is PostgreSQL's: fractional seconds are `rint(strtod(".fraction") * 1e6)` (the
 * double nearest the fraction, times 10^6 in double arithmetic, rounded half to even), a second of
 * 60 rolls over into the next minute, and the time of day may reach 24:00:00 but not pass it.
 */

export const MICROS_PER_SECOND = 1_000_000;
const SECONDS_PER_DAY = 86_400;
const MICROS_PER_DAY = SECONDS_PER_DAY * MICROS_PER_SECOND;
/** PostgreSQL's date2j(2000, 1, 1): dates and timestamps count from 2000-01-01. */
const POSTGRES_EPOCH_JDATE = 2_451_545;
/** Longest fraction read; longer ones are left to PostgreSQL (they are not worth the risk). */
const MAX_FRACTION_DIGITS = 18;
/** PostgreSQL's MAX_TZDISP_HOUR. */
const MAX_OFFSET_HOURS = 15;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** An instant or wall-clock time: whole seconds since 2000-01-01 00:00:00 plus 0..10^6 µs. */
export interface Moment {
  seconds: number;
  micros: number;
}

/** How a timestamp without an offset is read. */
export type ZonelessTimestamps = 'utc' | 'refuse';

/** The two-digit number at text[at, at + 2), or -1 (past the end charCodeAt is NaN, refused too). */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** PostgreSQL's date2j: the Julian day number of a proleptic Gregorian date. */
function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.trunc(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.trunc(y / 4) - century + Math.trunc(century / 4);
  julian += Math.trunc((7834 * m) / 256) + day;
  return julian;
}

/** Days since 2000-01-01 of `YYYY-MM-DD` at text[0, 10), or undefined. */
function daysAt(text: string): number | undefined {
  if (text.charCodeAt(4) !== 45 /* - */ || text.charCodeAt(7) !== 45) return undefined;
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const year = century * 100 + yearOfCentury;
  if (century < 0 || yearOfCentury < 0 || year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0)) return undefined;
  return date2j(year, month, day) - POSTGRES_EPOCH_JDATE;
}

/** C's rint() in its default rounding mode: to the nearest integer, halves to the even one. */
function rint(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest < 0.5) return floor;
  if (rest > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/**
 * Reads `HH:MM[:SS[.fraction]]` at text[at…] into `into` (seconds since midnight, a second of 60
 * counting as such, and 0..10^6 µs: a fraction may round up to a whole second, as in PostgreSQL).
 * Returns where the time ended, or -1.
 */
function readClock(text: string, at: number, maxSecond: number, into: Moment): number {
  const hour = twoDigits(text, at);
  const minute = twoDigits(text, at + 3);
  if (text.charCodeAt(at + 2) !== 58 /* : */ || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return -1;
  }
  let end = at + 5;
  let second = 0;
  let micros = 0;
  if (text.charCodeAt(end) === 58) {
    second = twoDigits(text, end + 1);
    if (second < 0 || second > maxSecond) return -1;
    end += 3;
    if (text.charCodeAt(end) === 46 /* . */) {
      let stop = end + 1;
      let digits = 0;
      while (stop < text.length) {
        const code = text.charCodeAt(stop);
        if (code < 48 || code > 57) break;
        digits = digits * 10 + code - 48;
        stop += 1;
      }
      const count = stop - end - 1;
      if (count === 0 || count > MAX_FRACTION_DIGITS) return -1;
      // PostgreSQL: rint(strtod(".fraction") * 1000000). Up to 6 digits that is the digits exactly
      // (the double's error is far below half a microsecond); beyond, the same double arithmetic,
      // as both parsers round the text to the nearest double.
      micros =
        count <= 6
          ? digits * (POWERS_OF_TEN[6 - count] as number)
          : rint(Number(text.slice(end, stop)) * MICROS_PER_SECOND);
      end = stop;
    }
  }
  const seconds = (hour * 60 + minute) * 60 + second;
  // PostgreSQL's time_overflows(): the time of day may be 24:00:00 exactly, never more.
  if (seconds * MICROS_PER_SECOND + micros > MICROS_PER_DAY) return -1;
  into.seconds = seconds;
  into.micros = micros;
  return end;
}

/** Days since 2000-01-01 of a `YYYY-MM-DD` date, or undefined for any other text. */
export function parseDate(text: string): number | undefined {
  return text.length === 10 ? daysAt(text) : undefined;
}

const clock: Moment = { seconds: 0, micros: 0 };

/** Microseconds since midnight of an `HH:MM[:SS[.fraction]]` time, or undefined. */
export function parseTime(text: string): number | undefined {
  // A second of 60 is refused here: time input and binary time disagree about 23:59:60.5.
  if (readClock(text, 0, 59, clock) !== text.length) return undefined;
  return clock.seconds * MICROS_PER_SECOND + clock.micros;
}

/**
 * Reads a timestamp into `into`, returning false when refused: with an offset, the UTC instant;
 * without one, per `zoneless`: read as UTC (right when the session's TimeZone is UTC) or refused.
 * `withOffset` false refuses offsets too (a `timestamp without time zone` column ignores them; such
 * values are left to PostgreSQL). `into` is the caller's, reused: parsing allocates nothing.
 */
export function parseTimestamp(
  text: string,
  zoneless: ZonelessTimestamps,
  withOffset: boolean,
  into: Moment,
): boolean {
  if (text.length < 16) return false;
  const separator = text.charCodeAt(10);
  if (separator !== 84 /* T */ && separator !== 32 /* space */) return false;
  const days = daysAt(text);
  if (days === undefined) return false;
  const end = readClock(text, 11, 60, into);
  if (end < 0) return false;
  const offset = offsetAt(text, end);
  if (offset === undefined) return false;
  if (offset === null ? zoneless === 'refuse' : !withOffset) return false;
  into.seconds += days * SECONDS_PER_DAY - (offset ?? 0);
  return true;
}

/**
 * The offset east of UTC in seconds that ends the text at `at`: `Z`, `±HH`, `±HH:MM` or `±HHMM`;
 * null when the text ends there, undefined for anything else.
 */
function offsetAt(text: string, at: number): number | null | undefined {
  const rest = text.length - at;
  if (rest === 0) return null;
  const code = text.charCodeAt(at);
  if (code === 90 /* Z */) return rest === 1 ? 0 : undefined;
  if (code !== 43 /* + */ && code !== 45 /* - */) return undefined;
  const hours = twoDigits(text, at + 1);
  let minutes = 0;
  if (rest === 6 && text.charCodeAt(at + 3) === 58 /* : */) minutes = twoDigits(text, at + 4);
  else if (rest === 5) minutes = twoDigits(text, at + 3);
  else if (rest !== 3) return undefined;
  if (hours < 0 || hours > MAX_OFFSET_HOURS || minutes < 0 || minutes > 59) return undefined;
  const seconds = (hours * 60 + minutes) * 60;
  return code === 45 ? -seconds : seconds;
}
