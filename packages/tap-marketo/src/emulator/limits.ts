import { centralDay } from './time-format.js';

/** Calls admitted per sliding window (100 per 20 s per instance); the next one gets 606. */
export class RateWindow {
  private times: number[] = [];
  constructor(
    public limit: number | null = 100,
    public windowMs = 20_000,
  ) {}

  admit(now: number): boolean {
    if (this.limit === null) return true;
    const from = now - this.windowMs;
    while (this.times.length > 0 && (this.times[0] as number) <= from) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(now);
    return true;
  }

  /** Milliseconds until the oldest call leaves the window. */
  retryInMs(now: number): number {
    const oldest = this.times[0];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now);
  }

  clear(): void {
    this.times = [];
  }
}

/** Daily call counts per Central day and API user, and error counts, as stats/usage reports them. */
export class DailyUsage {
  private readonly calls = new Map<string, Map<string, number>>();
  private readonly errors = new Map<string, Map<string, number>>();

  constructor(public limit: number | null = 50_000) {}

  total(now: number): number {
    let sum = 0;
    for (const n of this.calls.get(centralDay(now))?.values() ?? []) sum += n;
    return sum;
  }

  exhausted(now: number): boolean {
    return this.limit !== null && this.total(now) >= this.limit;
  }

  count(user: string, now: number): void {
    bump(this.calls, centralDay(now), user);
  }

  countError(code: string, now: number): void {
    bump(this.errors, centralDay(now), code);
  }

  /** Adds calls made elsewhere (other integrations share the quota). */
  addCalls(user: string, n: number, now: number): void {
    bump(this.calls, centralDay(now), user, n);
  }

  usage(days: string[]): unknown[] {
    return days.map((date) => {
      const users = [...(this.calls.get(date) ?? new Map<string, number>()).entries()];
      return {
        date,
        total: users.reduce((s, [, n]) => s + n, 0),
        users: users.map(([userId, count]) => ({ userId, count })),
      };
    });
  }

  errorCounts(days: string[]): unknown[] {
    return days.map((date) => {
      const codes = [...(this.errors.get(date) ?? new Map<string, number>()).entries()];
      return {
        date,
        total: codes.reduce((s, [, n]) => s + n, 0),
        errors: codes.map(([errorCode, count]) => ({ errorCode, count })),
      };
    });
  }
}

function bump(map: Map<string, Map<string, number>>, day: string, key: string, n = 1): void {
  const m = map.get(day) ?? new Map<string, number>();
  map.set(day, m);
  m.set(key, (m.get(key) ?? 0) + n);
}
