/** Emulator clock: frozen at a given time, or following a source with an adjustable offset. */
export class Clock {
  private fixed: number | null;
  private offset = 0;
  private readonly source: () => number;

  constructor(now?: number | string | Date | (() => number)) {
    this.source = typeof now === 'function' ? now : Date.now;
    if (now === undefined || typeof now === 'function') {
      this.fixed = null;
    } else {
      this.fixed = now instanceof Date ? now.getTime() : typeof now === 'string' ? Date.parse(now) : now;
      if (Number.isNaN(this.fixed)) throw new Error(`invalid now: ${String(now)}`);
    }
  }

  nowMs(): number {
    return this.fixed ?? this.source() + this.offset;
  }

  /** Moves the clock by `seconds` (negative moves it back). */
  advance(seconds: number): void {
    if (this.fixed !== null) this.fixed += seconds * 1000;
    else this.offset += seconds * 1000;
  }

  /** Freezes the clock at `ms` (epoch milliseconds). */
  set(ms: number): void {
    this.fixed = ms;
  }
}
