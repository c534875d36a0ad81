/**
 * The emulator's clock. Tests freeze it and move it by hand, so token expiry, the 20 s rate window,
 * bulk job ticks, file expiry and the midnight-Central quota reset are crossed without real waiting.
 */
export class Clock {
  private fixed: number | null;
  private offset = 0;

  /** A fixed start time (epoch ms, ISO text or Date) freezes the clock; nothing follows real time. */
  constructor(now?: number | string | Date) {
    if (now === undefined) {
      this.fixed = null;
      return;
    }
    this.fixed = now instanceof Date ? now.getTime() : typeof now === 'string' ? Date.parse(now) : now;
    if (Number.isNaN(this.fixed)) throw new Error(`invalid emulator time: ${String(now)}`);
  }

  nowMs(): number {
    return this.fixed ?? Date.now() + this.offset;
  }

  advance(seconds: number): void {
    if (this.fixed !== null) this.fixed += seconds * 1000;
    else this.offset += seconds * 1000;
  }

  set(ms: number): void {
    this.fixed = ms;
  }

  get frozen(): boolean {
    return this.fixed !== null;
  }
}

/** `2024-05-01T12:00:00Z`: Lead DB timestamps, seconds precision. */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** `2015-05-21T22:45:13Z+0000`: how the Asset API writes timestamps (not valid ISO 8601). */
export const assetTime = (ms: number): string => `${isoSeconds(ms)}+0000`;

export { centralDay, centralIso, nextCentralMidnight } from '../central-time.js';
