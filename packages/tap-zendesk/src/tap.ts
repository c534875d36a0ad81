/** TapZendesk: the Zendesk Support API as Singer streams, compatible with singer-io/tap-zendesk. */
import {
  type CatalogDocument,
  type ConnectorInfo,
  type JSONSchema,
  packageVersion,
  paginateRecords,
  RateLimiter,
  Tap,
  type TapHttpOptions,
  type TapOptions,
} from '@singer-ts/sdk';
import { statusOf, zendeskHttpOptions } from './client.js';
import { readZendeskConfig, settings, type ZendeskConfig, type ZendeskSettings } from './config.js';
import {
  AuditFetcher,
  TicketAuditsStream,
  TicketCommentsStream,
  TicketMetricsStream,
} from './streams/audits.js';
import {
  OrganizationsStream,
  TicketEventsStream,
  TicketMetricEventsStream,
  TicketsStream,
  UsersStream,
} from './streams/incremental.js';
import {
  GroupMembershipsStream,
  GroupsStream,
  listPaginator,
  MacrosStream,
  SatisfactionRatingsStream,
  SlaPoliciesStream,
  TagsStream,
  TalkPhoneNumbersStream,
  TicketFieldsStream,
  TicketFormsStream,
} from './streams/lists.js';

/**
 * The schema of one custom user or organization field, from its Zendesk type, as Zendesk sends the
 * values on users and organizations (and as singer-io/tap-zendesk types them): dropdowns list their
 * option values as `enum`. Dates stay strings, as sent: Zendesk mixes date and date-time forms.
 */
export function customFieldSchema(field: Record<string, unknown>): JSONSchema {
  switch (field.type) {
    case 'integer':
    case 'lookup':
      return { type: ['null', 'integer'] };
    case 'decimal':
      return { type: ['null', 'number'] };
    case 'checkbox':
      return { type: ['null', 'boolean'] };
    case 'multiselect':
      return { type: ['null', 'array'], items: { type: ['null', 'string'] } };
    case 'dropdown': {
      const options = Array.isArray(field.custom_field_options) ? field.custom_field_options : [];
      const values = options
        .map((option: unknown) =>
          typeof option === 'object' && option !== null ? Reflect.get(option, 'value') : undefined,
        )
        .filter((value: unknown): value is string => typeof value === 'string');
      return { type: ['null', 'string'], enum: [...values, null] };
    }
    default:
      // text, textarea, regexp, date, and anything newer.
      return { type: ['null', 'string'] };
  }
}

export class TapZendesk extends Tap<ZendeskConfig> {
  static override info: ConnectorInfo = {
    name: 'tap-zendesk',
    version: packageVersion(import.meta.url),
    description:
      'Zendesk Support tickets, users, organizations and their satellites, through the incremental export API',
    kind: 'tap',
    capabilities: [],
    settings,
  };

  constructor(options: TapOptions<ZendeskSettings>) {
    super({ ...options, config: readZendeskConfig(options.config, options.logger) });
  }

  /** Requests to `/incremental/*` take a slot here first (that API's own limit, per minute). */
  readonly incrementalBudget = new RateLimiter({
    requestsPerWindow: this.config.incremental_requests_per_minute,
    windowMs: 60_000,
  });
  /** Audits of tickets read ahead, shared by ticket_audits and ticket_comments. */
  readonly audits = new AuditFetcher(
    () => this.http,
    () => [this.ticketAudits, this.ticketComments].filter((stream) => stream.selected).length,
    this.config.child_concurrency,
    this.config.page_size,
  );
  /** `metric_set` side-loads of tickets read ahead, consumed by ticket_metrics. */
  readonly metricSets = new Map<number, Record<string, unknown>>();

  readonly tickets = new TicketsStream(this);
  readonly ticketAudits = new TicketAuditsStream(this);
  readonly ticketComments = new TicketCommentsStream(this);
  readonly ticketMetrics = new TicketMetricsStream(this);

  protected override httpOptions(): TapHttpOptions {
    return zendeskHttpOptions(this.config, {
      logger: this.logger,
      saveTokens: (tokens) => {
        this.logger.addSecrets([tokens.access_token, tokens.refresh_token]);
        this.saveConfig({ ...tokens });
      },
    });
  }

  override discoverStreams() {
    return [
      this.tickets,
      this.ticketAudits,
      this.ticketComments,
      this.ticketMetrics,
      new UsersStream(this),
      new OrganizationsStream(this),
      new TicketEventsStream(this),
      new TicketMetricEventsStream(this),
      new GroupsStream(this),
      new GroupMembershipsStream(this),
      new MacrosStream(this),
      new TicketFieldsStream(this),
      new TicketFormsStream(this),
      new SatisfactionRatingsStream(this),
      new SlaPoliciesStream(this),
      new TagsStream(this),
      new TalkPhoneNumbersStream(this),
    ];
  }

  /** Discovery adds the account's custom user and organization fields to those streams' schemas. */
  override async discover(): Promise<CatalogDocument> {
    const catalog = await super.discover();
    for (const [stream, endpoint, property] of [
      ['users', 'user_fields', 'user_fields'],
      ['organizations', 'organization_fields', 'organization_fields'],
    ] as const) {
      const entry = catalog.streams.find((s) => s.tap_stream_id === stream);
      const fields = await this.customFields(endpoint);
      if (!entry || !fields) continue;
      const properties: Record<string, JSONSchema> = {};
      for (const field of fields) {
        if (typeof field.key === 'string') properties[field.key] = customFieldSchema(field);
      }
      entry.schema = {
        ...entry.schema,
        properties: { ...entry.schema.properties, [property]: { type: ['null', 'object'], properties } },
      };
    }
    return catalog;
  }

  /** Field definitions, or undefined when the plan hides them (403: a warning, the base schema stays). */
  private async customFields(endpoint: string): Promise<Record<string, unknown>[] | undefined> {
    const fields: Record<string, unknown>[] = [];
    try {
      for await (const field of paginateRecords(this.http, {
        request: { url: `/${endpoint}.json`, query: { 'page[size]': 100 } },
        recordsPath: `${endpoint}.*`,
        paginator: listPaginator(),
        context: { stream: endpoint },
      })) {
        fields.push(field);
      }
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      this.logger.warn(
        `/${endpoint} answered 403 (plan or role); custom fields are kept as an untyped object`,
      );
      return undefined;
    }
    return fields;
  }
}
