/**
 * Timestamps normalized to UTC RFC 3339 (`2024-05-01T10:34:56.123456Z`). Sub-millisecond digits are
 * kept as written, which a round trip through Date would lose; a timestamp without an offset is UTC.
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number at text[at, at + width) when those are all ASCII digits, else -1. */
function digitsAt(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Where `YYYY-MM-DDTHH:MM:SS[.fraction]` at the start of `text` ends, with every field in range (a
 * real calendar day, hours to 23), or -1. Years 0-99 count as out of range: Date.UTC reads them as
 * 1900-1999, so they take the slow paths to come out the same.
 */
function localDateTimeEnd(text: string): number {
  const n = text.length;
  if (n < 19) return -1;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return -1;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return -1;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return -1;
  if (text[19] !== '.') return 19;
  let end = 20;
  while (end < n && digitsAt(text, end, 1) >= 0) end += 1;
  return end === 20 ? -1 : end;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with every field in range: exactly what toUtcTimestamp returns
 * for it, found without the regex and the Date round trip (most API timestamps look like this).
 */
function isCanonicalUtc(text: string): boolean {
  const end = localDateTimeEnd(text);
  return end === text.length - 1 && text.charCodeAt(end) === 90 /* Z */;
}

/**
 * RFC 3339 with every field in range: `YYYY-MM-DDTHH:MM:SS[.fraction]` then `Z` or `±HH:MM`. A fast
 * yes for the timestamps APIs send; no means only "not in this form", not "invalid".
 */
export function isRfc3339DateTime(text: string): boolean {
  const end = localDateTimeEnd(text);
  if (end < 0) return false;
  if (end === text.length - 1) return text.charCodeAt(end) === 90 /* Z */;
  if (end !== text.length - 6 || text[end + 3] !== ':') return false;
  const sign = text[end];
  if (sign !== '+' && sign !== '-') return false;
  const hours = digitsAt(text, end + 1, 2);
  const minutes = digitsAt(text, end + 4, 2);
  return hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59;
}

/** Two-digit texts `00`…`99`, so formatting a field is one array read. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => pad(i));

function daysIn(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/**
 * The local date-time at the start of `text` (checked by localDateTimeEnd, seconds and fraction ending at
 * `end`) moved by `-offsetMinutes` to UTC, by calendar arithmetic: an offset is under a day, so the date moves
 * at most one day (and so one month or year) either way. Undefined when the UTC year leaves 100-9999.
 */
function shiftToUtc(text: string, end: number, offsetMinutes: number): string | undefined {
  let year = digitsAt(text, 0, 4);
  let month = digitsAt(text, 5, 2);
  let day = digitsAt(text, 8, 2);
  let minutes = digitsAt(text, 11, 2) * 60 + digitsAt(text, 14, 2) - offsetMinutes;
  if (minutes < 0) {
    minutes += 1440;
    day -= 1;
    if (day === 0) {
      month -= 1;
      if (month === 0) {
        month = 12;
        year -= 1;
      }
      day = daysIn(year, month);
    }
  } else if (minutes >= 1440) {
    minutes -= 1440;
    day += 1;
    if (day > daysIn(year, month)) {
      day = 1;
      month += 1;
      if (month === 13) {
        month = 1;
        year += 1;
      }
    }
  }
  if (year < 100 || year > 9999) return undefined;
  const hour = Math.floor(minutes / 60);
  const date = `${year < 1000 ? pad(year, 4) : String(year)}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
  return `${date}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minutes - hour * 60]}${text.slice(16, end)}Z`;
}

/**
 * toUtcTimestamp's result for the two other forms APIs send most, a date (`2024-05-01`) and a date-time
 * with a numeric offset (`…T10:34:56-0800`, `…+02:00`), without the regex or a Date; undefined for anything
 * else (which then takes the general path).
 */
function fastUtc(text: string): string | undefined {
  if (text.length === 10) {
    const dateTime = `${text}T00:00:00Z`;
    return isCanonicalUtc(dateTime) ? dateTime : undefined;
  }
  const end = localDateTimeEnd(text);
  if (end < 0) return undefined;
  const sign = text[end];
  if (sign !== '+' && sign !== '-') return undefined;
  const colon = text[end + 3] === ':' ? 1 : 0;
  if (text.length !== end + 5 + colon) return undefined;
  const hours = digitsAt(text, end + 1, 2);
  const minutes = digitsAt(text, end + 3 + colon, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  if (hours === 0 && minutes === 0) return `${text.slice(0, end)}Z`;
  return shiftToUtc(text, end, (sign === '-' ? -1 : 1) * (hours * 60 + minutes));
}

/** The same instant in UTC, or undefined when the text is not an ISO-8601 timestamp. */
export function toUtcTimestamp(text: string): string | undefined {
  if (isCanonicalUtc(text)) return text;
  const fast = fastUtc(text);
  if (fast !== undefined) return fast;
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction, zone] = match;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const millis = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (Number.isNaN(millis)) return undefined;
  const utc = new Date(millis - offsetMinutes * 60_000);
  if (utc.getUTCFullYear() > 9999 || utc.getUTCFullYear() < 0) return undefined;
  const date = `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;
  const time = `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  return `${date}T${time}${fraction ? `.${fraction}` : ''}Z`;
}

/** A Date or timestamp text as UTC RFC 3339; other values unchanged. */
export function normalizeTimestamp(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? value : value.toISOString();
  if (typeof value !== 'string') return value;
  return toUtcTimestamp(value) ?? value;
}
