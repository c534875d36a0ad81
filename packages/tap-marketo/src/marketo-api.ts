import {
  type CallBudget,
  envelopeErrors,
  type HttpClient,
  type HttpRequest,
  type JobClock,
  type Logger,
  SingerError,
} from '@singer-ts/sdk';
import { type EnvelopePage, readEnvelope } from './api-errors.js';
import { nextCentralMidnight } from './central-time.js';

/**
 * What the HTTP client does with Marketo's `success:false` answers (HTTP 200): renew the token on
 * 601/602 and repeat once; wait out the rate window (606, 20 s) and the concurrency limit (615);
 * retry transient errors; wait for a full export queue (1029 "Too many jobs in queue"). Everything
 * else, the quotas included, fails the call with Marketo's code and message (see `quotaStop`).
 */
export const marketoErrors = envelopeErrors({
  reauthenticate: ['601', '602'],
  wait: { '606': 20_000, '615': 5_000 },
  retry: ['604', '608', '611', '614', '713'],
  refine: (code, message) =>
    code === '1029' && !/quota|already queued/i.test(message)
      ? { retryable: true, retryAfterMs: 60_000 }
      : undefined,
});

/** A failed call's Marketo code (kept by the SDK on the error as `vendorCode`). */
export function vendorCode(error: unknown): string | undefined {
  return error instanceof SingerError && typeof error.context.vendorCode === 'string'
    ? error.context.vendorCode
    : undefined;
}

/** Calls between two reads of Marketo's usage report (singer-io reads it every 250 calls too). */
export const USAGE_READ_EVERY = 250;

/**
 * Marketo's JSON calls for the streams: each call first checks the run's call budget (max_daily_calls),
 * and Marketo's own quota answers (607 daily calls, 1029 export quota) become a clean stop that says
 * when the quota resets (midnight US Central) instead of a failure.
 *
 * The budget counts the day, not just this run: before the first call and every 250 calls after,
 * `stats/usage.json` says how many calls the subscription made today (other integrations and
 * earlier runs included), and the budget takes that count when it is higher than its own.
 */
export class MarketoApi {
  private usageDueAt = 0;
  private usageRead: Promise<void> | undefined;

  constructor(
    readonly http: HttpClient,
    readonly budget: CallBudget,
    private readonly clock: JobClock,
    private readonly logger?: Logger,
  ) {}

  async call(stream: string, what: string, request: HttpRequest): Promise<EnvelopePage> {
    if (this.budget.used >= this.usageDueAt) {
      this.usageRead ??= this.readUsage(stream).finally(() => {
        this.usageRead = undefined;
      });
      await this.usageRead;
    }
    this.budget.ensure(1, what);
    try {
      const response = await this.http.json(request, { stream });
      return readEnvelope(response.body, what, { stream });
    } catch (error) {
      throw this.quotaStop(error) ?? error;
    }
  }

  /** Today's calls from Marketo's usage report into the budget; a report that fails is a warning. */
  private async readUsage(stream: string): Promise<void> {
    try {
      await this.addUsageReport(stream);
    } finally {
      this.usageDueAt = this.budget.used + USAGE_READ_EVERY;
    }
  }

  private async addUsageReport(stream: string): Promise<void> {
    const what = "today's usage report (stats/usage.json)";
    this.budget.ensure(1, what);
    let total: unknown;
    try {
      const response = await this.http.json({ url: '/rest/v1/stats/usage.json' }, { stream });
      total = (readEnvelope(response.body, what, { stream }).result[0] as { total?: unknown } | undefined)
        ?.total;
    } catch (error) {
      const stop = this.quotaStop(error);
      if (stop) throw stop;
      this.logger?.warn(
        `${what} failed (${(error as Error).message}); max_daily_calls counts this run's calls only until the next read`,
        { stream },
      );
      return;
    }
    // No result means no calls yet today.
    const today = total === undefined ? 0 : Number(total);
    if (!Number.isFinite(today)) {
      this.logger?.warn(`${what} answered a total of ${JSON.stringify(total)}; ignored`, { stream });
      return;
    }
    if (today > this.budget.used) this.budget.spend(today - this.budget.used);
    this.logger?.info(
      `Marketo counts ${today} calls today; ${this.budget.used} of max_daily_calls ${this.budget.limit} are used`,
      { stream },
    );
  }

  /** The clean stop for a Marketo quota error, or undefined for any other error. */
  quotaStop(error: unknown): Error | undefined {
    const code = vendorCode(error);
    const message = error instanceof Error ? error.message : '';
    const reset = nextCentralMidnight(this.clock.now());
    if (code === '607')
      return this.budget.vendorLimit(
        "Marketo's daily API quota (607)",
        'Marketo refused further calls today',
        reset,
      );
    if (code === '1029' && /quota/i.test(message))
      return this.budget.vendorLimit(
        "Marketo's daily bulk export quota (1029)",
        'the 500 MB of export files allowed per day are used',
        reset,
      );
    return undefined;
  }
}
