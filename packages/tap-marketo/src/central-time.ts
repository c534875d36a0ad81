/** US Central time (America/Chicago, with DST): Marketo's day for its call and export quotas. */
const CENTRAL = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function centralParts(ms: number): { y: number; m: number; d: number; offsetMs: number } {
  const parts: Record<string, number> = {};
  for (const p of CENTRAL.formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return { y: parts.year!, m: parts.month!, d: parts.day!, offsetMs: asUtc - Math.floor(ms / 1000) * 1000 };
}

/** The calendar day in US Central, `YYYY-MM-DD`: the key of a quota day. */
export function centralDay(ms: number): string {
  const { y, m, d } = centralParts(ms);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Epoch ms of the next midnight in US Central after `ms`. */
export function nextCentralMidnight(ms: number): number {
  const { y, m, d, offsetMs } = centralParts(ms);
  const guess = Date.UTC(y, m - 1, d + 1) - offsetMs;
  // Across a DST change the offset at midnight differs from the one now by an hour.
  return Date.UTC(y, m - 1, d + 1) - centralParts(guess).offsetMs;
}

/** `2024-05-01T08:00:05-05:00`: bulk job metadata carries the instance's Central offset. */
export function centralIso(ms: number): string {
  const { offsetMs } = centralParts(ms);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMs).toISOString().slice(0, 19);
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
