/** Failures the tests ask for: statuses (429 bursts, 5xx) and connections dropped mid-exchange. */
export type FaultPlace = 'submit' | 'status' | 'cancel' | 'any';

export type Fault =
  | { on?: FaultPlace; times?: number; status: 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  /** The statement runs (and commits), then the connection closes without an answer. */
  | { on?: 'submit'; times?: number; dropAfterExecute: true }
  /** The connection closes before the request is read. */
  | { on?: FaultPlace; times?: number; resetBeforeExecute: true };

/**
 * A statement whose text matches fails with a SQL error (422) instead of running, as a warehouse
 * that goes away or a privilege revoked between two statements would make it fail.
 */
export interface StatementFailure {
  statement: RegExp;
  times?: number;
  code?: string;
  message?: string;
}

interface Pending {
  fault: Fault;
  remaining: number;
}

export class FaultPlan {
  private readonly pending: Pending[] = [];
  private readonly failures: { failure: StatementFailure; remaining: number }[] = [];

  failStatement(failure: StatementFailure): void {
    this.failures.push({ failure, remaining: failure.times ?? 1 });
  }

  /** The failure planned for a statement with this text, used up. */
  statementFailure(statement: string): StatementFailure | undefined {
    const index = this.failures.findIndex((entry) => entry.failure.statement.test(statement));
    if (index < 0) return undefined;
    const entry = this.failures[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.failures.splice(index, 1);
    return entry.failure;
  }

  add(fault: Fault): void {
    this.pending.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
    this.failures.length = 0;
  }

  /** The next fault for a request at `place`, used up. */
  take(place: Exclude<FaultPlace, 'any'>): Fault | undefined {
    const index = this.pending.findIndex(
      (entry) => (entry.fault.on ?? 'submit') === place || entry.fault.on === 'any',
    );
    if (index < 0) return undefined;
    const entry = this.pending[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending.splice(index, 1);
    return entry.fault;
  }
}
