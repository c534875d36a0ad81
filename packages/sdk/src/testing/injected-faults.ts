/** What every emulator fault has: how many matching requests it affects, and which requests match. */
export interface InjectableFault {
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Only requests whose path (with query) contains this text, or matches it as `/regex/`. */
  path?: string;
}

export type PendingFault<F extends InjectableFault> = F & { remaining: number };

function pathMatches(path: string | undefined, pathAndQuery: string): boolean {
  if (!path) return true;
  if (path.length > 2 && path.startsWith('/') && path.endsWith('/')) {
    return new RegExp(path.slice(1, -1)).test(pathAndQuery);
  }
  return pathAndQuery.includes(path);
}

/**
 * The faults a test injected into an emulator, served first come first served: each use of a fault answers one
 * matching request until its `times` are spent. What a fault does is the emulator's (its vendor's bodies).
 */
export class InjectedFaults<F extends InjectableFault> {
  private readonly faults: PendingFault<F>[] = [];

  inject(faults: F | readonly F[]): void {
    for (const fault of Array.isArray(faults) ? (faults as readonly F[]) : [faults as F])
      this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The faults with uses left (an emulator's control endpoint lists them). */
  pending(): PendingFault<F>[] {
    return this.faults.filter((fault) => fault.remaining > 0);
  }

  /** Takes one use of the first fault with uses left that matches the request and `accept`, if any. */
  take(pathAndQuery: string, accept: (fault: F) => boolean = () => true): F | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && accept(f) && pathMatches(f.path, pathAndQuery));
    if (fault) fault.remaining -= 1;
    return fault;
  }
}
