export type Json = Record<string, unknown>;

/** `YYYY-MM-DDTHH:MM:SSZ` from Unix seconds, as Zendesk formats record timestamps. */
export function iso(seconds: number): string {
  // Arithmetic civil-from-days (H. Hinnant): much cheaper than a Date per field on hot export paths.
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86_400);
  let rem = s - days * 86_400;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999) return `${new Date(s * 1000).toISOString().slice(0, 19)}Z`;
  return `${y}-${PAD2[m]}-${PAD2[d]}T${PAD2[hh]}:${PAD2[mm]}:${PAD2[ss]}Z`;
}

const PAD2 = Array.from({ length: 100 }, (_, k) => String(k).padStart(2, '0'));

/** Parses an ISO string, a Date or Unix seconds into Unix seconds. */
export function toSeconds(value: string | number | Date): number {
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (typeof value === 'number') return Math.floor(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`invalid date: ${value}`);
  return Math.floor(ms / 1000);
}

/** First i in [0, n) with f(i) >= target, assuming f is non-decreasing (n if none). */
export function lowerBoundBy(n: number, f: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (f(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const DAY = 86_400;
