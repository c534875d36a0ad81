/**
 * Streams read from the incremental export API: tickets and users (cursor), organizations,
 * ticket_events and ticket_metric_events (time).
 */
import type { CountWindow, Partition, QueryValue, SourceCount, StreamContext } from '@singer-ts/sdk';
import type {
  OrganizationsRecord,
  TicketEventsRecord,
  TicketMetricEventsRecord,
  TicketsRecord,
  UsersRecord,
} from '../records.js';
import { loadSchema, toEpochSeconds } from './base.js';
import { zendeskCount } from './counts.js';
import { CursorExportStream, TimeExportStream } from './exports.js';

/**
 * Tickets from the cursor export, bookmarked on `generated_timestamp` (moves on every change,
 * system updates included) with the export cursor kept beside it. Deleted tickets are emitted with
 * `status: "deleted"`. `fields` (a copy of `custom_fields`) is dropped, and the `metric_set`
 * side-load is handed to ticket_metrics. While audits are wanted, tickets are read a few ahead so
 * their audits download while earlier tickets are emitted.
 */
export class TicketsStream extends CursorExportStream<TicketsRecord> {
  readonly name = 'tickets';
  readonly schema = loadSchema('tickets');
  readonly path = '/incremental/tickets/cursor.json';
  override readonly recordsPath = 'tickets.*';
  override readonly replicationKey = 'generated_timestamp';

  protected override exportQuery(): Record<string, QueryValue> {
    return this.tap.ticketMetrics.selected ? { include: 'metric_sets' } : {};
  }

  override readAhead(): number {
    return this.tap.audits.consumers > 0 ? this.config.child_concurrency * 2 : 0;
  }

  override postProcess(record: Record<string, unknown>, context: StreamContext): TicketsRecord | undefined {
    const { fields: _fields, metric_set: metricSet, ...ticket } = record;
    const id = ticket.id;
    if (typeof id === 'number' && ticket.status !== 'deleted') {
      if (this.tap.ticketMetrics.selected && typeof metricSet === 'object' && metricSet !== null)
        this.tap.metricSets.set(id, { ...metricSet });
      this.tap.audits.prefetch(id);
    }
    return super.postProcess(ticket, context);
  }

  /** Zendesk's ticket count; deleted tickets (emitted with `status: "deleted"`) are not in it. */
  override countRecords(window: CountWindow): Promise<SourceCount> {
    const uncounted = { property: 'status', equals: 'deleted' };
    return zendeskCount(this.http, { resource: 'tickets', stream: this.name, uncounted }, window);
  }

  /** Children (audits, comments, metrics) for every ticket except deleted ones, whose children 404. */
  override getChildPartition(record: TicketsRecord): Partition | undefined {
    if (record.status === 'deleted') return undefined;
    return { ticket_id: record.id };
  }
}

/** Users from the cursor export, bookmarked on `updated_at` with the cursor beside it. */
export class UsersStream extends CursorExportStream<UsersRecord> {
  readonly name = 'users';
  readonly schema = loadSchema('users');
  readonly path = '/incremental/users/cursor.json';
  override readonly recordsPath = 'users.*';
  override readonly replicationKey = 'updated_at';

  /** Zendesk's user count; deleted users (emitted with `active: false`) are not in it. */
  override countRecords(window: CountWindow): Promise<SourceCount> {
    const uncounted = { property: 'active', equals: false };
    return zendeskCount(this.http, { resource: 'users', stream: this.name, uncounted }, window);
  }
}

/** Organizations from the time-based export (there is no cursor variant), by `updated_at`. */
export class OrganizationsStream extends TimeExportStream<OrganizationsRecord> {
  readonly name = 'organizations';
  readonly schema = loadSchema('organizations');
  readonly path = '/incremental/organizations.json';
  override readonly recordsPath = 'organizations.*';
  override readonly replicationKey = 'updated_at';

  /** Zendesk's organization count; deleted ones (emitted with `deleted_at` set) are not in it. */
  override countRecords(window: CountWindow): Promise<SourceCount> {
    const uncounted = { property: 'deleted_at', isSet: true } as const;
    return zendeskCount(this.http, { resource: 'organizations', stream: this.name, uncounted }, window);
  }

  protected timestampOf(record: Record<string, unknown>): number | undefined {
    return toEpochSeconds(record.updated_at);
  }
}

/** Ticket events (with comment events) from the time-based export, by event `timestamp`. */
export class TicketEventsStream extends TimeExportStream<TicketEventsRecord> {
  readonly name = 'ticket_events';
  readonly schema = loadSchema('ticket_events');
  readonly path = '/incremental/ticket_events.json';
  override readonly recordsPath = 'ticket_events.*';
  override readonly replicationKey = 'timestamp';

  protected override exportQuery(): Record<string, QueryValue> {
    return { include: 'comment_events' };
  }

  protected override uncountableReason(): string {
    return 'an append-only event history, which Zendesk does not count';
  }

  protected timestampOf(record: Record<string, unknown>): number | undefined {
    return toEpochSeconds(record.timestamp);
  }
}

/**
 * SLA and metric events (`activate`, `apply_sla`, `update_status`, `fulfill`, …) from the time-based
 * export, by event `time`, as singer-io/tap-zendesk reads them. Zendesk sends no `end_of_stream`
 * here: a page shorter than `per_page` is the last one.
 */
export class TicketMetricEventsStream extends TimeExportStream<TicketMetricEventsRecord> {
  readonly name = 'ticket_metric_events';
  readonly schema = loadSchema('ticket_metric_events');
  readonly path = '/incremental/ticket_metric_events.json';
  override readonly recordsPath = 'ticket_metric_events.*';
  override readonly replicationKey = 'time';

  protected override uncountableReason(): string {
    return 'an append-only event history, which Zendesk does not count';
  }

  protected timestampOf(record: Record<string, unknown>): number | undefined {
    return toEpochSeconds(record.time);
  }
}
