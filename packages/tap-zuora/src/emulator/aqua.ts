import { AQUA_ERRORS, reject } from './aqua-errors.js';
import type { CsvOptions, DeletedColumn } from './csv.js';
import type { Row, Tenant } from './data.js';
import { planQuery, type QueryPlan } from './plan.js';
import { parseDateTime } from './tz.js';
import { parseZoql, ZoqlSyntaxError } from './zoql.js';

/** How an injected job ends instead of completing. */
export type JobOutcome = 'completed' | 'aborted' | 'error' | 'never';

export interface JobFault {
  outcome: JobOutcome;
  /** Batch message for aborted/error jobs. */
  message?: string;
  /** Only jobs querying this object (default: any). */
  object?: string;
  /** How many jobs it affects (default 1). */
  times?: number;
}

export interface AquaOptions {
  /** Time a job stays `submitted` before it executes (ms). Default 1,000. */
  submittedMs?: number;
  /** Execution time per query (ms). Default 2,000. */
  executingMs?: number;
  /** Concurrent submitted/executing jobs allowed per kind. Default 50 stateful + 50 stateless. */
  maxStateful?: number;
  maxStateless?: number;
  /** Partner ids the tenant recognises (any non-empty id when undefined). */
  partners?: string[];
  /** Rows per file segment for stateful full loads (File Segmentation); null = off (default). */
  segmentSize?: number | null;
  /** How long result files stay downloadable (ms). Default 3 days. */
  fileRetentionMs?: number;
  /** US data centres read `incrementalTime` in Pacific time, EU ones in UTC. Default 'US'. */
  region?: 'US' | 'EU';
}

interface DeletedSpec {
  column: string;
  format: 'Boolean' | 'Numeric';
  forceExport: boolean;
}

export interface Batch {
  batchId: string;
  name: string;
  query: string;
  type: string;
  apiVersion: string;
  plan: QueryPlan;
  deleted: DeletedSpec | null;
  full: boolean;
  /** Incremental window start (exclusive); null = full load. */
  fromMs: number | null;
  /** Reads changes up to this job's own start, or, for an `incrementalTime` job, without moving the session. */
  fileIds: string[] | null;
  recordCount: number | null;
}

export interface Job {
  id: string;
  /** AQuA job, or a REST Export object run on the same machinery. */
  kind: 'aqua' | 'export';
  name: string;
  partner: string | null;
  project: string | null;
  version: string;
  format: string;
  csv: CsvOptions;
  stateful: boolean;
  submittedMs: number;
  outcome: JobOutcome;
  message: string;
  cancelledMs: number | null;
  /** The previous job of the same stateful session: jobs of one session run one after another. */
  previous: Job | null;
  batches: Batch[];
  durationMs: number;
}

export interface ResultFile {
  id: string;
  job: Job;
  batch: Batch;
  /** Ordinal range of the batch's rows in this file (segments). */
  from: number;
  to: number;
  createdMs: number;
}

interface SessionQuery {
  sql: string;
  deletedKey: string;
  job: Job;
}

export type JobStatus = 'submitted' | 'executing' | 'completed' | 'error' | 'aborted' | 'cancelled';

/** AQuA jobs, stateful sessions and result files over the generated tenant, timed by the emulator clock. */
export class AquaStore {
  readonly jobs = new Map<string, Job>();
  readonly files = new Map<string, ResultFile>();
  private readonly sessions = new Map<string, Map<string, SessionQuery>>();
  private readonly lastCompleted = new Map<string, Job>();
  private faults: (JobFault & { remaining: number })[] = [];
  private seq = 0;
  readonly o: Required<Omit<AquaOptions, 'partners'>> & { partners?: string[] };

  constructor(
    private readonly tenant: Tenant,
    options: AquaOptions = {},
  ) {
    this.o = {
      submittedMs: options.submittedMs ?? 1000,
      executingMs: options.executingMs ?? 2000,
      maxStateful: options.maxStateful ?? 50,
      maxStateless: options.maxStateless ?? 50,
      segmentSize: options.segmentSize ?? null,
      fileRetentionMs: options.fileRetentionMs ?? 3 * 86_400_000,
      region: options.region ?? 'US',
      ...(options.partners ? { partners: options.partners } : {}),
    };
  }

  get timeZone(): string {
    return this.o.region === 'EU' ? 'UTC' : 'America/Los_Angeles';
  }

  injectJobFault(f: JobFault): void {
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  clearJobFaults(): void {
    this.faults = [];
  }

  startMs(job: Job): number {
    const own = job.submittedMs + this.o.submittedMs;
    return job.previous ? Math.max(own, this.endMs(job.previous)) : own;
  }

  endMs(job: Job): number {
    if (job.cancelledMs !== null) return job.cancelledMs;
    if (job.outcome === 'error') return job.submittedMs + this.o.submittedMs;
    if (job.outcome === 'never') return Number.POSITIVE_INFINITY;
    return this.startMs(job) + job.durationMs;
  }

  status(job: Job, now: number): JobStatus {
    if (job.cancelledMs !== null && job.cancelledMs <= now) return 'cancelled';
    if (job.outcome === 'error' && now >= job.submittedMs + this.o.submittedMs) return 'error';
    if (now < this.startMs(job)) return 'submitted';
    if (now < this.endMs(job)) return 'executing';
    return job.outcome === 'aborted' ? 'aborted' : 'completed';
  }

  submit(body: Record<string, unknown>, now: number, context: 'export' | 'rest-export' = 'export'): Job {
    const queries = Array.isArray(body.queries) ? (body.queries as Record<string, unknown>[]) : [];
    const version = String(body.version ?? '1.0');
    if (queries.length === 0) throw reject(AQUA_ERRORS.noQueries);
    if (queries.length > 50) throw reject(AQUA_ERRORS.tooManyQueries);
    const partner = typeof body.partner === 'string' && body.partner ? body.partner : null;
    const project = typeof body.project === 'string' && body.project ? body.project : null;
    const stateful = partner !== null && project !== null && Number(version) >= 1.1;
    if (stateful && this.o.partners && !this.o.partners.includes(partner!)) throw reject(AQUA_ERRORS.partner);
    let incrementalMs: number | null = null;
    if (body.incrementalTime !== undefined && body.incrementalTime !== null) {
      const text = String(body.incrementalTime);
      incrementalMs = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)
        ? parseDateTime(text, this.timeZone)
        : null;
      if (incrementalMs === null) throw reject(AQUA_ERRORS.badIncrementalTime, `(${text})`);
    }
    const active = [...this.jobs.values()].filter(
      (j) => j.stateful === stateful && ['submitted', 'executing'].includes(this.status(j, now)),
    ).length;
    if (active >= (stateful ? this.o.maxStateful : this.o.maxStateless))
      throw reject(AQUA_ERRORS.concurrency);

    const csv: CsvOptions = {
      timeZone: this.timeZone,
      dateTimeUtc: String(body.dateTimeUtc) === 'true',
      nullReplacement: typeof body.nullReplacement === 'string' ? body.nullReplacement : null,
      useQueryLabels: String(body.useQueryLabels) === 'true',
    };
    const sessionKey = stateful ? `${partner}\u0000${project}` : null;
    const session = sessionKey ? (this.sessions.get(sessionKey) ?? new Map<string, SessionQuery>()) : null;
    const planned = queries.map((q, i) => {
      const text = String(q.query ?? '');
      let plan: QueryPlan;
      try {
        plan = planQuery(parseZoql(text), this.tenant, this.timeZone, context);
      } catch (e) {
        if (e instanceof ZoqlSyntaxError) throw reject(AQUA_ERRORS.syntax);
        throw e;
      }
      const d = q.deleted as Record<string, unknown> | undefined;
      const deleted: DeletedSpec | null = d
        ? {
            column: String(d.column ?? 'Deleted'),
            format: d.format === 'Numeric' ? 'Numeric' : 'Boolean',
            forceExport: d.forceExport === true || d.forceExport === 'true',
          }
        : null;
      if (deleted && !plan.object.supportsDeleted) throw reject(AQUA_ERRORS.deletedUnsupported);
      if (deleted && !stateful && !deleted.forceExport) throw reject(AQUA_ERRORS.deletedStateless);
      return {
        name: String(q.name ?? `query${i + 1}`),
        text,
        type: String(q.type ?? 'zoql'),
        apiVersion: String(q.apiVersion ?? '91.0'),
        plan,
        deleted,
      };
    });

    const fault = this.takeFault(planned.map((p) => p.plan.object.name));
    const previous = sessionKey ? this.latestOfSession(sessionKey) : null;
    const job: Job = {
      id: this.newId(),
      kind: context === 'rest-export' ? 'export' : 'aqua',
      name: String(body.name ?? ''),
      partner,
      project,
      version,
      format: String(body.format ?? 'csv').toLowerCase(),
      csv,
      stateful,
      submittedMs: now,
      outcome: fault?.outcome ?? 'completed',
      message: fault?.message ?? '',
      cancelledMs: null,
      previous,
      batches: [],
      durationMs: this.o.executingMs * planned.length,
    };
    for (const p of planned) {
      const deletedKey = p.deleted ? `${p.deleted.column}/${p.deleted.format}` : '';
      const prior = session?.get(p.name);
      // Same SQL and deleted column in a live session: incremental since that job's start; anything else is full.
      const incremental =
        prior &&
        prior.sql === p.text &&
        prior.deletedKey === deletedKey &&
        now - prior.job.submittedMs < 180 * 86_400_000;
      let full = !(incrementalMs !== null || incremental);
      if (!stateful) full = true;
      job.batches.push({
        batchId: this.newId(),
        name: p.name,
        query: p.text,
        type: p.type,
        apiVersion: p.apiVersion,
        plan: p.plan,
        deleted: p.deleted,
        full,
        fromMs: !stateful
          ? null
          : incrementalMs !== null
            ? incrementalMs
            : incremental
              ? this.startMs(prior!.job)
              : null,
        fileIds: null,
        recordCount: null,
      });
      // incrementalTime reads without moving the session.
      if (session && incrementalMs === null) session.set(p.name, { sql: p.text, deletedKey, job });
    }
    if (sessionKey && session) this.sessions.set(sessionKey, session);
    this.jobs.set(job.id, job);
    return job;
  }

  cancel(job: Job, now: number): void {
    const s = this.status(job, now);
    if (s === 'completed') throw reject(AQUA_ERRORS.cancelInvalid);
    if (s === 'submitted' || s === 'executing') job.cancelledMs = now;
  }

  /** Files exist once a job completes; a completed job's batches get their file ids (or segments) then. */
  settle(job: Job, now: number): void {
    if (this.status(job, now) !== 'completed' || job.batches[0]?.fileIds) return;
    const created = this.endMs(job);
    for (const b of job.batches) {
      const n = this.countRows(job, b);
      b.recordCount = n;
      const size =
        this.o.segmentSize && job.stateful && b.full ? this.o.segmentSize : Number.POSITIVE_INFINITY;
      const ids: string[] = [];
      for (let from = 0; from < n || (from === 0 && ids.length === 0); from += size) {
        const file: ResultFile = {
          id: this.newId(),
          job,
          batch: b,
          from,
          to: Math.min(n, from + size),
          createdMs: created,
        };
        this.files.set(file.id, file);
        ids.push(file.id);
        if (n === 0) break;
      }
      b.fileIds = ids;
    }
    if (job.stateful && job.project && job.partner)
      this.lastCompleted.set(`${job.partner}\u0000${job.project}`, job);
  }

  lastCompletedJob(partner: string, project: string): Job | undefined {
    return this.lastCompleted.get(`${partner}\u0000${project}`);
  }

  /** Rows of a batch in output order, each with its deleted flag; computed on demand, never stored. */
  *batchRows(job: Job, b: Batch, withValues = true): Generator<{ row: Row | null; deleted: boolean }> {
    const asOf = this.startMs(job);
    const o = b.plan.object;
    const n = this.tenant.count(o);
    const order = this.order(b);
    let emitted = 0;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k]! : k;
      const t = this.tenant.times(o, i);
      if (t.createdMs > asOf) continue;
      const deletedNow = t.deletedMs !== null && t.deletedMs <= asOf;
      let deleted = false;
      if (b.fromMs === null) {
        if (deletedNow) {
          // Full loads leave deleted rows out; stateless jobs with forceExport list them, flagged.
          if (!(b.deleted?.forceExport && !job.stateful)) continue;
          deleted = true;
        }
      } else if (deletedNow) {
        const inWindow = t.deletedMs! > b.fromMs && t.deletedMs! >= asOf - 30 * 86_400_000;
        if (!b.deleted || !inWindow) continue;
        deleted = true;
      } else if (!(t.changedMs > b.fromMs && t.changedMs <= asOf)) continue;
      // Counting a query without conditions needs no values: only the row's times.
      const row = withValues || b.plan.filtered ? this.tenant.row(o, i) : null;
      if (row && !b.plan.matches(row)) continue;
      yield { row, deleted };
      if (b.plan.limit !== null && ++emitted >= b.plan.limit) return;
    }
  }

  deletedColumn(job: Job, b: Batch): DeletedColumn | null {
    if (!b.deleted) return null;
    return {
      header: job.csv.useQueryLabels ? `${b.plan.object.name}.${b.deleted.column}` : b.deleted.column,
      format: b.deleted.format,
    };
  }

  private countRows(job: Job, b: Batch): number {
    let n = 0;
    for (const _ of this.batchRows(job, b, false)) n++;
    return n;
  }

  /** Row indexes sorted by the `order by` field (only change fields are cheap to sort; others by value). */
  private order(b: Batch): Uint32Array | null {
    const ob = b.plan.orderBy;
    if (!ob) return null;
    const o = b.plan.object;
    const n = this.tenant.count(o);
    const keys = new Float64Array(n);
    const cheap = ob.field.name === o.changeField;
    for (let i = 0; i < n; i++) {
      if (cheap) keys[i] = this.tenant.times(o, i).changedMs;
      else {
        const v = this.tenant.row(o, i).values[ob.field.name];
        keys[i] =
          typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) || Number(v) || 0 : v ? 1 : 0;
      }
    }
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, c) => (ob.desc ? keys[c]! - keys[a]! : keys[a]! - keys[c]!) || a - c);
    return idx;
  }

  /** Zuora-style 32-hex ids, sequential per emulator so runs are reproducible. */
  private newId(): string {
    return `2c92c0f9${(++this.seq).toString(16).padStart(24, '0')}`;
  }

  private latestOfSession(key: string): Job | null {
    let latest: Job | null = null;
    for (const j of this.jobs.values()) {
      if (
        j.stateful &&
        `${j.partner}\u0000${j.project}` === key &&
        (!latest || j.submittedMs >= latest.submittedMs)
      )
        latest = j;
    }
    return latest;
  }

  private takeFault(objects: string[]): (JobFault & { remaining: number }) | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (!x.object || objects.includes(x.object)));
    if (f) f.remaining--;
    return f;
  }
}
