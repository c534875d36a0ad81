// The ticket_events and ticket_metric_events incremental exports.
import { auditCount, commentBody, escapeHtml } from './audits.js';
import { BASE } from './ids.js';
import { mergeRows, type Row } from './rows.js';
import type { Tenant } from './tenant.js';
import { systemLag, ticketStatus, ticketTimes } from './tickets.js';
import { iso, type Json, lowerBoundBy } from './util.js';

const SYSTEM = {
  client: 'Mozilla/5.0',
  location: 'Copenhagen, 84, Denmark',
  latitude: 55.6761,
  longitude: 12.5683,
};

/** Ticket events: a Create event per ticket at created_at, an Update event at updated_at, plus mutations. */
export function* ticketEventRows(
  t: Tenant,
  ts: number,
  seq: number,
  includeComments: boolean,
): Generator<Row> {
  const n = t.ticketCount;
  const creates = function* (): Generator<Row> {
    for (let i = lowerBoundBy(n, (k) => ticketTimes(t, k).created, ts); i < n; i++) {
      const c = ticketTimes(t, i).created;
      if (c === ts && 2 * i <= seq) continue;
      yield {
        ts: c,
        seq: 2 * i,
        id: BASE.ticketEvent + 2 * i,
        render: () => createEvent(t, i, includeComments),
      };
    }
  };
  const updates = function* (): Generator<Row> {
    for (let p = t.tickets.lowerBound(ts); p < n; p++) {
      const g = t.tickets.tsAt(p);
      if (g === ts && 2 * p + 1 <= seq) continue;
      const i = t.tickets.posToIndex(p);
      if (systemLag(t, i) > 0) continue;
      yield {
        ts: g,
        seq: 2 * p + 1,
        id: BASE.ticketEvent + 2 * p + 1,
        render: () => updateEvent(t, i, p, includeComments),
      };
    }
  };
  const overlay = function* (): Generator<Row> {
    for (const r of t.overlayEvents) {
      if (r.ts < ts || (r.ts === ts && r.seq <= seq)) continue;
      yield r;
    }
  };
  yield* mergeRows([creates(), updates(), overlay()]);
}

function childComment(t: Tenant, i: number, j: number, includeComments: boolean): Json {
  const base: Json = {
    id: BASE.event + i * 64 + j * 8,
    via: 'Web form',
    via_reference_id: null,
    comment_present: true,
    comment_public: true,
    event_type: 'Comment',
  };
  if (!includeComments) return base;
  const body = commentBody(t, i, j);
  return {
    ...base,
    type: 'Comment',
    body,
    html_body: `<p>${escapeHtml(body)}</p>`,
    public: true,
    attachments: [],
  };
}

function createEvent(t: Tenant, i: number, includeComments: boolean): Json {
  const ticket = t.baseTicket(i);
  const { created } = ticketTimes(t, i);
  return {
    id: BASE.ticketEvent + 2 * i,
    ticket_id: ticket.id,
    timestamp: created,
    created_at: iso(created),
    updater_id: ticket.requester_id,
    via: 'Web form',
    system: SYSTEM,
    merged_ticket_ids: [],
    event_type: 'Create',
    child_events: [
      childComment(t, i, 0, includeComments),
      {
        id: BASE.event + i * 64 + 1,
        via: 'Web form',
        via_reference_id: null,
        subject: ticket.subject,
        event_type: 'Create',
      },
      {
        id: BASE.event + i * 64 + 2,
        via: 'Web form',
        via_reference_id: null,
        status: 'new',
        event_type: 'Create',
      },
    ],
  };
}

function updateEvent(t: Tenant, i: number, p: number, includeComments: boolean): Json {
  const ticket = t.baseTicket(i);
  const g = t.tickets.tsAt(p);
  const last = auditCount(t, i) - 1;
  return {
    id: BASE.ticketEvent + 2 * p + 1,
    ticket_id: ticket.id,
    timestamp: g,
    created_at: iso(g),
    updater_id: ticket.assignee_id ?? t.userId(0),
    via: 'Web form',
    system: SYSTEM,
    merged_ticket_ids: [],
    event_type: 'Update',
    child_events: [
      ...(last > 0 ? [childComment(t, i, last, includeComments)] : []),
      {
        id: BASE.event + i * 64 + 8 * Math.max(1, last) + 1,
        via: 'Web form',
        via_reference_id: null,
        status: ticket.status,
        previous_value: 'open',
        event_type: 'Change',
      },
    ],
  };
}

/** Ticket metric events: two per ticket at its generated_timestamp (the response may lack end_of_stream). */
export function* metricEventRows(t: Tenant, ts: number, seq: number): Generator<Row> {
  const tl = t.tickets;
  for (let p = tl.lowerBound(ts); p < tl.count; p++) {
    const g = tl.tsAt(p);
    for (let j = 0; j < 2; j++) {
      const s = 2 * p + j;
      if (g === ts && s <= seq) continue;
      const i = tl.posToIndex(p);
      yield {
        ts: g,
        seq: s,
        id: BASE.metricEvent + s,
        render: () => {
          const ev: Json = {
            id: BASE.metricEvent + s,
            ticket_id: t.ticketId(i),
            metric: j === 0 ? 'reply_time' : 'agent_work_time',
            instance_id: 1,
            type: j === 0 ? 'fulfill' : 'measure',
            time: iso(g),
          };
          if (ticketStatus(t, i) === 'deleted') ev.deleted = true;
          return ev;
        },
      };
    }
  }
}
