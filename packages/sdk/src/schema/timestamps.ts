/**
 * Timestamps normalized to UTC RFC 3339 (`2024-05-01T10:34:56.123456Z`). Sub-millisecond digits are
 * kept as written, which a round trip through Date would lose; a timestamp without an offset is UTC.
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** The same instant in UTC, or undefined when the text is not an ISO-8601 timestamp. */
export function toUtcTimestamp(text: string): string | undefined {
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
