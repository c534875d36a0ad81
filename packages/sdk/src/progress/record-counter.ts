/**
 * A tap's `record_count` METRIC lines as the Meltano SDK's record counter writes them: while a stream
 * emits, one line per interval (Meltano's 60 s) counting the records since the previous line, and one
 * with the rest when the stream ends, so a stream's lines add up to the records it emitted and a
 * dashboard summing them sees a long stream move.
 */
import type { Logger } from '../logging.js';

/** Meltano SDK's `DEFAULT_LOG_INTERVAL`. */
export const RECORD_COUNT_INTERVAL_MS = 60_000;

export class RecordCounter {
  private pending = 0;
  private lastLineAt: number;

  constructor(
    private readonly logger: Logger,
    private readonly stream: string,
    private readonly clock: () => number,
    private readonly intervalMs = RECORD_COUNT_INTERVAL_MS,
  ) {
    this.lastLineAt = clock();
  }

  /** One more record, emitted at `now` (the caller's clock reading, taken once per record). */
  increment(now: number): void {
    this.pending += 1;
    if (now - this.lastLineAt >= this.intervalMs) this.flush(now);
  }

  /** Logs the records counted since the last line (0 included: the stream ended with none new). */
  flush(now = this.clock()): void {
    this.logger.metric({
      type: 'counter',
      metric: 'record_count',
      value: this.pending,
      tags: { stream: this.stream },
    });
    this.pending = 0;
    this.lastLineAt = now;
  }
}
