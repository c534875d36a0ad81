import { compileCsvRecordPlan, HttpError, Stream, type StreamContext, toUtcTimestamp } from '@singer-ts/sdk';
import { csvRowBatchesOf } from './csv-records.js';
import { NO_DELETED_RECORDS } from './deleted-support.js';
import { ZuoraCsvError, ZuoraStateError } from './errors.js';
import { selectList } from './query.js';
import type { ZuoraRun } from './run.js';
import type { StreamPlan } from './stream-schema.js';

export type Row = Record<string, unknown>;

/** The bookmark keys this tap keeps beside the SDK's, in singer-io/tap-zuora's names where it has them. */
export interface ZuoraBookmark {
  /** singer-io: the replication key's value under its own name (`"UpdatedDate": "…"`). */
  [replicationKey: string]: unknown;
  /** singer-io: the AQuA session's version; the stateful project is `{stream}_{version}`. */
  version?: number;
  /** singer-io: result files of a finished job not yet read. */
  file_ids?: string[] | null;
  /** The export job (AQuA job or Export object) started and not yet read to the end. */
  job_id?: string;
}

/** A file Zuora no longer serves (AQuA keeps files about 3 days, the Export object 7). */
export function isGoneFile(error: unknown): boolean {
  return error instanceof HttpError && error.context.status === 404;
}

/**
 * A Zuora object read through an export job whose CSV result files are downloaded while they are parsed. The
 * stream moves its own bookmark (`managesBookmark`): only once every row of a job is out.
 */
export abstract class ZuoraStream extends Stream<Row, ZuoraRun['config']> {
  override readonly managesBookmark = true;
  override readonly conformedRecords = true;
  readonly name: string;
  readonly schema: StreamPlan['schema'];
  override readonly primaryKeys: string[] = ['Id'];
  override readonly replicationKey: string | undefined;
  override readonly selectedByDefault: boolean = true;
  override readonly discoveryMetadata: Record<string, unknown> = {};

  constructor(
    protected readonly run: ZuoraRun,
    readonly plan: StreamPlan,
  ) {
    super(run);
    this.name = plan.stream;
    this.schema = plan.schema;
    this.replicationKey = plan.replicationKey ?? undefined;
    if (plan.unavailable) {
      this.selectedByDefault = false;
      this.discoveryMetadata = { inclusion: 'unsupported', 'tap-zuora.unavailable': plan.unavailable };
    }
  }

  /** The select list: automatic and selected properties, joined ids as `Related.Id`, never `Deleted`. */
  protected fields(): string[] {
    const selected = new Set(
      this.plan.properties
        .filter((p) => this.run.isPropertySelected(this.name, p.property))
        .map((p) => p.property),
    );
    return selectList(this.plan, selected);
  }

  /** Whether the catalog asks for the deleted flag and the object offers it (never for singer-io's skip list). */
  protected deletedSelected(): boolean {
    return (
      !NO_DELETED_RECORDS.has(this.name) &&
      this.plan.properties.some((p) => p.type === 'deleted') &&
      this.run.isPropertySelected(this.name, 'Deleted')
    );
  }

  /**
   * The records of one result file in batches, typed by the stream's schema and built to the run's selected
   * schema exactly as the SDK's conformer would (so `conformedRecords`: the Tap emits them without a copy).
   */
  protected async *fileBatches(
    kind: 'aqua' | 'export',
    fileId: string,
    context: StreamContext,
  ): AsyncGenerator<Row[]> {
    const bytes = this.run.api.file(this.name, kind, fileId);
    const plan = compileCsvRecordPlan(this.name, this.schema, {
      error: ZuoraCsvError,
      ...(context.schema ? { emitSchema: context.schema } : {}),
    });
    yield* csvRowBatchesOf(
      bytes,
      {
        stream: this.name,
        file: fileId,
        onNulBytes: (n) =>
          this.logger.warn(`file ${fileId} held ${n} NUL bytes; they were removed`, { stream: this.name }),
      },
      plan,
    );
  }

  /** Where an incremental read starts: the bookmark, else start_date, as UTC. */
  protected startingPoint(context: StreamContext): string {
    const value = context.startingValue;
    const utc = typeof value === 'string' ? toUtcTimestamp(value) : undefined;
    if (utc === undefined) {
      throw new ZuoraStateError(
        value === undefined || value === null
          ? 'no bookmark and no start_date: set start_date to say where to begin'
          : `the bookmark '${String(value)}' is not a timestamp; fix or remove it`,
        { stream: this.name, setting: 'start_date' },
      );
    }
    return utc;
  }

  protected bookmark(context: StreamContext): ZuoraBookmark {
    return context.bookmark as ZuoraBookmark;
  }

  /**
   * Moves the bookmark to `value` (a UTC timestamp) in both layouts: the SDK's `replication_key_value` and
   * singer-io's key named after the replication key; never backwards.
   */
  protected setBookmark(context: StreamContext, value: string): void {
    const rk = this.replicationKey;
    if (!rk) return;
    const b = context.bookmark;
    const current = typeof b.replication_key_value === 'string' ? Date.parse(b.replication_key_value) : NaN;
    if (!Number.isNaN(current) && Date.parse(value) < current) return;
    b.replication_key = rk;
    b.replication_key_value = value;
    b[rk] = value;
  }
}

/** The later of two UTC timestamps (either may be missing). */
export function laterOf(a: string | undefined, b: unknown): string | undefined {
  if (typeof b !== 'string') return a;
  if (a === undefined) return b;
  // Two timestamps as toUtcTimestamp writes them (fixed-width fields, `T`, `Z`) of one length order as text, as
  // they do by Date.parse, without parsing two dates per record.
  if (a.length === b.length && isUtcText(a) && isUtcText(b)) return b > a ? b : a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function isUtcText(text: string): boolean {
  return text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(text.length - 1) === 90 /* Z */;
}
