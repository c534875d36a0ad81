/**
 * A client-side limiter shared by every stream of a tap: at most `requestsPerWindow` requests start
 * in any sliding `windowMs`, at most `maxConcurrency` are in flight, and a server's "slow down"
 * (a 429 with Retry-After) pauses everyone, not only the stream that received it. Waiters are served
 * in arrival order so no stream starves.
 */
export interface RateLimitOptions {
  /** Requests allowed to start within any window of `windowMs`; unlimited when absent. */
  requestsPerWindow?: number;
  /** Length of the sliding window; 60 s unless set. */
  windowMs?: number;
  /** Requests in flight at once (a request is in flight until its body is read); unlimited when absent. */
  maxConcurrency?: number;
}

/** Gives back the slot taken by `acquire`; calling it twice is harmless. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
}

export class RateLimiter {
  private readonly requestsPerWindow: number;
  private readonly windowMs: number;
  private readonly maxConcurrency: number;
  private readonly starts: number[] = [];
  private readonly waiters: Waiter[] = [];
  private active = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RateLimitOptions = {}) {
    this.requestsPerWindow = positive(options.requestsPerWindow, 'requestsPerWindow') ?? Infinity;
    this.windowMs = positive(options.windowMs, 'windowMs') ?? 60_000;
    this.maxConcurrency = positive(options.maxConcurrency, 'maxConcurrency') ?? Infinity;
  }

  /** Resolves once a request may start. */
  acquire(): Promise<Release> {
    return new Promise((resolve) => {
      this.waiters.push({ grant: resolve });
      this.pump();
    });
  }

  /** Holds every new request until `time` (epoch ms), for a server-side limit shared by all streams. */
  pauseUntil(time: number): void {
    if (time > this.pausedUntil) this.pausedUntil = time;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      const now = Date.now();
      const wait = this.waitMs(now);
      if (wait === undefined) return;
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
      const waiter = this.waiters.shift()!;
      this.active += 1;
      if (this.requestsPerWindow !== Infinity) this.starts.push(now);
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        this.active -= 1;
        this.pump();
      });
    }
  }

  /** Milliseconds until the next start is allowed; undefined when only a release can free a slot. */
  private waitMs(now: number): number | undefined {
    if (this.active >= this.maxConcurrency) return undefined;
    if (now < this.pausedUntil) return this.pausedUntil - now;
    while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) this.starts.shift();
    if (this.starts.length >= this.requestsPerWindow) return this.starts[0]! + this.windowMs - now;
    return 0;
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0)) throw new RangeError(`rate limit ${name} must be a positive number, got ${value}`);
  return value;
}
