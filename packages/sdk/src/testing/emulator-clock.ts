/**
 * An emulator's clock: frozen at a given time and moved by hand, or following a source (real time unless given)
 * with an adjustable offset. Tests move it to cross token expiry, rate windows, job lifecycles and quota resets
 * without waiting.
 */
export class EmulatorClock {
  private fixed: number | null;
  private offset = 0;
  private readonly source: () => number;

  /** A fixed start time (epoch ms, ISO text or Date) freezes the clock; a function is the source to follow. */
  constructor(now?: number | string | Date | (() => number)) {
    this.source = typeof now === 'function' ? now : Date.now;
    if (now === undefined || typeof now === 'function') {
      this.fixed = null;
      return;
    }
    this.fixed = now instanceof Date ? now.getTime() : typeof now === 'string' ? Date.parse(now) : now;
    if (Number.isNaN(this.fixed)) throw new RangeError(`invalid emulator time: ${String(now)}`);
  }

  nowMs(): number {
    return this.fixed ?? this.source() + this.offset;
  }

  /** Moves the clock forward (or back, with a negative value) by `seconds`. */
  advance(seconds: number): void {
    if (this.fixed !== null) this.fixed += seconds * 1000;
    else this.offset += seconds * 1000;
  }

  /** Freezes the clock at `ms` (epoch milliseconds). */
  set(ms: number): void {
    this.fixed = ms;
  }

  get frozen(): boolean {
    return this.fixed !== null;
  }
}
