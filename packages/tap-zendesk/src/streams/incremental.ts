/** Streams read from the incremental export API: tickets and users (cursor), organizations and ticket_events (time). */
import { type Context, Stream, type StreamContext } from '@singer-ts/sdk';
import type { ZendeskClients } from '../client.js';
import type { ZendeskConfig } from '../config.js';
import type { OrganizationsRecord, TicketEventsRecord, TicketsRecord, UsersRecord } from '../records.js';
import { loadSchema, type Rec, type SyncShared, toEpochSeconds, type ZendeskStreamOptions } from './base.js';
import { cursorExport, timeExport } from './exports.js';

const CHILDREN = ['ticket_audits', 'ticket_comments', 'ticket_metrics'];

abstract class ExportStream<R extends Record<string, unknown>> extends Stream<R, ZendeskConfig> {
  override readonly primaryKeys = ['id'];
  protected readonly clients: ZendeskClients;
  protected readonly shared: SyncShared;

  constructor(options: ZendeskStreamOptions) {
    super(options);
    this.clients = options.clients;
    this.shared = options.shared;
  }

  protected get perPage(): number {
    return this.config.export_page_size ?? 1000;
  }

  /**
   * Unix seconds to start from: the bookmark (or start_date), else a bookmark written by
   * singer-io/tap-zendesk (`bookmarks.<stream>.<replication key>`), else the epoch.
   */
  protected startTime(context: StreamContext<ZendeskConfig>): number {
    const legacy = this.replicationKey ? context.bookmark[this.replicationKey] : undefined;
    const value =
      context.bookmark.replication_key_value === undefined && legacy !== undefined
        ? legacy
        : context.startingValue;
    return toEpochSeconds(value) ?? 0;
  }

  protected exportOptions(context: StreamContext<ZendeskConfig>, path: string, key: string) {
    return {
      clients: this.clients,
      logger: this.logger,
      stream: this.name,
      path,
      key,
      bookmark: context.bookmark,
      startTime: this.startTime(context),
      perPage: this.perPage,
      signal: context.signal,
    };
  }
}

/**
 * Tickets from the cursor export, bookmarked on `generated_timestamp` (moves on every change,
 * system updates included) with the export cursor kept beside it. Deleted tickets are emitted with
 * `status: "deleted"`. `fields` (a copy of `custom_fields`) is dropped, and the `metric_set`
 * side-load is handed to ticket_metrics.
 */
export class TicketsStream extends ExportStream<Rec<TicketsRecord>> {
  readonly name = 'tickets';
  readonly schema = loadSchema('tickets');
  override readonly replicationKey = 'generated_timestamp';

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<TicketsRecord>> {
    const metrics = this.shared.selected.has('ticket_metrics');
    const audits = this.shared.audits;
    const readAhead = audits.consumers > 0 ? (this.config.child_concurrency ?? 10) * 2 : 0;
    yield* cursorExport({
      ...this.exportOptions(context, '/incremental/tickets/cursor.json', 'tickets'),
      query: metrics ? { include: 'metric_sets' } : {},
      readAhead,
      transform: (record) => {
        const { fields: _fields, metric_set: metricSet, ...ticket } = record;
        const id = ticket.id;
        if (typeof id === 'number' && ticket.status !== 'deleted') {
          if (metrics && typeof metricSet === 'object' && metricSet !== null)
            this.shared.metricSets.set(id, metricSet as Record<string, unknown>);
          if (readAhead > 0) audits.prefetch(id);
        }
        return ticket;
      },
    }) as AsyncGenerator<Rec<TicketsRecord>>;
  }

  /** Children (audits, comments, metrics) for every ticket except deleted ones, whose children 404. */
  override getChildContext(record: Rec<TicketsRecord>): Context | undefined {
    if (record.status === 'deleted' || typeof record.id !== 'number') return undefined;
    // Unselected children would still be called once per ticket; skip them when none is selected.
    if (!CHILDREN.some((child) => this.shared.selected.has(child))) return undefined;
    return { ticket_id: record.id };
  }
}

/** Users from the cursor export, bookmarked on `updated_at` with the cursor beside it. */
export class UsersStream extends ExportStream<Rec<UsersRecord>> {
  readonly name = 'users';
  readonly schema = loadSchema('users');
  override readonly replicationKey = 'updated_at';

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<UsersRecord>> {
    yield* cursorExport(
      this.exportOptions(context, '/incremental/users/cursor.json', 'users'),
    ) as AsyncGenerator<Rec<UsersRecord>>;
  }
}

/** Organizations from the time-based export (there is no cursor variant), by `updated_at`. */
export class OrganizationsStream extends ExportStream<Rec<OrganizationsRecord>> {
  readonly name = 'organizations';
  readonly schema = loadSchema('organizations');
  override readonly replicationKey = 'updated_at';

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<OrganizationsRecord>> {
    yield* timeExport({
      ...this.exportOptions(context, '/incremental/organizations.json', 'organizations'),
      timestampOf: (record) => toEpochSeconds(record.updated_at),
    }) as AsyncGenerator<Rec<OrganizationsRecord>>;
  }
}

/** Ticket events (with comment events) from the time-based export, by event `timestamp`. */
export class TicketEventsStream extends ExportStream<Rec<TicketEventsRecord>> {
  readonly name = 'ticket_events';
  readonly schema = loadSchema('ticket_events');
  override readonly replicationKey = 'timestamp';

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<TicketEventsRecord>> {
    yield* timeExport({
      ...this.exportOptions(context, '/incremental/ticket_events.json', 'ticket_events'),
      query: { include: 'comment_events' },
      timestampOf: (record) => toEpochSeconds(record.timestamp),
    }) as AsyncGenerator<Rec<TicketEventsRecord>>;
  }
}
