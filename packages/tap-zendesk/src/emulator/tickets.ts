// Tickets: status, timestamps, `via` and the record the exports and lists return; their metric sets.
import { commentBody } from './audits.js';
import { ticketCustomFieldValues } from './custom-fields.js';
import { BASE, SALT } from './ids.js';
import { hash, RecordRng } from './rng.js';
import type { Tenant } from './tenant.js';
import { DAY, iso, type Json, toSeconds } from './util.js';
import { SUBJECT_TOPICS, TAGS } from './vocab.js';

export function ticketStatus(t: Tenant, i: number): string {
  const h = hash(t.seed ^ SALT.ticket, i, 0x5a);
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
  const h = hash(t.seed ^ SALT.ticket, i, 0x6b);
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

export function via(t: Tenant, rng: RecordRng, i: number): Json {
  const k = rng.int(10);
  if (k < 3) {
    const u = t.endUserIndex(rng);
    return {
      channel: 'email',
      source: {
        from: { address: t.userEmail(u), name: t.userName(u) },
        to: { name: 'Support', address: `support@${t.subdomain}.zendesk.com` },
        rel: null,
      },
    };
  }
  if (k < 5) return { channel: 'web', source: { from: {}, to: {}, rel: null } };
  if (k < 6) return { channel: 'api', source: { from: {}, to: {}, rel: null } };
  if (k < 7) {
    const phone = `+4512${String(hash(t.seed, i, 0x77) % 1000000).padStart(6, '0')}`;
    return {
      channel: 'voice',
      source: { from: { formatted_phone: phone, phone, name: null }, to: {}, rel: 'inbound' },
    };
  }
  if (k < 8 && i > 0) {
    return {
      channel: 'web',
      source: {
        from: { ticket_id: t.ticketId(rng.int(i)), subject: 'Earlier ticket' },
        to: {},
        rel: 'follow_up',
      },
    };
  }
  if (k < 9) {
    return {
      channel: 'rule',
      source: { to: {}, from: { id: BASE.macro + 8, title: 'Auto-reply' }, rel: 'trigger' },
    };
  }
  return { channel: 'mobile_sdk', source: { from: {}, to: {}, rel: 'mobile_sdk' } };
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
  return {
    url: t.url(`tickets/${id}`),
    id,
    external_id: rng.chance(0.1) ? `ext-${i}` : null,
    via: via(t, rng, i),
    created_at: iso(created),
    updated_at: iso(updated),
    generated_timestamp: generated,
    type,
    subject,
    raw_subject: subject,
    description,
    priority: rng.pick(['low', 'normal', 'normal', 'high', 'urgent', null]),
    status,
    recipient: rng.chance(0.3) ? `support@${t.subdomain}.zendesk.com` : null,
    requester_id: t.userId(requesterIdx),
    submitter_id: t.userId(requesterIdx),
    assignee_id: assigned ? t.userId(t.agentIndex(rng)) : null,
    organization_id: orgIdx >= 0 ? t.orgId(orgIdx) : null,
    group_id: assigned ? t.groupId(rng.int(10)) : null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    forum_topic_id: null,
    problem_id: type === 'incident' && i > 0 && rng.chance(0.3) ? t.ticketId(rng.int(i)) : null,
    has_incidents: false,
    is_public: true,
    due_at: type === 'task' ? iso(created + 7 * DAY) : null,
    tags,
    custom_fields: custom,
    satisfaction_rating: i % 3 === 0 ? { score: 'offered' } : null,
    sharing_agreement_ids: [],
    custom_status_id: BASE.field + 100 + rng.int(4),
    fields: custom,
    followup_ids: [],
    ticket_form_id: BASE.form + rng.int(forms) * 8,
    brand_id: BASE.brand,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

/** The ticket metric set of ticket i (the `metric_set` side-load and /ticket_metrics). */
export function metricSet(t: Tenant, i: number): Json {
  const rng = new RecordRng(t.seed, SALT.ticket ^ 0x3e7, i);
  const ticket = t.ticketAt(i);
  const created = toSeconds(ticket.created_at as string);
  const updated = toSeconds(ticket.updated_at as string);
  const solved = ticket.status === 'solved' || ticket.status === 'closed';
  const reply = rng.int(600);
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
    first_resolution_time_in_minutes: solved ? { calendar: fullRes, business: Math.floor(fullRes / 3) } : {},
    full_resolution_time_in_minutes: solved ? { calendar: fullRes, business: Math.floor(fullRes / 3) } : {},
    agent_wait_time_in_minutes: { calendar: rng.int(100), business: rng.int(50) },
    requester_wait_time_in_minutes: { calendar: rng.int(100), business: rng.int(50) },
    on_hold_time_in_minutes: { calendar: 0, business: 0 },
    custom_status_updated_at: ticket.updated_at,
  };
}
