import { runExportJob, type StreamContext, type TimeWindow, timeWindows } from '@singer-ts/sdk';
import { ZuoraStateError } from './errors.js';
import { exportQuery } from './query.js';
import { isGoneFile, type Row, ZuoraStream } from './zuora-stream.js';

/** singer-io/tap-zuora's REST window: 30 days per Export object. */
const WINDOW_MS = 30 * 86_400_000;

/**
 * A stream read through the REST Export object (`api_type: REST`), as singer-io/tap-zuora reads it: the span
 * from the bookmark to the run's start in windows of 30 days, one export of `where rk >= start and rk < end`
 * each; a window's end becomes the bookmark once its file is read. No deleted rows (the Export object has none).
 * The export's id is saved to STATE with its window, so a killed run reads the same export again.
 */
export class ExportStream extends ZuoraStream {
  async *getRecords(context: StreamContext): AsyncGenerator<Row> {
    const rk = this.replicationKey;
    if (!rk) {
      yield* this.exportWindow(context, undefined);
      await this.forgetJob(context);
      return;
    }
    const from = this.startingPoint(context);
    for (const window of timeWindows(Date.parse(from), this.run.clock.now(), WINDOW_MS)) {
      yield* this.exportWindow(context, window);
      this.setBookmark(context, window.end);
      await this.forgetJob(context);
      if (context.signal.aborted) return;
    }
  }

  private async forgetJob(context: StreamContext): Promise<void> {
    delete context.bookmark.job_id;
    delete context.bookmark.job_window_end;
    await context.checkpoint?.();
  }

  private async *exportWindow(context: StreamContext, window: TimeWindow | undefined): AsyncGenerator<Row> {
    const bookmark = context.bookmark;
    const settings = this.run.config;
    const windowEnd = window?.end ?? null;
    const query = exportQuery(
      this.plan,
      this.fields(),
      window ? { from: window.start, to: window.end } : undefined,
    );
    const saved =
      bookmark.job_window_end === windowEnd && typeof bookmark.job_id === 'string'
        ? bookmark.job_id
        : undefined;
    const job = await runExportJob(this.run.api.exportJob(this.name, query), {
      stream: this.name,
      description: window ? `window ${window.start} → ${window.end}` : 'full export',
      pollIntervalMs: settings.poll_interval_ms,
      maxWaitMs: settings.max_job_wait_ms,
      savedJobId: saved,
      saveJobId: async (id) => {
        if (id === null) {
          delete bookmark.job_id;
          delete bookmark.job_window_end;
        } else {
          bookmark.job_id = id;
          bookmark.job_window_end = windowEnd;
        }
        await context.checkpoint?.();
      },
      clock: this.run.clock,
      signal: context.signal,
      logger: this.logger,
    });
    let rows = 0;
    for (const fileId of job.status.detail.fileIds) {
      try {
        for await (const batch of this.fileBatches('export', fileId, context)) {
          for (const record of batch) {
            rows += 1;
            yield record;
          }
        }
      } catch (error) {
        if (!isGoneFile(error) || rows > 0) throw error;
        await this.forgetJob(context);
        throw new ZuoraStateError(
          `file ${fileId} of export ${job.jobId} is gone (Zuora keeps export files 7 days); it is removed from STATE, run again to export from the bookmark`,
          { stream: this.name, fileId },
        );
      }
    }
    this.logger.info(
      `${window ? `window ${window.start} → ${window.end}` : 'full export'}: ${rows} rows from export ${job.jobId}${job.resumed ? ' (resumed)' : ''}`,
      { stream: this.name },
    );
  }
}
