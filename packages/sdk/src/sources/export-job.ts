/**
 * Asynchronous export jobs (Marketo Bulk Extract, Zuora AQuA): create and enqueue a job, poll its
 * status with a growing interval until it completes, fails or the total wait runs out, then hand
 * back its id for the download. The id is saved (to STATE, by the caller's `saveJobId`) before the
 * first poll, so a run killed while waiting picks the same job up instead of paying for a new one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SingerError } from '../errors.js';
import type { Logger } from '../logging.js';

/** A job's status in the SDK's words; the vendor's own status text travels in `vendorStatus`. */
export type ExportJobPhase = 'pending' | 'completed' | 'failed' | 'cancelled';

export interface ExportJobStatus<D = unknown> {
  phase: ExportJobPhase;
  /** The vendor's status text (`Queued`, `Processing`, `Completed`). */
  vendorStatus: string;
  /** Why a job failed, in the vendor's words. */
  message?: string;
  /** Whatever else the status carried (file size, checksum, row count). */
  detail: D;
}

export interface ExportJobKind<D = unknown> {
  /** Creates the job and queues it to run; returns its id. */
  start(): Promise<string>;
  status(jobId: string): Promise<ExportJobStatus<D>>;
  /**
   * Whether a job saved by an earlier run can still be used (its file still there); true unless
   * given. Called with the saved job's current status.
   */
  canResume?(jobId: string, status: ExportJobStatus<D>): Promise<boolean>;
}

/** Time for polling: real by default, injected in tests so nothing waits in real time. */
export interface JobClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: JobClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

export interface ExportJobOptions {
  /** Named in logs and errors. */
  stream: string;
  /** What the job exports, for messages (`window 2024-01-01 → 2024-01-31`). */
  description?: string;
  /** First wait between polls. */
  pollIntervalMs: number;
  /** Each wait is the last one times this (1.5 unless set), up to `maxPollIntervalMs`. */
  backoff?: number;
  /** Longest wait between polls; `pollIntervalMs` × 4 unless set. */
  maxPollIntervalMs?: number;
  /** Longest total wait for the job to finish. */
  maxWaitMs: number;
  /** A job id saved by an earlier run, to resume. */
  savedJobId?: string | undefined;
  /** Keeps the job id (null: forget it) where a later run finds it, before polling starts. */
  saveJobId(jobId: string | null): Promise<void> | void;
  clock?: JobClock;
  signal?: AbortSignal;
  logger?: Logger;
}

export class ExportJobError extends SingerError {
  override readonly code: string = 'SINGER_EXPORT_JOB_FAILED';
}

export class ExportJobCancelledError extends ExportJobError {
  override readonly code: string = 'SINGER_EXPORT_JOB_CANCELLED';
}

/** The job did not finish within `maxWaitMs`; its id stays saved, so the next run polls it again. */
export class ExportJobTimeoutError extends ExportJobError {
  override readonly code: string = 'SINGER_EXPORT_JOB_TIMEOUT';
}

export interface FinishedJob<D> {
  jobId: string;
  status: ExportJobStatus<D>;
  /** True when the job came from an earlier run's STATE. */
  resumed: boolean;
}

/** Runs (or resumes) one export job to completion; throws a clear error naming the stream otherwise. */
export async function runExportJob<D>(
  kind: ExportJobKind<D>,
  options: ExportJobOptions,
): Promise<FinishedJob<D>> {
  const clock = options.clock ?? realClock;
  const what = options.description ? ` (${options.description})` : '';
  let jobId: string | undefined;
  let resumed = false;
  if (options.savedJobId) {
    const saved = options.savedJobId;
    try {
      const status = await kind.status(saved);
      const usable =
        (status.phase === 'pending' || status.phase === 'completed') &&
        (await (kind.canResume?.(saved, status) ?? Promise.resolve(true)));
      if (usable) {
        jobId = saved;
        resumed = true;
        options.logger?.info(`resuming export job ${saved} saved by an earlier run${what}`, {
          stream: options.stream,
        });
      } else {
        options.logger?.info(
          `export job ${saved} saved by an earlier run is ${status.vendorStatus} without a file; starting a new one`,
          { stream: options.stream },
        );
      }
    } catch (error) {
      if (!(error instanceof SingerError) || error.exitCode === 0) throw error;
      options.logger?.warn(
        `export job ${saved} saved by an earlier run cannot be read (${error.message}); starting a new one`,
        { stream: options.stream },
      );
    }
  }
  if (jobId === undefined) {
    jobId = await kind.start();
    await options.saveJobId(jobId);
  }
  const started = clock.now();
  const backoff = options.backoff ?? 1.5;
  const maxInterval = options.maxPollIntervalMs ?? options.pollIntervalMs * 4;
  let interval = options.pollIntervalMs;
  for (;;) {
    const status = await kind.status(jobId);
    if (status.phase === 'completed') return { jobId, status, resumed };
    if (status.phase === 'failed' || status.phase === 'cancelled') {
      await options.saveJobId(null);
      const ErrorClass = status.phase === 'failed' ? ExportJobError : ExportJobCancelledError;
      throw new ErrorClass(
        `export job ${jobId}${what} ended ${status.vendorStatus}${status.message ? `: ${status.message}` : ''}; the next run creates a new one`,
        { stream: options.stream, jobId, vendorStatus: status.vendorStatus },
      );
    }
    const waited = clock.now() - started;
    if (waited >= options.maxWaitMs) {
      throw new ExportJobTimeoutError(
        `export job ${jobId}${what} is still ${status.vendorStatus} after ${Math.round(waited / 1000)} s, beyond the longest wait of ${Math.round(options.maxWaitMs / 1000)} s; its id is kept in STATE, so the next run picks it up (or raise the wait)`,
        { stream: options.stream, jobId, vendorStatus: status.vendorStatus },
      );
    }
    await clock.sleep(Math.min(interval, options.maxWaitMs - waited), options.signal);
    interval = Math.min(maxInterval, Math.round(interval * backoff));
  }
}
