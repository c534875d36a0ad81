// The ticket_events and ticket_metric_events incremental exports.

import { RecordRng } from '@singer-ts/sdk/testing';
import { auditCount, commentBody, escapeHtml } from './audits.js';
import { BASE, SALT } from './ids.js';
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

function mergeSource(ticket: Json): Json {
  return ((ticket.via as Json).source as Json).from as Json;
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
    // A ticket made by merging others lists them.
    merged_ticket_ids: (mergeSource(ticket).ticket_ids as number[] | undefined) ?? [],
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

/**
 * One metric's lifecycle per ticket, as Zendesk records it: `activate`, `apply_sla` (with the policy and
 * target), `update_status` (with the elapsed minutes so far) and `fulfill`, all at the ticket's
 * generated_timestamp (the export's `time`); deleted tickets' events carry `deleted: true`.
 */
const METRIC_EVENT_TYPES = ['activate', 'apply_sla', 'update_status', 'fulfill'] as const;
const METRICS = ['reply_time', 'agent_work_time', 'requester_wait_time', 'pausable_update_time'] as const;

export function* metricEventRows(t: Tenant, ts: number, seq: number): Generator<Row> {
  const tl = t.tickets;
  const per = METRIC_EVENT_TYPES.length;
  for (let p = tl.lowerBound(ts); p < tl.count; p++) {
    const g = tl.tsAt(p);
    for (let j = 0; j < per; j++) {
      const s = per * p + j;
      if (g === ts && s <= seq) continue;
      const i = tl.posToIndex(p);
      yield { ts: g, seq: s, id: BASE.metricEvent + s, render: () => metricEvent(t, i, s, j, g) };
    }
  }
}

function metricEvent(t: Tenant, i: number, s: number, j: number, time: number): Json {
  const rng = new RecordRng(t.seed, SALT.sla ^ 0x5e, i);
  const metric = METRICS[i % METRICS.length] as string;
  const ev: Json = {
    id: BASE.metricEvent + s,
    ticket_id: t.ticketId(i),
    metric,
    instance_id: 1 + (i % 2),
    type: METRIC_EVENT_TYPES[j],
    time: iso(time),
  };
  if (ev.type === 'apply_sla') {
    const policy = t.slaPolicies()[i % 3] as Json;
    ev.sla = {
      target: 60 * (1 + rng.int(8)),
      business_hours: rng.chance(0.7),
      policy: { id: policy.id, title: policy.title, description: policy.description },
    };
  }
  if (ev.type === 'update_status') {
    const calendar = rng.int(2_000);
    ev.status = { calendar, business: Math.floor(calendar / 3) };
  }
  if (ticketStatus(t, i) === 'deleted') ev.deleted = true;
  return ev;
}
