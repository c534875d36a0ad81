/** Statements the emulator has seen, by handle and by requestId, with their outcome. */
import type { Partition, ResultColumn } from './results.js';
import type { SnowflakeSqlError } from './sql-errors.js';

export type StatementState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timedout';

export interface StatementEntry {
  handle: string;
  requestId: string | undefined;
  createdOn: number;
  state: StatementState;
  columns: ResultColumn[];
  partitions: Partition[];
  numRows: number;
  stats: Record<string, number> | undefined;
  /** Handles of the statements of a multi-statement request. */
  statementHandles: string[] | undefined;
  error: SnowflakeSqlError | undefined;
  timeoutSeconds: number;
  /** Resolves when the statement leaves `running`. */
  done: Promise<void>;
  /** Stops a statement still waiting to run (cancel, timeout). */
  abort: AbortController;
}

export class StatementRegistry {
  private readonly byHandle = new Map<string, StatementEntry>();
  private readonly byRequestId = new Map<string, StatementEntry>();
  private readonly applied = new Map<string, number>();

  add(entry: StatementEntry): void {
    this.byHandle.set(entry.handle, entry);
    if (entry.requestId !== undefined) this.byRequestId.set(entry.requestId, entry);
  }

  get(handle: string): StatementEntry | undefined {
    return this.byHandle.get(handle);
  }

  forRequest(requestId: string): StatementEntry | undefined {
    return this.byRequestId.get(requestId);
  }

  /** Counts one execution that changed (or read) the database for `requestId`. */
  countApplied(requestId: string | undefined): void {
    const key = requestId ?? '';
    this.applied.set(key, (this.applied.get(key) ?? 0) + 1);
  }

  appliedCount(requestId: string): number {
    return this.applied.get(requestId) ?? 0;
  }

  /** Every requestId executed more than once: a loader that applied a statement twice. */
  appliedMoreThanOnce(): string[] {
    return [...this.applied].filter(([key, count]) => key !== '' && count > 1).map(([key]) => key);
  }
}
