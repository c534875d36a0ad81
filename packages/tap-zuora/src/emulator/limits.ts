// Per-tenant request rate (sliding minute) and in-flight concurrency, with the headers Zuora sends on /v1 answers.

export interface LimitOptions {
  /** Requests per minute; null = unlimited (headers still sent). Default 50,000 (production tenant). */
  perMinute?: number | null;
  /** Concurrent in-flight requests. Default 40. */
  concurrency?: number;
}

export class Limits {
  perMinute: number | null;
  concurrency: number;
  inFlight = 0;
  private readonly window: number[] = [];

  constructor(o: LimitOptions = {}) {
    this.perMinute = o.perMinute === undefined ? 50_000 : o.perMinute;
    this.concurrency = o.concurrency ?? 40;
  }

  /** Counts a request (failed ones count too); returns its headers and whether it is over the rate. */
  admit(now: number): { headers: Record<string, string>; limited: boolean } {
    while (this.window.length > 0 && this.window[0]! <= now - 60_000) this.window.shift();
    const limit = this.perMinute ?? 50_000;
    const limited = this.perMinute !== null && this.window.length >= this.perMinute;
    if (!limited) this.window.push(now);
    const reset =
      this.window.length > 0 ? Math.max(1, Math.ceil((this.window[0]! + 60_000 - now) / 1000)) : 60;
    return {
      limited,
      headers: {
        'ratelimit-limit': `${limit}, ${limit};w=60`,
        'ratelimit-remaining': String(Math.max(0, limit - this.window.length)),
        'ratelimit-reset': String(reset),
        'Concurrency-Limit-Type': 'Default',
        'Concurrency-Limit-Limit': String(this.concurrency),
        'Concurrency-Limit-Remaining': String(Math.max(0, this.concurrency - this.inFlight - 1)),
      },
    };
  }

  reset(): void {
    this.window.length = 0;
  }
}
