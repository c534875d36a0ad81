import { seededHash } from '@singer-ts/sdk/testing';
import type { Dataset } from './dataset.js';
import { HttpFailure, MarketoFailure } from './envelope.js';
import { type ExportSpec, type FileStats, spoolFile } from './export-files.js';
import { centralDay, centralIso } from './time-format.js';

export type JobStatus = 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';

/** How a scripted job ends; jobs without a script complete. */
export type JobOutcome =
  | {
      outcome: 'complete' /** status Completed while file.json answers 404 (the #62 quirk). */;
      fileMissing?: boolean;
    }
  | { outcome: 'fail'; errorMsg?: string }
  | { outcome: 'cancel' }
  /** Processing forever (and holding one of the two processing slots). */
  | { outcome: 'never' };

export interface BulkLimits {
  /** Jobs processing at once. Default 2. */
  maxProcessing?: number;
  /** Jobs queued or processing. Default 10. */
  maxQueued?: number;
  /** Status changes at most this often. Default 60 s. */
  tickSeconds?: number;
  /** How long a job processes. Default 120 s. */
  processingSeconds?: number;
  /** Daily export budget (sum of completed fileSize per Central day). Default 500 MB. */
  dailyQuotaBytes?: number;
  /** Files are served this long after finishing. Default 7. */
  fileRetentionDays?: number;
  /** `Cancelled` (examples) or `Canceled` (the docs' list). Default Cancelled. */
  cancelledSpelling?: 'Cancelled' | 'Canceled';
}

export interface Job {
  exportId: string;
  kind: 'leads' | 'activities';
  clientId: string;
  spec: ExportSpec;
  status: JobStatus;
  createdAt: number;
  queuedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  finishAt?: number;
  errorMsg?: string;
  outcome: JobOutcome;
  stats?: Promise<FileStats>;
  /** Where the completed file is spooled. */
  file?: string;
}

const DAY = 86_400_000;

/** Options left undefined (an unset CLI flag) keep their defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The bulk extract queue: one for all job kinds and clients, as on Marketo. */
export class BulkJobs {
  readonly limits: Required<BulkLimits>;
  private readonly jobs = new Map<string, Job>();
  private readonly script: JobOutcome[] = [];
  private counter = 0;
  /** When a processing slot last came free: a queued job cannot start before it. */
  private freedAt = 0;

  constructor(
    private readonly data: Dataset,
    /** The path to spool a job's file to. */
    private readonly spool: (exportId: string) => string,
    limits: BulkLimits = {},
  ) {
    this.limits = {
      maxProcessing: 2,
      maxQueued: 10,
      tickSeconds: 60,
      processingSeconds: 120,
      dailyQuotaBytes: 500 * 1024 * 1024,
      fileRetentionDays: 7,
      cancelledSpelling: 'Cancelled',
      ...definedOnly(limits),
    };
  }

  /** The next jobs created end as listed, in order. */
  scriptOutcomes(outcomes: JobOutcome[]): void {
    this.script.push(...outcomes);
  }

  setLimits(limits: BulkLimits): void {
    Object.assign(this.limits, definedOnly(limits));
  }

  private newId(): string {
    this.counter += 1;
    const hex = [0, 1, 2, 3]
      .map((k) =>
        seededHash(this.data.seed, this.counter, 0xb0 + k)
          .toString(16)
          .padStart(8, '0'),
      )
      .join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  private tick(): number {
    return this.limits.tickSeconds * 1000;
  }

  /** Runs the queue forward to `now`: starts queued jobs in free slots, finishes due ones. */
  advance(now: number): void {
    for (;;) {
      const processing = [...this.jobs.values()].filter((j) => j.status === 'Processing');
      const queued = [...this.jobs.values()]
        .filter((j) => j.status === 'Queued')
        .sort((a, b) => (a.queuedAt ?? 0) - (b.queuedAt ?? 0));
      const finishing = processing.reduce<Job | undefined>(
        (best, j) => ((j.finishAt ?? Infinity) < (best?.finishAt ?? Infinity) ? j : best),
        undefined,
      );
      const nextFinish = finishing?.finishAt ?? Infinity;
      const head = queued[0];
      const nextStart =
        head && processing.length < this.limits.maxProcessing
          ? Math.max((head.queuedAt ?? now) + this.tick(), this.freedAt)
          : Infinity;
      const t = Math.min(nextFinish, nextStart);
      if (t > now || t === Infinity) return;
      if (finishing && nextFinish <= nextStart) this.finish(finishing, nextFinish);
      else if (head) this.start(head, nextStart);
    }
  }

  private start(job: Job, at: number): void {
    job.status = 'Processing';
    job.startedAt = at;
    const duration = Math.ceil((this.limits.processingSeconds * 1000) / this.tick()) * this.tick();
    job.finishAt = job.outcome.outcome === 'never' ? Infinity : at + Math.max(this.tick(), duration);
  }

  private finish(job: Job, at: number): void {
    job.finishedAt = at;
    job.finishAt = undefined;
    this.freedAt = Math.max(this.freedAt, at);
    if (job.outcome.outcome === 'fail') {
      job.status = 'Failed';
      job.errorMsg = job.outcome.errorMsg ?? 'Export job failed: internal error while generating the file';
    } else if (job.outcome.outcome === 'cancel') {
      job.status = 'Cancelled';
    } else {
      job.status = 'Completed';
      job.file = this.spool(job.exportId);
      job.stats = spoolFile(this.data, job.spec, job.file);
    }
  }

  /** Export bytes used on the Central day of `now` (completed files finished that day). */
  async quotaUsed(now: number): Promise<number> {
    const today = centralDay(now);
    let used = 0;
    for (const j of this.jobs.values()) {
      if (
        j.status === 'Completed' &&
        j.stats &&
        j.finishedAt !== undefined &&
        centralDay(j.finishedAt) === today
      ) {
        used += (await j.stats).fileSize;
      }
    }
    return used;
  }

  private async checkQuota(now: number): Promise<void> {
    if ((await this.quotaUsed(now)) >= this.limits.dailyQuotaBytes) {
      throw new MarketoFailure('1029', 'Export daily quota exceeded');
    }
  }

  async create(clientId: string, spec: ExportSpec, now: number): Promise<Job> {
    this.advance(now);
    await this.checkQuota(now);
    const job: Job = {
      exportId: this.newId(),
      kind: spec.kind,
      clientId,
      spec,
      status: 'Created',
      createdAt: now,
      outcome: this.script.shift() ?? { outcome: 'complete' },
    };
    this.jobs.set(job.exportId, job);
    return job;
  }

  /** A job of this client and kind, or the failure Marketo answers for an unknown id. */
  private own(clientId: string, kind: string, exportId: string, now: number): Job {
    const job = this.jobs.get(exportId);
    if (!job || job.clientId !== clientId || job.kind !== kind || now - job.createdAt > 30 * DAY) {
      throw new MarketoFailure('1003', `Export ${exportId} not found`);
    }
    return job;
  }

  async enqueue(clientId: string, kind: string, exportId: string, now: number): Promise<Job> {
    this.advance(now);
    const job = this.own(clientId, kind, exportId, now);
    if (job.status === 'Queued' || job.status === 'Processing')
      throw new MarketoFailure('1029', 'Job already queued');
    if (job.status !== 'Created') {
      throw new MarketoFailure(
        '1003',
        `Export ${exportId} has status ${this.spell(job.status)}; create a new job`,
      );
    }
    const active = [...this.jobs.values()].filter(
      (j) => j.status === 'Queued' || j.status === 'Processing',
    ).length;
    if (active >= this.limits.maxQueued) throw new MarketoFailure('1029', 'Too many jobs in queue');
    await this.checkQuota(now);
    job.status = 'Queued';
    job.queuedAt = now;
    return job;
  }

  cancel(clientId: string, kind: string, exportId: string, now: number): Job {
    this.advance(now);
    const job = this.own(clientId, kind, exportId, now);
    if (job.status === 'Created' || job.status === 'Queued' || job.status === 'Processing') {
      if (job.status === 'Processing') this.freedAt = Math.max(this.freedAt, now);
      job.status = 'Cancelled';
      job.finishedAt = now;
      job.finishAt = undefined;
    }
    return job;
  }

  get(clientId: string, kind: string, exportId: string, now: number): Job {
    this.advance(now);
    return this.own(clientId, kind, exportId, now);
  }

  /** Own jobs of the last 7 days, newest first, optionally by status. */
  list(clientId: string, kind: string, statuses: string[] | null, now: number): Job[] {
    this.advance(now);
    const wanted = statuses?.map((s) => (s === 'Canceled' ? 'Cancelled' : s));
    return [...this.jobs.values()]
      .filter((j) => j.clientId === clientId && j.kind === kind && now - j.createdAt <= 7 * DAY)
      .filter((j) => !wanted || wanted.includes(j.status))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The completed job whose file may be served, or the plain-text 404 Marketo sends. */
  async fileOf(
    clientId: string,
    kind: string,
    exportId: string,
    now: number,
  ): Promise<{ path: string; stats: FileStats }> {
    this.advance(now);
    const job = this.jobs.get(exportId);
    const notFound = new HttpFailure(404, `Export ${exportId} file not found`);
    if (!job || job.clientId !== clientId || job.kind !== kind || job.status !== 'Completed' || !job.stats)
      throw notFound;
    if (job.outcome.outcome === 'complete' && job.outcome.fileMissing) throw notFound;
    if (now - (job.finishedAt ?? now) > this.limits.fileRetentionDays * DAY) throw notFound;
    return { path: job.file as string, stats: await job.stats };
  }

  private spell(status: JobStatus): string {
    return status === 'Cancelled' ? this.limits.cancelledSpelling : status;
  }

  /** A job as create, enqueue, status and the job list show it: file facts null until it completes. */
  async describe(job: Job): Promise<Record<string, unknown>> {
    const stats = job.status === 'Completed' && job.stats ? await job.stats : null;
    const at = (ms: number | undefined) => (ms === undefined ? undefined : centralIso(ms));
    const out: Record<string, unknown> = {
      exportId: job.exportId,
      format: job.spec.format,
      status: this.spell(job.status),
      createdAt: at(job.createdAt),
    };
    if (job.queuedAt !== undefined) out.queuedAt = at(job.queuedAt);
    if (job.startedAt !== undefined) out.startedAt = at(job.startedAt);
    if (job.status !== 'Created') {
      out.finishedAt = at(job.finishedAt) ?? null;
      out.numberOfRecords = stats?.numberOfRecords ?? null;
      out.fileSize = stats?.fileSize ?? null;
      out.fileChecksum = stats?.fileChecksum ?? null;
    }
    if (job.status === 'Failed') out.errorMsg = job.errorMsg;
    return out;
  }

  state(): unknown[] {
    return [...this.jobs.values()].map((j) => ({
      exportId: j.exportId,
      kind: j.kind,
      status: j.status,
      outcome: j.outcome.outcome,
    }));
  }
}
