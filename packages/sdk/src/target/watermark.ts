/**
 * The STATE watermark. A STATE message may reach stdout only once every record read before it is
 * durably committed, whichever sink holds it. Each STATE is kept with its input line; the target
 * reports the input line of the oldest uncommitted record across all sinks (the low-water mark), and
 * every STATE read before that line becomes releasable. Only the newest releasable one is emitted:
 * a consumer keeps the last STATE anyway.
 */

interface PendingState {
  line: number;
  value: unknown;
}

/** Above this many held STATEs, every other one is dropped; releasing a later STATE is always safe. */
const MAX_PENDING = 10_000;

export class StateWatermark {
  private pending: PendingState[] = [];
  private head = 0;

  /** Holds a STATE read at `line`. */
  push(line: number, value: unknown): void {
    this.pending.push({ line, value });
    if (this.pending.length - this.head > MAX_PENDING) this.thin();
  }

  /**
   * Takes the newest STATE read before `lowWater` (the input line of the oldest uncommitted record,
   * Infinity when all are committed), or undefined when none has become releasable.
   */
  release(lowWater: number): { value: unknown } | undefined {
    let found: PendingState | undefined;
    while (this.head < this.pending.length) {
      const next = this.pending[this.head] as PendingState;
      if (next.line >= lowWater) break;
      found = next;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return found === undefined ? undefined : { value: found.value };
  }

  get size(): number {
    return this.pending.length - this.head;
  }

  private thin(): void {
    const live = this.pending.slice(this.head);
    const last = live[live.length - 1];
    const kept = live.filter((_, index) => index % 2 === 1);
    if (last !== undefined && kept[kept.length - 1] !== last) kept.push(last);
    this.pending = kept;
    this.head = 0;
  }
}
