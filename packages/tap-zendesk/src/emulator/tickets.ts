// Tickets: status, timestamps, `via` and the record the exports and lists return; their metric sets.

import { RecordRng, seededHash } from '@singer-ts/sdk/testing';
import { commentBody } from './audits.js';
import { ticketCustomFieldValues } from './custom-fields.js';
import { BASE, SALT } from './ids.js';
import type { Tenant } from './tenant.js';
import { DAY, iso, type Json, toSeconds } from './util.js';
import { ticketVia } from './via.js';
import { SENTENCES, SUBJECT_TOPICS, TAGS } from './vocab.js';

export function ticketStatus(t: Tenant, i: number): string {
  const h = seededHash(t.seed ^ SALT.ticket, i, 0x5a);
  if (h % 100 === 7) return 'deleted';
  const r = (h >>> 8) % 100;
  if (r < 8) return 'new';
  if (r < 25) return 'open';
  if (r < 33) return 'pending';
  if (r < 36) return 'hold';
  if (r < 55) return 'solved';
  return 'closed';
}

/** System-updated tickets: generated_timestamp moved, updated_at did not. */
export function systemLag(t: Tenant, i: number): number {
  const h = seededHash(t.seed ^ SALT.ticket, i, 0x6b);
  return h % 9 === 0 ? 1 + ((h >>> 8) % 3000) : 0;
}

export function ticketTimes(
  t: Tenant,
  i: number,
): { created: number; updated: number; generated: number; pos: number } {
  const pos = t.tickets.indexToPos(i);
  const generated = t.tickets.tsAt(pos);
  const updated = generated - systemLag(t, i);
  const created = Math.min(t.tickets.createdAt(i), updated);
  return { created, updated, generated, pos };
}

/** The generated (pre-mutation) ticket at index i, as the incremental export returns it. */
export function baseTicket(t: Tenant, i: number): Json {
  const rng = new RecordRng(t.seed, SALT.ticket, i);
  const id = t.ticketId(i);
  const { created, updated, generated } = ticketTimes(t, i);
  const status = ticketStatus(t, i);
  const requesterIdx = t.endUserIndex(rng);
  const orgIdx = t.userOrgIndex(requesterIdx);
  const assigned = status !== 'new' && rng.chance(0.85);
  const subject = `${rng.pick(SUBJECT_TOPICS)} #${i + 1}`;
  const description = commentBody(t, i, 0);
  const tags = TAGS.filter(() => rng.chance(0.08));
  const custom = ticketCustomFieldValues(t, rng);
  const type = rng.pick(['question', 'incident', 'problem', 'task', null]);
  const forms = 3;
  const endUsers = (n: number) => Array.from({ length: n }, () => t.userId(t.endUserIndex(rng)));
  const agents = (n: number) => Array.from({ length: n }, () => t.userId(t.agentIndex(rng)));
  const ccs = endUsers(rng.int(3));
  const followers = agents(rng.int(3));
  const solved = status === 'solved' || status === 'closed';
  const via = ticketVia(t, rng, i);
  return {
    url: t.url(`tickets/${id}`),
    id,
    external_id: rng.chance(0.6) ? `ext-${i}` : null,
    via,
    created_at: iso(created),
    updated_at: iso(updated),
    generated_timestamp: generated,
    type,
    subject,
    raw_subject: subject,
    description,
    priority: rng.pick(['low', 'normal', 'normal', 'high', 'urgent', null]),
    status,
    recipient: rng.chance(0.7) ? `support@${t.subdomain}.zendesk.com` : null,
    requester_id: t.userId(requesterIdx),
    submitter_id: rng.chance(0.9) ? t.userId(requesterIdx) : t.userId(t.agentIndex(rng)),
    assignee_id: assigned ? t.userId(t.agentIndex(rng)) : null,
    organization_id: orgIdx >= 0 ? t.orgId(orgIdx) : null,
    group_id: assigned ? t.groupId(rng.int(10)) : null,
    collaborator_ids: [...ccs, ...followers],
    follower_ids: followers,
    email_cc_ids: ccs,
    forum_topic_id: rng.chance(0.05) ? 360_000_000 + rng.int(1_000_000) : null,
    problem_id: type === 'incident' && i > 0 && rng.chance(0.6) ? t.ticketId(rng.int(i)) : null,
    has_incidents: type === 'problem' && rng.chance(0.5),
    is_public: rng.chance(0.95),
    due_at: type === 'task' ? iso(created + 7 * DAY) : null,
    tags,
    custom_fields: custom,
    satisfaction_rating: ticketRating(rng, i, solved),
    sharing_agreement_ids: rng.chance(0.1) ? [BASE.sharing + rng.int(3) * 8] : [],
    custom_status_id: BASE.field + 100 + rng.int(4),
    fields: custom,
    via_followup_source_id: followUpSource(via),
    followup_ids: status === 'closed' && i + 1 < t.ticketCount && rng.chance(0.2) ? [t.ticketId(i + 1)] : [],
    ticket_form_id: BASE.form + rng.int(forms) * 8,
    brand_id: BASE.brand,
    allow_channelback: rng.chance(0.1),
    allow_attachments: rng.chance(0.95),
    from_messaging_channel: rng.chance(0.1),
  };
}

/** The ticket a follow-up was created from (null for every other ticket). */
function followUpSource(via: Json): number | null {
  const source = via.source as Json;
  return source.rel === 'follow_up' ? ((source.from as Json).ticket_id as number) : null;
}

/** `satisfaction_rating` on a ticket: offered while open, a score (with its rating's fields) once solved. */
function ticketRating(rng: RecordRng, i: number, solved: boolean): Json | null {
  if (i % 3 !== 0 && !solved) return null;
  if (!solved) return { score: 'offered' };
  const score = rng.pick(['good', 'good', 'bad', 'offered', 'unoffered']);
  if (score === 'offered' || score === 'unoffered') return { score };
  return {
    id: BASE.rating + 4 + i * 8,
    score,
    comment: rng.pick(SENTENCES),
    reason: score === 'bad' ? 'The issue took too long to resolve' : 'No reason provided',
    reason_id: score === 'bad' ? 5 : 0,
  };
}

/** The ticket metric set of ticket i (the `metric_set` side-load and /ticket_metrics). */
export function metricSet(t: Tenant, i: number): Json {
  const rng = new RecordRng(t.seed, SALT.ticket ^ 0x3e7, i);
  const ticket = t.ticketAt(i);
  const created = toSeconds(ticket.created_at as string);
  const updated = toSeconds(ticket.updated_at as string);
  const solved = ticket.status === 'solved' || ticket.status === 'closed';
  const reply = 1 + rng.int(600);
  const fullRes = Math.max(0, Math.floor((updated - created) / 60));
  return {
    url: t.url(`ticket_metrics/${BASE.metricSet + i}`),
    id: BASE.metricSet + i,
    ticket_id: ticket.id,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    group_stations: 1 + rng.int(3),
    assignee_stations: 1 + rng.int(3),
    reopens: rng.int(2),
    replies: rng.int(5),
    assignee_updated_at: ticket.assignee_id ? ticket.updated_at : null,
    requester_updated_at: ticket.created_at,
    status_updated_at: ticket.updated_at,
    initially_assigned_at: ticket.assignee_id ? iso(created + reply * 30) : null,
    assigned_at: ticket.assignee_id ? iso(created + reply * 30) : null,
    solved_at: solved ? ticket.updated_at : null,
    latest_comment_added_at: ticket.updated_at,
    reply_time_in_minutes: { calendar: reply, business: Math.floor(reply / 3) },
    reply_time_in_seconds: { calendar: reply * 60 + rng.int(60) },
    first_resolution_time_in_minutes: solved ? { calendar: fullRes, business: Math.floor(fullRes / 3) } : {},
    full_resolution_time_in_minutes: solved ? { calendar: fullRes, business: Math.floor(fullRes / 3) } : {},
    agent_wait_time_in_minutes: { calendar: rng.int(100), business: rng.int(50) },
    requester_wait_time_in_minutes: { calendar: rng.int(100), business: rng.int(50) },
    on_hold_time_in_minutes: { calendar: 0, business: 0 },
    custom_status_updated_at: ticket.updated_at,
  };
}
