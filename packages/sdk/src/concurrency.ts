/**
 * The one bounded-concurrency primitive of the SDK: at most `limit` tasks run at once, the rest wait
 * in arrival order. Used for a target's parallel loads, a tap's parallel streams and a connector's
 * own fan-out (tap-zendesk's audit requests).
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency limit must be at least 1 (got ${limit})`);
  }

  /** Waits for a free slot; call the returned function once to give it back. */
  async acquire(): Promise<() => void> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.waiting.shift()?.();
    };
  }

  /** Runs `task` in a slot. */
  readonly run = async <T>(task: () => Promise<T>): Promise<T> => {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * Runs `work` over `items`, at most `limit` at once, in order of the list. The first failure stops
 * new items from starting (and aborts `stop`, so running ones can stop too) and is rethrown once
 * every running item has settled.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stop: AbortController = new AbortController(),
): Promise<void> {
  const queue = [...items];
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && !stop.signal.aborted) {
      const item = queue.shift()!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), queue.length) }, worker));
  if (failure) throw failure.error;
}
