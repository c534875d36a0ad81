/** Requests-per-minute budgets of the Support API plans (account-wide). */
export const PLAN_RATE_LIMITS = {
  team: 200,
  growth: 400,
  professional: 400,
  enterprise: 700,
  enterprise_plus: 2500,
} as const;

/** A sliding 60-second window over accepted requests. Time is in milliseconds from the emulator clock. */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;

  constructor(public limit: number | null) {}

  private prune(now: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - 60_000) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }

  used(now: number): number {
    this.prune(now);
    return this.times.length - this.head;
  }

  remaining(now: number): number {
    return this.limit === null ? Number.MAX_SAFE_INTEGER : Math.max(0, this.limit - this.used(now));
  }

  /** Whole seconds until one more request fits (at least 1). */
  retryAfter(now: number): number {
    this.prune(now);
    const oldest = this.times[this.head];
    if (oldest === undefined) return 1;
    return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
  }

  /** Seconds until the window is empty again (the `ratelimit-reset` header). */
  resetIn(now: number): number {
    this.prune(now);
    const newest = this.times[this.times.length - 1];
    if (newest === undefined || this.head >= this.times.length) return 0;
    return Math.max(0, Math.ceil((newest + 60_000 - now) / 1000));
  }

  allows(now: number): boolean {
    return this.limit === null || this.used(now) < this.limit;
  }

  record(now: number): void {
    if (this.limit === null) return;
    this.times.push(now);
  }

  clear(): void {
    this.times.length = 0;
    this.head = 0;
  }
}
