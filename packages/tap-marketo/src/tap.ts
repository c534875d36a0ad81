import {
  CallBudget,
  ConfigError,
  type JobClock,
  OAuth2Authenticator,
  realClock,
  type SyncOptions,
  type SyncSummary,
  Tap,
  type TapHttpOptions,
  type TapOptions,
  tapInfo,
} from '@singer-ts/sdk';
import { type ActivityTypeDescription, activityStream } from './activity-streams.js';
import { ActivityTypeStream, LeadsStream } from './bulk-streams.js';
import { STATIC_STREAMS, type StreamFacts } from './catalogue.js';
import { nextCentralMidnight } from './central-time.js';
import { type DescribeField, leadSchemaFromDescribe } from './lead-schema.js';
import { MarketoApi, marketoErrors } from './marketo-api.js';
import { RestActivityTypeStream, RestLeadsStream } from './rest-reads.js';
import {
  ActivityTypesStream,
  DeletedLeadsStream,
  PositionTokenStream,
  ProgramsStream,
} from './rest-streams.js';
import type { FieldInclusion, MarketoRun, MarketoSettings } from './run.js';
import { DEFAULTS, fromSingerIoConfig, SETTINGS } from './settings.js';
import { fromSingerIoState } from './singer-io-state.js';

/** The Delete Lead activity type, which Bulk Extract refuses to export. */
const DELETE_LEAD_TYPE = 37;

/** The config as given, with singer-io's names read as this tap's and their defaults applied. */
function normalise(raw: Record<string, unknown>): MarketoSettings {
  const { config } = fromSingerIoConfig(raw);
  for (const [key, value] of Object.entries(DEFAULTS)) config[key] ??= value;
  if (typeof config.base_url !== 'string' || config.base_url === '') {
    throw new ConfigError(
      "missing required setting 'base_url' (the instance's REST endpoint, e.g. https://123-ABC-456.mktorest.com; singer-io's 'endpoint' is accepted too)",
      { setting: 'base_url' },
    );
  }
  return config as unknown as MarketoSettings;
}

/**
 * Marketo leads, activities and assets, as singer-io tap-marketo names them: Bulk Extract for leads
 * and each activity type, REST for the rest, inside a daily call budget that stops the run cleanly.
 */
export class TapMarketo extends Tap<Record<string, unknown>> implements MarketoRun {
  static override info = tapInfo({
    name: 'tap-marketo',
    description:
      'Marketo leads, activities, campaigns, lists, programs and deleted leads (REST and Bulk Extract)',
    settings: SETTINGS,
    moduleUrl: import.meta.url,
  });

  readonly settings: MarketoSettings;
  readonly clock: JobClock;
  readonly untilMs: number;
  readonly api: MarketoApi;
  private readonly authenticator: OAuth2Authenticator;

  constructor(options: TapOptions<Record<string, unknown>>) {
    super(options);
    this.settings = normalise(this.config);
    this.clock = this.jobClock();
    this.untilMs = this.settings.end_date ? Date.parse(this.settings.end_date) : this.clock.now();
    this.authenticator = new OAuth2Authenticator({
      tokenUrl: '/identity/oauth/token',
      tokenRequest: 'query',
      clientId: this.settings.client_id,
      clientSecret: this.settings.client_secret,
      // singer-io renews 15 s before expiry; Marketo returns the same token until then anyway.
      refreshMarginMs: 15_000,
      now: () => this.clock.now(),
    });
    const budget = new CallBudget({
      limit: this.settings.max_daily_calls,
      name: 'max_daily_calls',
      resetsAt: nextCentralMidnight,
      now: () => this.clock.now(),
    });
    this.api = new MarketoApi(this.http, budget, this.clock, this.logger);
  }

  /** Time for job polling and token expiry; tests give the emulator's clock so nothing waits. */
  protected jobClock(): JobClock {
    return realClock;
  }

  protected override httpOptions(): TapHttpOptions {
    return {
      baseUrl: this.settings?.base_url ?? normalise(this.config).base_url,
      authenticator: this.authenticator,
      parseErrorBody: marketoErrors,
      // Adobe's advice for one integration: at most 50 calls per 20 s and 5 in flight.
      rateLimit: { requestsPerWindow: 50, windowMs: 20_000, maxConcurrency: 5 },
      ...(this.settings?.user_agent ? { userAgent: this.settings.user_agent } : {}),
      onRequest: (timing) => {
        // Identity calls do not count against Marketo's quota; every other attempt does.
        if (timing.endpoint !== 'oauth_token') this.api.budget.spend();
      },
    };
  }

  override async discoverStreams() {
    const describe = await this.api.call('leads', 'lead describe', { url: '/rest/v1/leads/describe.json' });
    const lead = leadSchemaFromDescribe(describe.result as DescribeField[]);
    const types = await this.api.call('activity_types', 'activity types', {
      url: '/rest/v1/activities/types.json',
    });
    // Delete Lead (37) is not in bulk activity exports; deletions come through `deleted_leads`.
    const activities = (types.result as ActivityTypeDescription[])
      .filter((type) => type.id !== DELETE_LEAD_TYPE)
      .map(activityStream);
    for (const a of activities) {
      for (const r of a.renamed)
        this.logger.warn(
          `attribute '${r.attribute}' is written as '${r.column}': its cleaned name collides`,
          {
            stream: a.name,
          },
        );
    }
    // The same streams, schemas and STATE either way; only where the rows come from differs.
    const bulk = this.settings.use_bulk_export !== false;
    const Leads = bulk ? LeadsStream : RestLeadsStream;
    const Activities = bulk ? ActivityTypeStream : RestActivityTypeStream;
    return [
      new Leads(this, lead.schema, lead.unsupported),
      ...activities.map((a) => new Activities(this, a)),
      ...STATIC_STREAMS.map((facts) => restStream(this, facts)),
    ];
  }

  /**
   * singer-io's field inclusion on top of the SDK's: the fields it always selects (`createdAt`,
   * `leadId`, …) are automatic, and the ones it cannot deliver (formula lead fields, which bulk export
   * refuses; `activity_types.attributes`) are unsupported, so a saved catalog means the same here.
   */
  override async discover() {
    const catalog = await super.discover();
    const streams = new Map((await this.streams()).map((stream) => [stream.name, stream]));
    for (const entry of catalog.streams) {
      const inclusion = (
        streams.get(entry.tap_stream_id) as { fieldInclusion?: () => FieldInclusion } | undefined
      )?.fieldInclusion?.();
      if (!inclusion) continue;
      for (const m of entry.metadata) {
        const field = m.breadcrumb[1];
        const value = m.breadcrumb.length === 2 && field !== undefined ? inclusion[field] : undefined;
        if (value === undefined) continue;
        m.metadata.inclusion = value;
        if (value === 'unsupported') m.metadata['selected-by-default'] = false;
      }
    }
    return catalog;
  }

  /** A STATE written by singer-io tap-marketo is read as the starting point. */
  override sync(options: SyncOptions): Promise<SyncSummary> {
    return super.sync({ ...options, state: fromSingerIoState(options.state) });
  }
}

function restStream(run: MarketoRun, facts: StreamFacts) {
  switch (facts.source) {
    case 'rest-single':
      return new ActivityTypesStream(run, facts);
    case 'rest-position-token':
      return new PositionTokenStream(run, facts);
    case 'asset-offset':
      return new ProgramsStream(run, facts);
    default:
      return new DeletedLeadsStream(run, facts);
  }
}
