import {
  type JSONSchema,
  runExportJob,
  Stream,
  type StreamContext,
  type TimeWindow,
  WindowedBookmark,
} from '@singer-ts/sdk';
import { type ActivityStream, flattenActivity } from './activity-streams.js';
import { type BulkKind, bulkJob, bulkRows } from './bulk-export.js';
import { ACTIVITIES, LEADS } from './catalogue.js';
import { vendorCode } from './marketo-api.js';
import { type FieldInclusion, inclusionOf, type MarketoRun } from './run.js';
import { compileRecordConverter } from './values.js';

const DAY_MS = 86_400_000;
type Row = Record<string, unknown>;

/**
 * A stream read through Bulk Extract, one job per window of at most 31 days. The job id and its
 * window end are saved to STATE before polling (`export_id`, `export_end`, singer-io's keys), so a
 * run killed while waiting or downloading polls the same job again; the window's end becomes the
 * bookmark once every row of its file is out.
 */
abstract class BulkStream extends Stream<Row, unknown> {
  override readonly managesBookmark = true;
  abstract readonly kind: BulkKind;

  constructor(protected readonly run: MarketoRun) {
    super(run);
  }

  /** The create body of one window's job. */
  protected abstract jobBody(window: TimeWindow): unknown;
  /** A CSV row as a record of the stream's schema. */
  protected abstract toRecord(values: Record<string, string | null>, line: number): Row;

  async *getRecords(context: StreamContext): AsyncGenerator<Row> {
    const settings = this.run.settings;
    const windowed = new WindowedBookmark(this.name, context, {
      replicationKey: this.replicationKey!,
      windowMs: settings.export_window_days * DAY_MS,
      untilMs: this.run.untilMs,
    });
    for (const window of windowed.windows()) {
      const what = `window ${window.start} → ${window.end}`;
      // create, enqueue, a status poll and the file: stop before a window that cannot finish today.
      this.run.api.budget.ensure(4, `the ${this.name} export of ${what}`);
      const saved = windowed.get('export_end') === window.end ? windowed.get('export_id') : undefined;
      const job = await runExportJob(this.jobKind(window), {
        stream: this.name,
        description: what,
        pollIntervalMs: settings.bulk_poll_interval_ms,
        maxPollIntervalMs: settings.bulk_poll_interval_ms * 4,
        maxWaitMs: settings.max_export_wait_ms,
        savedJobId: typeof saved === 'string' ? saved : undefined,
        saveJobId: async (id) => {
          await windowed.set('export_end', id === null ? undefined : window.end);
          await windowed.set('export_id', id ?? undefined, true);
        },
        clock: this.run.clock,
        signal: context.signal,
        logger: this.logger,
      });
      let rows = 0;
      for await (const row of bulkRows(this.run.api, this.kind, this.name, job.jobId, job.status.detail)) {
        rows += 1;
        yield this.toRecord(row.values, row.line);
      }
      this.logger.info(`${what}: ${rows} rows from export ${job.jobId}${job.resumed ? ' (resumed)' : ''}`, {
        stream: this.name,
      });
      await windowed.set('export_id', undefined);
      await windowed.set('export_end', undefined);
      await windowed.finish(window);
      if (context.signal.aborted) return;
    }
  }

  protected jobKind(window: TimeWindow) {
    return bulkJob(this.run.api, this.kind, this.name, this.jobBody(window));
  }
}

/** `leads`: the describe schema; updatedAt windows, or createdAt where the subscription lacks that filter (1035). */
export class LeadsStream extends BulkStream {
  readonly name = LEADS.name;
  readonly kind = 'leads' as const;
  override readonly primaryKeys = LEADS.keyProperties;
  override readonly replicationKey = LEADS.replicationKey as string;
  protected readonly convert: ReturnType<typeof compileRecordConverter>;
  protected readonly fields: string[];
  private filter: 'updatedAt' | 'createdAt' = 'updatedAt';

  constructor(
    run: MarketoRun,
    readonly schema: JSONSchema,
    private readonly unsupported: Record<string, string>,
  ) {
    super(run);
    this.convert = compileRecordConverter(this.name, schema);
    // Formula fields are refused by bulk export (1003); everything else REST can read is asked for.
    this.fields = Object.keys(schema.properties ?? {}).filter((name) => unsupported[name] === undefined);
  }

  fieldInclusion(): FieldInclusion {
    return inclusionOf(LEADS.automatic, Object.keys(this.unsupported));
  }

  protected jobBody(window: TimeWindow) {
    return {
      fields: this.fields,
      format: 'CSV',
      filter: { [this.filter]: { startAt: window.start, endAt: window.end } },
    };
  }

  protected override jobKind(window: TimeWindow) {
    const kind = super.jobKind(window);
    const start = kind.start.bind(kind);
    return {
      ...kind,
      start: async () => {
        try {
          return await start();
        } catch (error) {
          if (vendorCode(error) !== '1035' || this.filter === 'createdAt') throw error;
          this.filter = 'createdAt';
          this.logger.warn(
            'this subscription has no updatedAt filter for lead exports (1035): reading leads by createdAt windows, so changes to leads created before the bookmark are missed',
            { stream: this.name },
          );
          return super.jobKind(window).start();
        }
      },
    };
  }

  protected toRecord(values: Record<string, string | null>, line: number): Row {
    return this.convert(values, line);
  }
}

/** `activities_<type>`: createdAt (activityDate) windows of one activity type, flattened as singer-io does. */
export class ActivityTypeStream extends BulkStream {
  readonly kind = 'activities' as const;
  readonly name: string;
  readonly schema: JSONSchema;
  override readonly primaryKeys = ACTIVITIES.keyProperties;
  override readonly replicationKey = ACTIVITIES.replicationKey as string;
  override readonly discoveryMetadata: Record<string, unknown>;
  protected readonly convert: ReturnType<typeof compileRecordConverter>;

  constructor(
    run: MarketoRun,
    protected readonly activity: ActivityStream,
  ) {
    super(run);
    this.name = activity.name;
    this.schema = activity.schema;
    this.discoveryMetadata = {
      'marketo.activity-id': activity.activityTypeId,
      ...(activity.primaryAttributeName === null
        ? {}
        : { 'marketo.primary-attribute-name': activity.primaryAttributeName }),
    };
    this.convert = compileRecordConverter(this.name, activity.schema);
  }

  fieldInclusion(): FieldInclusion {
    return inclusionOf(ACTIVITIES.automatic, ACTIVITIES.unsupported);
  }

  protected jobBody(window: TimeWindow) {
    return {
      format: 'CSV',
      filter: {
        createdAt: { startAt: window.start, endAt: window.end },
        activityTypeIds: [this.activity.activityTypeId],
      },
    };
  }

  protected toRecord(values: Record<string, string | null>, line: number): Row {
    return this.convert(flattenActivity(this.activity, values, line), line);
  }
}
