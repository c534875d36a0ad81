/**
 * A budget of calls for the whole run (a vendor's daily API quota, or the share of it this tap may
 * use). Every request counts once it is sent (retries included, as vendors count them); a stream
 * asks `ensure(n)` before work that needs n calls, so the run stops cleanly between units of work
 * instead of failing in the middle of one.
 */
import { RunStoppedError } from '../run-stop.js';

export interface CallBudgetOptions {
  /** Calls the run may make. */
  limit: number;
  /** Calls already made (today's count from the vendor's usage report). */
  used?: number;
  /** Names the limit in the stop message (`max_daily_calls`). */
  name?: string;
  /** When the budget renews (epoch ms), for the stop message; unknown when absent. */
  resetsAt?: (nowMs: number) => number;
  /** Clock, for tests. */
  now?: () => number;
}

/** The budget is used up; the run stops cleanly (exit 0) with the STATE of its finished work. */
export class CallBudgetExhaustedError extends RunStoppedError {
  override readonly code: string = 'SINGER_CALL_BUDGET_EXHAUSTED';
}

export class CallBudget {
  readonly limit: number;
  private usedCalls: number;
  private readonly options: CallBudgetOptions;

  constructor(options: CallBudgetOptions) {
    if (!(options.limit >= 0)) throw new RangeError(`call budget limit must be ≥ 0, got ${options.limit}`);
    this.limit = options.limit;
    this.usedCalls = options.used ?? 0;
    this.options = options;
  }

  get used(): number {
    return this.usedCalls;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.usedCalls);
  }

  /** Counts calls made. */
  spend(calls = 1): void {
    this.usedCalls += calls;
  }

  /** Throws CallBudgetExhaustedError unless `calls` more fit in the budget; `what` names the work. */
  ensure(calls: number, what: string): void {
    if (this.usedCalls + calls <= this.limit) return;
    throw this.exhausted(`${what} needs ${calls} more calls and ${this.remaining} remain`);
  }

  /** The stop for this budget: one line naming the limit, what is used and when it resets. */
  exhausted(detail: string): CallBudgetExhaustedError {
    const limitName = this.options.name ?? 'call budget';
    return this.stop(
      `${limitName} reached (${this.usedCalls} of ${this.limit} calls used): ${detail}`,
      limitName,
    );
  }

  /** The stop for a limit the vendor reported (its own daily quota), with when it resets if known. */
  vendorLimit(limitName: string, detail: string, resetsAtMs?: number): CallBudgetExhaustedError {
    return this.stop(`${limitName}: ${detail}`, limitName, resetsAtMs);
  }

  private stop(what: string, limitName: string, resetsAtMs?: number): CallBudgetExhaustedError {
    const reset = resetsAtMs ?? this.options.resetsAt?.((this.options.now ?? Date.now)());
    const resetsAt = reset === undefined ? undefined : new Date(reset).toISOString();
    return new CallBudgetExhaustedError(
      `stopped cleanly: ${what}${resetsAt ? `; it resets at ${resetsAt}` : ''}; the STATE written resumes from the last finished work`,
      { limit: limitName, used: this.usedCalls, ...(resetsAt ? { resetsAt } : {}) },
    );
  }
}
