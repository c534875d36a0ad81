/** TapZendesk: the Zendesk Support API as Singer streams, compatible with singer-io/tap-zendesk. */
import {
  type CatalogDocument,
  type ConnectorInfo,
  CursorPaginator,
  type JSONSchema,
  paginateRecords,
  type Stream,
  type SyncOptions,
  type SyncSummary,
  Tap,
} from '@singer-ts/sdk';
import { createZendeskClients, statusOf, type ZendeskClients } from './client.js';
import { settingsSchema, type ZendeskConfig } from './config.js';
import {
  AuditFetcher,
  TicketAuditsStream,
  TicketCommentsStream,
  TicketMetricsStream,
} from './streams/audits.js';
import type { SyncShared, ZendeskStreamOptions } from './streams/base.js';
import {
  OrganizationsStream,
  TicketEventsStream,
  TicketsStream,
  UsersStream,
} from './streams/incremental.js';
import {
  GroupMembershipsStream,
  GroupsStream,
  MacrosStream,
  SatisfactionRatingsStream,
  SlaPoliciesStream,
  TagsStream,
  TicketFieldsStream,
  TicketFormsStream,
} from './streams/lists.js';

const VERSION = '0.1.0';

/** How singer-io/tap-zendesk maps custom field types; numbers may arrive as strings, so both are allowed. */
function customFieldSchema(type: unknown): JSONSchema {
  switch (type) {
    case 'integer':
    case 'lookup':
      return { type: ['null', 'integer', 'string'] };
    case 'decimal':
      return { type: ['null', 'number', 'string'] };
    case 'checkbox':
      return { type: ['null', 'boolean'] };
    case 'multiselect':
      return { type: ['null', 'array', 'string'], items: { type: ['null', 'string'] } };
    default:
      // text, textarea, regexp, dropdown, date (mixed formats: kept as sent), and anything newer.
      return { type: ['null', 'string'] };
  }
}

export class TapZendesk extends Tap<ZendeskConfig> {
  static override info: ConnectorInfo = {
    name: 'tap-zendesk',
    version: VERSION,
    description:
      'Zendesk Support tickets, users, organizations and their satellites, through the incremental export API',
    kind: 'tap',
    capabilities: ['catalog', 'discover', 'state', 'about'],
    settings: settingsSchema,
  };

  private clients: ZendeskClients | undefined;
  private shared: SyncShared | undefined;
  private syncing = false;

  discoverStreams(): Stream<Record<string, unknown>, ZendeskConfig>[] {
    const clients = createZendeskClients(this.config, this.logger);
    this.clients = clients;
    const shared: SyncShared = {
      selected: new Set(),
      metricSets: new Map(),
      audits: new AuditFetcher(
        () => clients.http,
        this.config.child_concurrency ?? 10,
        Math.min(this.config.page_size ?? 100, 100),
      ),
    };
    this.shared = shared;
    const options: ZendeskStreamOptions = { config: this.config, logger: this.logger, clients, shared };
    return [
      new TicketsStream(options),
      new TicketAuditsStream(options),
      new TicketCommentsStream(options),
      new TicketMetricsStream(options),
      new UsersStream(options),
      new OrganizationsStream(options),
      new TicketEventsStream(options),
      new GroupsStream(options),
      new GroupMembershipsStream(options),
      new MacrosStream(options),
      new TicketFieldsStream(options),
      new TicketFormsStream(options),
      new SatisfactionRatingsStream(options),
      new SlaPoliciesStream(options),
      new TagsStream(options),
    ] as Stream<Record<string, unknown>, ZendeskConfig>[];
  }

  /** Discovery adds the account's custom user and organization fields to those streams' schemas. */
  override async discover(): Promise<CatalogDocument> {
    const catalog = await super.discover();
    try {
      for (const [stream, endpoint, property] of [
        ['users', 'user_fields', 'user_fields'],
        ['organizations', 'organization_fields', 'organization_fields'],
      ] as const) {
        const entry = catalog.streams.find((s) => s.tap_stream_id === stream);
        const fields = await this.customFields(endpoint);
        if (!entry || !fields) continue;
        const properties: Record<string, JSONSchema> = {};
        for (const field of fields) {
          if (typeof field.key === 'string') properties[field.key] = customFieldSchema(field.type);
        }
        entry.schema = {
          ...entry.schema,
          properties: {
            ...entry.schema.properties,
            [property]: { type: ['null', 'object'], properties },
          },
        };
      }
    } finally {
      // A sync without a catalog discovers first and still needs the client.
      if (!this.syncing) await this.close();
    }
    return catalog;
  }

  override async sync(options: SyncOptions): Promise<SyncSummary> {
    const streams = await this.streams();
    const shared = this.shared!;
    shared.selected = new Set(
      streams
        .filter((stream) =>
          options.catalog ? options.catalog.isStreamSelected(stream.name) : stream.selectedByDefault,
        )
        .map((stream) => stream.name),
    );
    shared.audits.consumers = ['ticket_audits', 'ticket_comments'].filter((name) =>
      shared.selected.has(name),
    ).length;
    this.syncing = true;
    try {
      const interval = this.config.state_interval_rows;
      return await super.sync(interval ? { ...options, stateIntervalRows: interval } : options);
    } finally {
      this.syncing = false;
      await this.close();
    }
  }

  /** Field definitions, or undefined when the plan hides them (403: a warning, the base schema stays). */
  private async customFields(endpoint: string): Promise<Record<string, unknown>[] | undefined> {
    await this.streams();
    const fields: Record<string, unknown>[] = [];
    try {
      for await (const field of paginateRecords<Record<string, unknown>>(this.clients!.http, {
        request: { url: `/${endpoint}.json`, query: { 'page[size]': 100 } },
        recordsPath: `${endpoint}.*`,
        paginator: new CursorPaginator({
          path: 'meta.after_cursor',
          param: 'page[after]',
          hasMorePath: 'meta.has_more',
        }),
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

  private async close(): Promise<void> {
    await this.clients?.http.close();
  }
}
