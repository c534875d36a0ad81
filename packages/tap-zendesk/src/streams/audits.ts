/**
 * Per-ticket child streams. Audits cost one request per ticket (N+1), so the tickets stream reads a
 * few tickets ahead and this fetcher gets their audits with bounded concurrency while earlier
 * tickets are emitted; ticket_audits and ticket_comments both read the same fetched audits, which is
 * why they are plain Streams over the fetcher rather than two RESTStreams requesting twice.
 * ticket_metrics comes from the `metric_set` side-load of the ticket export, at no extra request.
 */
import {
  ConcurrencyLimit,
  type HttpClient,
  paginateRecords,
  type ReplicationMethod,
  Stream,
  type StreamContext,
} from '@singer-ts/sdk';
import { statusOf } from '../client.js';
import type { ZendeskConfig } from '../config.js';
import type { TicketAuditsRecord, TicketCommentsRecord, TicketMetricsRecord } from '../records.js';
import type { TapZendesk } from '../tap.js';
import { loadSchema } from './base.js';
import { listPaginator } from './lists.js';

type Audit = TicketAuditsRecord;

interface Entry {
  promise: Promise<Audit[]>;
  /** Consumers (ticket_audits, ticket_comments) still to take it. */
  remaining: number;
}

/** Fetches the audits of tickets ahead of their emission, at most `concurrency` at once. */
export class AuditFetcher {
  private readonly entries = new Map<number, Entry>();
  private readonly limit: ConcurrencyLimit;

  constructor(
    private readonly client: () => HttpClient,
    /** How many streams read each ticket's audits in this run (0 turns prefetching off). */
    private readonly consumerCount: () => number,
    concurrency: number,
    private readonly pageSize: number,
  ) {
    this.limit = new ConcurrencyLimit(concurrency);
  }

  get consumers(): number {
    return this.consumerCount();
  }

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

  private fetch(ticketId: number): Promise<Audit[]> {
    return this.limit.run(async () => {
      const audits: Audit[] = [];
      try {
        for await (const audit of paginateRecords<Audit>(this.client(), {
          request: { url: `/tickets/${ticketId}/audits.json`, query: { 'page[size]': this.pageSize } },
          recordsPath: 'audits.*',
          paginator: listPaginator(),
          context: { stream: 'ticket_audits', ticket_id: ticketId },
        })) {
          audits.push(audit);
        }
      } catch (error) {
        // A ticket deleted meanwhile has no audits (404 RecordNotFound).
        if (statusOf(error) === 404) return [];
        throw error;
      }
      return audits;
    });
  }
}

/** What a ticket hands its children. */
type TicketPartition = { ticket_id: number };

/** Audit events that are comments: what Zendesk's comments endpoint lists for a ticket. */
const COMMENT_EVENT_TYPES = new Set(['Comment', 'VoiceComment']);

abstract class TicketChild<R extends object> extends Stream<R, ZendeskConfig> {
  override readonly primaryKeys = ['id'];
  override readonly parentStreamName = 'tickets';

  /**
   * INCREMENTAL, as singer-io/tap-zendesk declares its ticket children: they have no replication key
   * of their own but move with the tickets' bookmark, so only changed tickets' children are read.
   */
  override get replicationMethod(): ReplicationMethod {
    return 'INCREMENTAL';
  }

  constructor(readonly tap: TapZendesk) {
    super(tap);
  }

  abstract override getRecords(context: StreamContext<TicketPartition>): AsyncGenerator<R>;
}

export class TicketAuditsStream extends TicketChild<TicketAuditsRecord> {
  readonly name = 'ticket_audits';
  readonly schema = loadSchema('ticket_audits');

  async *getRecords({ partition }: StreamContext<TicketPartition>): AsyncGenerator<TicketAuditsRecord> {
    if (partition === undefined) return;
    yield* await this.tap.audits.take(partition.ticket_id);
  }
}

export class TicketCommentsStream extends TicketChild<TicketCommentsRecord> {
  readonly name = 'ticket_comments';
  readonly schema = loadSchema('ticket_comments');

  async *getRecords({ partition }: StreamContext<TicketPartition>): AsyncGenerator<TicketCommentsRecord> {
    if (partition === undefined) return;
    const ticketId = partition.ticket_id;
    for (const audit of await this.tap.audits.take(ticketId)) {
      for (const event of audit.events ?? []) {
        if (typeof event?.type !== 'string' || !COMMENT_EVENT_TYPES.has(event.type)) continue;
        const { id } = event;
        if (typeof id !== 'number')
          throw new TypeError(
            `ticket ${ticketId}: a ${event.type} event without a numeric id (${JSON.stringify(id)})`,
          );
        yield {
          ...event,
          id,
          ticket_id: ticketId,
          created_at: audit.created_at,
          via: audit.via,
          metadata: audit.metadata,
        };
      }
    }
  }
}

export class TicketMetricsStream extends TicketChild<TicketMetricsRecord> {
  readonly name = 'ticket_metrics';
  readonly schema = loadSchema('ticket_metrics');

  async *getRecords({ partition }: StreamContext<TicketPartition>): AsyncGenerator<TicketMetricsRecord> {
    if (partition === undefined) return;
    const metricSet = this.tap.metricSets.get(partition.ticket_id);
    this.tap.metricSets.delete(partition.ticket_id);
    if (metricSet === undefined || typeof metricSet.id !== 'number') return;
    yield { ...metricSet, id: metricSet.id };
  }
}
