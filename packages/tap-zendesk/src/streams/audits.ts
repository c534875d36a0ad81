/**
 * Per-ticket child streams. Audits cost one request per ticket (N+1), so the tickets stream reads a
 * few tickets ahead and this fetcher gets their audits with bounded concurrency while earlier
 * tickets are emitted; ticket_audits and ticket_comments both read the same fetched audits.
 * ticket_metrics comes from the `metric_set` side-load of the ticket export, at no extra request.
 */
import {
  type Context,
  CursorPaginator,
  type HttpClient,
  paginate,
  Stream,
  type StreamContext,
} from '@singer-ts/sdk';
import { statusOf } from '../client.js';
import type { ZendeskConfig } from '../config.js';
import type { TicketAuditsRecord, TicketCommentsRecord, TicketMetricsRecord } from '../records.js';
import { loadSchema, type Rec, type SyncShared, type ZendeskStreamOptions } from './base.js';

type Audit = Record<string, unknown>;

interface Entry {
  promise: Promise<Audit[]>;
  /** Consumers (ticket_audits, ticket_comments) still to take it. */
  remaining: number;
}

/** Fetches the audits of tickets ahead of their emission, at most `concurrency` at once. */
export class AuditFetcher {
  /** How many streams read each ticket's audits in this run (0 turns prefetching off). */
  consumers = 0;
  private readonly entries = new Map<number, Entry>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly client: () => HttpClient,
    private readonly concurrency: number,
    private readonly pageSize: number,
  ) {}

  /** Starts fetching a ticket's audits if anyone will read them. */
  prefetch(ticketId: number): void {
    if (this.consumers === 0 || this.entries.has(ticketId)) return;
    const promise = this.fetch(ticketId);
    // Failures surface when the ticket's child stream takes the result.
    promise.catch(() => undefined);
    this.entries.set(ticketId, { promise, remaining: this.consumers });
  }

  /** The ticket's audits (fetched now if not prefetched); freed once every consumer took them. */
  async take(ticketId: number): Promise<Audit[]> {
    if (!this.entries.has(ticketId)) this.prefetch(ticketId);
    const entry = this.entries.get(ticketId);
    if (!entry) return this.fetch(ticketId);
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.delete(ticketId);
    return entry.promise;
  }

  /** Tickets whose audits are held (in flight or waiting for a consumer). */
  get held(): number {
    return this.entries.size;
  }

  private async slot(): Promise<() => void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    return () => {
      this.active -= 1;
      this.waiting.shift()?.();
    };
  }

  private async fetch(ticketId: number): Promise<Audit[]> {
    const release = await this.slot();
    try {
      const audits: Audit[] = [];
      for await (const page of paginate<Audit>(this.client(), {
        request: { url: `/tickets/${ticketId}/audits.json`, query: { 'page[size]': this.pageSize } },
        recordsPath: 'audits.*',
        paginator: new CursorPaginator({
          path: 'meta.after_cursor',
          param: 'page[after]',
          hasMorePath: 'meta.has_more',
        }),
        context: { stream: 'ticket_audits', ticket_id: ticketId },
      })) {
        for await (const audit of page) audits.push(audit);
      }
      return audits;
    } catch (error) {
      // A ticket deleted meanwhile has no audits (404 RecordNotFound).
      if (statusOf(error) === 404) return [];
      throw error;
    } finally {
      release();
    }
  }
}

function ticketIdOf(context: StreamContext<ZendeskConfig>): number | undefined {
  const id = (context.context as Context | undefined)?.ticket_id;
  return typeof id === 'number' ? id : undefined;
}

abstract class TicketChild<R extends Record<string, unknown>> extends Stream<R, ZendeskConfig> {
  override readonly primaryKeys = ['id'];
  override readonly parentStreamName = 'tickets';
  protected readonly shared: SyncShared;

  constructor(options: ZendeskStreamOptions) {
    super(options);
    this.shared = options.shared;
  }
}

export class TicketAuditsStream extends TicketChild<Rec<TicketAuditsRecord>> {
  readonly name = 'ticket_audits';
  readonly schema = loadSchema('ticket_audits');

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<TicketAuditsRecord>> {
    const ticketId = ticketIdOf(context);
    if (ticketId === undefined || !this.shared.selected.has(this.name)) return;
    for (const audit of await this.shared.audits.take(ticketId)) yield audit as Rec<TicketAuditsRecord>;
  }
}

export class TicketCommentsStream extends TicketChild<Rec<TicketCommentsRecord>> {
  readonly name = 'ticket_comments';
  readonly schema = loadSchema('ticket_comments');

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<TicketCommentsRecord>> {
    const ticketId = ticketIdOf(context);
    if (ticketId === undefined || !this.shared.selected.has(this.name)) return;
    for (const audit of await this.shared.audits.take(ticketId)) {
      const events = Array.isArray(audit.events) ? (audit.events as Record<string, unknown>[]) : [];
      for (const event of events) {
        if (event.type !== 'Comment') continue;
        yield {
          ...event,
          ticket_id: ticketId,
          created_at: audit.created_at,
          via: audit.via,
          metadata: audit.metadata,
        } as Rec<TicketCommentsRecord>;
      }
    }
  }
}

export class TicketMetricsStream extends TicketChild<Rec<TicketMetricsRecord>> {
  readonly name = 'ticket_metrics';
  readonly schema = loadSchema('ticket_metrics');

  async *getRecords(context: StreamContext<ZendeskConfig>): AsyncGenerator<Rec<TicketMetricsRecord>> {
    const ticketId = ticketIdOf(context);
    if (ticketId === undefined) return;
    const metricSet = this.shared.metricSets.get(ticketId);
    this.shared.metricSets.delete(ticketId);
    if (metricSet && this.shared.selected.has(this.name)) yield metricSet as Rec<TicketMetricsRecord>;
  }
}
