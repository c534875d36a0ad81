// Tenant time-zone arithmetic through Intl (Node ships full ICU): AQuA renders date-times in the tenant's zone and
// reads offset-less literals and `incrementalTime` in Pacific time (US data centres) or UTC (EU).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const offsets = new Map<string, Map<number, number>>();

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (Pacific: -480 or -420). */
export function offsetMinutes(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  // Offsets change at most once a day, on a whole hour: a day whose start and end agree is cached whole (key
  // = -day - 1), a changeover day hour by hour. A few Intl calls per day instead of one per value.
  let cache = offsets.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsets.set(timeZone, cache);
  }
  const day = Math.floor(ms / 86_400_000);
  let off = cache.get(-day - 1);
  if (off !== undefined) return off;
  const hour = Math.floor(ms / 3_600_000);
  off = cache.get(hour);
  if (off !== undefined) return off;
  const start = intlOffset(day * 86_400_000, timeZone);
  if (start === intlOffset(day * 86_400_000 + 86_399_000, timeZone)) {
    cache.set(-day - 1, start);
    return start;
  }
  off = intlOffset(hour * 3_600_000, timeZone);
  cache.set(hour, off);
  return off;
}

function intlOffset(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DDThh:mm:ss±hhmm` (dateTimeUtc) or `YYYY-MM-DD hh:mm:ss` (local, no offset). */
export function formatDateTime(ms: number, timeZone: string, withOffset: boolean): string {
  const off = offsetMinutes(ms, timeZone);
  const local = new Date(ms + off * 60_000).toISOString();
  if (!withOffset) return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${local.slice(0, 19)}${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

/** ISO-8601 with a colon in the offset, as the SOAP API and REST query actions render date-times. */
export function formatIsoOffset(ms: number, timeZone: string): string {
  const s = formatDateTime(ms, timeZone, true);
  return `${s.slice(0, -2)}:${s.slice(-2)}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses a ZOQL or incrementalTime literal; without an offset it is wall time in `timeZone`. Null if malformed. */
export function parseDateTime(text: string, timeZone: string): number | null {
  const m = LOCAL.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  if (Number.isNaN(wall) || +mo! > 12 || +d! > 31 || +h > 23 || +mi > 59 || +s > 59) return null;
  if (zone === 'Z') return wall;
  if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  // Wall time → instant: guess with the offset at the wall time, then correct once across a DST change.
  let ms = wall - offsetMinutes(wall, timeZone) * 60_000;
  ms = wall - offsetMinutes(ms, timeZone) * 60_000;
  return ms;
}
