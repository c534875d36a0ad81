import { describe, expect, it } from 'vitest';
import {
  ExportJobCancelledError,
  ExportJobError,
  type ExportJobKind,
  type ExportJobStatus,
  ExportJobTimeoutError,
  type JobClock,
  runExportJob,
} from '../../src/sources/export-job.js';

/** A clock that moves only when the poller sleeps, recording each wait. */
function fakeClock(): JobClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/** A job kind whose statuses follow a script, one per status call (the last repeats). */
function scripted(statuses: ExportJobStatus<null>['phase'][], log: string[] = []): ExportJobKind<null> {
  let calls = 0;
  return {
    start: async () => {
      log.push('start');
      return 'job-1';
    },
    status: async (id) => {
      log.push(`status ${id}`);
      const phase = statuses[Math.min(calls++, statuses.length - 1)]!;
      return {
        phase,
        vendorStatus: phase === 'pending' ? 'Processing' : phase,
        detail: null,
        message: 'disk full',
      };
    },
  };
}

describe('runExportJob', () => {
  it('saves the job id before the first poll and polls with a growing interval until completed', async () => {
    const log: string[] = [];
    const clock = fakeClock();
    const job = await runExportJob(scripted(['pending', 'pending', 'pending', 'completed'], log), {
      stream: 'leads',
      pollIntervalMs: 1000,
      maxWaitMs: 60_000,
      clock,
      saveJobId: (id) => {
        log.push(`save ${id}`);
      },
    });
    expect(job).toMatchObject({ jobId: 'job-1', resumed: false, status: { phase: 'completed' } });
    expect(log.slice(0, 3)).toEqual(['start', 'save job-1', 'status job-1']);
    expect(clock.waits).toEqual([1000, 1500, 2250]);
  });

  it('resumes a saved job instead of starting a new one', async () => {
    const log: string[] = [];
    const job = await runExportJob(scripted(['pending', 'completed'], log), {
      stream: 'leads',
      pollIntervalMs: 1000,
      maxWaitMs: 60_000,
      clock: fakeClock(),
      savedJobId: 'job-1',
      saveJobId: () => {
        log.push('save');
      },
    });
    expect(job.resumed).toBe(true);
    expect(log).not.toContain('start');
  });

  it('fails a failed job naming the stream and the vendor message, and forgets its id', async () => {
    const saved: (string | null)[] = [];
    const error = await runExportJob(scripted(['pending', 'failed']), {
      stream: 'activities_visit_webpage',
      description: 'window 2024-01-01 → 2024-02-01',
      pollIntervalMs: 1000,
      maxWaitMs: 60_000,
      clock: fakeClock(),
      saveJobId: (id) => {
        saved.push(id);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportJobError);
    expect((error as ExportJobError).describe()).toBe(
      "SINGER_EXPORT_JOB_FAILED: stream 'activities_visit_webpage': export job job-1 (window 2024-01-01 → 2024-02-01) ended failed: disk full; the next run creates a new one",
    );
    expect(saved).toEqual(['job-1', null]);
  });

  it('reports a cancelled job with its own code', async () => {
    const error = await runExportJob(scripted(['cancelled']), {
      stream: 'leads',
      pollIntervalMs: 1000,
      maxWaitMs: 60_000,
      clock: fakeClock(),
      saveJobId: () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportJobCancelledError);
    expect((error as ExportJobCancelledError).code).toBe('SINGER_EXPORT_JOB_CANCELLED');
  });

  it('gives up on a job that never finishes after the bounded wait, keeping its id', async () => {
    const clock = fakeClock();
    const saved: (string | null)[] = [];
    const error = await runExportJob(scripted(['pending']), {
      stream: 'leads',
      pollIntervalMs: 60_000,
      maxPollIntervalMs: 300_000,
      maxWaitMs: 3_600_000,
      clock,
      saveJobId: (id) => {
        saved.push(id);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportJobTimeoutError);
    expect((error as Error).message).toMatch(
      /still Processing after 3600 s, beyond the longest wait of 3600 s/,
    );
    expect(clock.now()).toBe(3_600_000);
    expect(Math.max(...clock.waits)).toBe(300_000);
    expect(saved).toEqual(['job-1']);
  });

  it('starts a new job when the saved one cannot be resumed', async () => {
    const log: string[] = [];
    const kind = scripted(['completed'], log);
    kind.canResume = async () => false;
    const job = await runExportJob(kind, {
      stream: 'leads',
      pollIntervalMs: 1000,
      maxWaitMs: 60_000,
      clock: fakeClock(),
      savedJobId: 'old',
      saveJobId: () => undefined,
    });
    expect(job.resumed).toBe(false);
    expect(log).toEqual(['status old', 'start', 'status job-1']);
  });
});
