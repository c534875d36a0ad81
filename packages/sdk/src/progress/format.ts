/** Numbers and durations as progress lines print them. */

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A rate per second over `ms`, as a whole number (0 for no time). */
export function perSecond(amount: number, ms: number): number {
  return ms > 0 ? Math.round((amount * 1000) / ms) : 0;
}

export function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A bookmark or STATE value, short enough for one log line. */
export function shortJson(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? 'none';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `1 page`, `2 pages`, with the count formatted. */
export function counted(value: number, one: string, many = `${one}s`): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}
