import { type CountWindow, runExportJob, type SourceCount, type StreamContext } from '@singer-ts/sdk';
import { ZuoraStateError } from './errors.js';
import { aquaJobBody, exportQuery, incrementalTime, zoqlCountQuery } from './query.js';
import { isGoneFile, laterOf, type Row, ZuoraStream } from './zuora-stream.js';

/**
 * A stream read through AQuA, one job per run, as singer-io/tap-zuora reads it: a stateful session (project
 * `{stream}_{version}`) asked for everything changed since the bookmark (`incrementalTime`, in the data centre's
 * time zone), with deleted rows flagged in `Deleted` when selected. The job id is saved to STATE before polling,
 * so a killed run reads the same job again; the bookmark becomes the latest replication value read only once
 * every file of the job is out. Streams without a replication key run a stateless full export each time.
 */
export class AquaStream extends ZuoraStream {
  async *getRecords(context: StreamContext): AsyncGenerator<Row> {
    const bookmark = this.bookmark(context);
    bookmark.version ??= Math.floor(this.run.clock.now() / 1000);
    const from = this.replicationKey ? this.startingPoint(context) : undefined;
    let latest: string | undefined;

    // A STATE written by singer-io may hold the files of a job it had finished: read those first.
    const saved = Array.isArray(bookmark.file_ids) ? bookmark.file_ids.map(String) : [];
    let fileIds: string[];
    let jobId: string | undefined;
    if (saved.length > 0 && bookmark.job_id === undefined) {
      fileIds = saved;
      this.logger.info(`reading ${saved.length} result file(s) an earlier run left in STATE`, {
        stream: this.name,
      });
    } else {
      const job = await this.runJob(context, from);
      jobId = job.jobId;
      fileIds = job.fileIds;
    }
    for (let i = 0; i < fileIds.length; i++) {
      const fileId = fileIds[i]!;
      let rows = 0;
      try {
        const rk = this.replicationKey;
        for await (const batch of this.fileBatches('aqua', fileId, context)) {
          for (const record of batch) {
            rows += 1;
            if (rk && record.Deleted !== true) latest = laterOf(latest, record[rk]);
            yield record;
          }
        }
      } catch (error) {
        if (!isGoneFile(error) || rows > 0) throw error;
        // Zuora purges result files after about 3 days: forget the job so the next run exports anew.
        delete bookmark.job_id;
        delete bookmark.file_ids;
        await context.checkpoint?.();
        throw new ZuoraStateError(
          `result file ${fileId} of ${jobId ? `AQuA job ${jobId}` : 'an earlier run'} is gone (Zuora keeps files about 3 days); it is removed from STATE, run again to export from the bookmark`,
          { stream: this.name, fileId },
        );
      }
    }
    if (from !== undefined) this.setBookmark(context, laterOf(latest, from)!);
    delete bookmark.job_id;
    delete bookmark.file_ids;
    await context.checkpoint?.();
  }

  /**
   * The live rows a run that reached `window.through` has read: the `recordCount` Zuora reports for a stateless
   * AQuA job selecting `Id` up to then (its file is never downloaded). Rows deleted in Zuora are not counted.
   */
  override async countRecords(window: CountWindow): Promise<SourceCount> {
    const through =
      window.through === undefined || window.through === null ? undefined : String(window.through);
    const query = zoqlCountQuery(this.plan, through);
    const settings = this.run.config;
    const job = await runExportJob(
      this.run.api.aquaJob(this.name, aquaJobBody({ name: `${this.name}_count`, query, deleted: false })),
      {
        stream: this.name,
        description: 'row count',
        pollIntervalMs: settings.poll_interval_ms,
        maxWaitMs: settings.max_job_wait_ms,
        saveJobId: () => {},
        clock: this.run.clock,
        logger: this.logger,
      },
    );
    const rows = job.status.detail.recordCount;
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0) {
      return { comparable: false, reason: `Zuora's AQuA job answered no recordCount for ${this.name}` };
    }
    return { comparable: true, rows, method: `AQuA recordCount of ${query}` };
  }

  private async runJob(context: StreamContext, from: string | undefined) {
    const bookmark = this.bookmark(context);
    const settings = this.run.config;
    const incremental = from !== undefined;
    // AQuA reads changes strictly after incrementalTime, to the second: one second earlier keeps a row stamped
    // in the bookmark's own second (re-read rows are idempotent by Id).
    const since = incremental
      ? new Date(Math.floor(Date.parse(from) / 1000) * 1000 - 1000).toISOString()
      : undefined;
    const project = `${this.name}_${String(bookmark.version)}`;
    const body = aquaJobBody({
      name: project,
      query: exportQuery(this.plan, this.fields()),
      // Full-table streams run stateless: a stateful session would answer only changes after the first run.
      ...(incremental ? { partner: settings.partner_id, project } : {}),
      deleted: incremental && this.deletedSelected(),
      incrementalTime: since ? incrementalTime(since, this.run.dataCentre().incrementalTimeZone) : undefined,
    });
    const job = await runExportJob(this.run.api.aquaJob(this.name, body), {
      stream: this.name,
      description: incremental ? `changes since ${from}` : 'full export',
      pollIntervalMs: settings.poll_interval_ms,
      maxWaitMs: settings.max_job_wait_ms,
      savedJobId: typeof bookmark.job_id === 'string' ? bookmark.job_id : undefined,
      saveJobId: async (id) => {
        if (id === null) delete bookmark.job_id;
        else bookmark.job_id = id;
        await context.checkpoint?.();
      },
      clock: this.run.clock,
      signal: context.signal,
      logger: this.logger,
    });
    const { fileIds, full, recordCount } = job.status.detail;
    this.logger.info(
      `AQuA job ${job.jobId}${job.resumed ? ' (resumed)' : ''}: ${recordCount ?? '?'} rows in ${fileIds.length} file(s), ${full ? 'full load' : 'increment'}`,
      { stream: this.name },
    );
    return { jobId: job.jobId, fileIds };
  }
}
