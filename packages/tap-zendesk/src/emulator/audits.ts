// Ticket audits and the comments derived from their comment events.

import { RecordRng, seededHash } from '@singer-ts/sdk/testing';
import { attachment, attachmentId } from './attachments.js';
import { talkLine } from './collections.js';
import { BASE, SALT } from './ids.js';
import type { TicketChange } from './rows.js';
import type { Tenant } from './tenant.js';
import { iso, type Json, toSeconds } from './util.js';
import { plainVia, ruleVia, voiceVia } from './via.js';
import { largeBody, SENTENCES } from './vocab.js';

export function auditCount(t: Tenant, i: number): number {
  const n = 1 + (seededHash(t.seed ^ SALT.audit, i, 1) % 3);
  return hasLargeComment(t, i) ? Math.max(2, n) : n;
}

function hasLargeComment(t: Tenant, i: number): boolean {
  return t.largeEvery > 0 && t.largeBytes > 0 && i % t.largeEvery === t.largeEvery - 1;
}

/** Body of the comment of audit j of ticket i (the first one is the ticket's description). */
export function commentBody(t: Tenant, i: number, j: number): string {
  if (j === 1 && hasLargeComment(t, i)) return largeBody(t.largeBytes, i);
  const rng = new RecordRng(t.seed, SALT.audit ^ (j + 1), i);
  const n = 1 + rng.int(3);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) parts.push(rng.pick(SENTENCES));
  return parts.join('\n\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function commentEvent(
  t: Tenant,
  rng: RecordRng,
  id: number,
  auditId: number,
  authorId: number,
  body: string,
  isPublic: boolean,
): Json {
  const files = rng.chance(0.3) ? 1 + rng.int(2) : 0;
  return {
    id,
    type: 'Comment',
    author_id: authorId,
    body,
    html_body: `<div class="zd-comment" dir="auto"><p dir="auto">${escapeHtml(body).replace(/\n/g, '<br>')}</p></div>`,
    plain_body: body,
    public: isPublic,
    attachments: Array.from({ length: files }, (_, k) => attachment(t, attachmentId(id, k), rng)),
    audit_id: auditId,
  };
}

/** A recorded phone call: a comment with the call's data, as Zendesk Talk adds it to the ticket. */
function voiceCommentEvent(
  t: Tenant,
  rng: RecordRng,
  i: number,
  id: number,
  auditId: number,
  at: number,
  via: Json,
): Json {
  const source = via.source as { from: Json; to: Json };
  const agent = t.agentIndex(rng);
  const duration = 20 + rng.int(1800);
  const transcript = rng.pick(SENTENCES);
  const from = (source.from.phone as string | undefined) ?? `+4512${String(rng.int(1e6)).padStart(6, '0')}`;
  const to = (source.to.phone as string | undefined) ?? (talkLine(i).phone as string);
  const body = `Inbound call from ${from}\nCall duration: ${Math.floor(duration / 60)}m ${duration % 60}s\nAnswered by: ${t.userName(agent)}\nTranscription: ${transcript}`;
  return {
    id,
    type: 'VoiceComment',
    author_id: t.userId(agent),
    body,
    html_body: `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>`,
    plain_body: body,
    public: false,
    attachments: [],
    audit_id: auditId,
    created_at: iso(at),
    data: {
      from,
      to,
      recording_url: `https://${t.subdomain}.zendesk.com/api/v2/channels/voice/calls/CA${id.toString(16)}/twilio/recording`,
      started_at: iso(at - duration),
      call_duration: duration,
      answered_by_id: t.userId(agent),
      answered_by_name: t.userName(agent),
      transcription_text: transcript,
      transcription_status: 'completed',
      location: rng.pick(['Copenhagen, Denmark', 'Berlin, Germany', 'Ōsaka, Japan']),
    },
    formatted_from: (source.from.formatted_phone as string | undefined) ?? from,
    formatted_to: (source.to.formatted_phone as string | undefined) ?? to,
    transcription_visible: rng.chance(0.5),
    trusted: true,
  };
}

function auditMetadata(rng: RecordRng, via: Json, auditId: number): Json {
  const system: Json = {
    client: rng.pick(['Mozilla/5.0 (X11; Linux x86_64)', 'Zendesk Mobile', 'curl/8.5.0']),
    ip_address: `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
    location: rng.pick(['Copenhagen, 84, Denmark', 'San Francisco, CA, United States', 'Tōkyō, Japan']),
    latitude: rng.pick([55.6761, 37.7749, 35.6895]),
    longitude: rng.pick([12.5683, -122.4194, 139.6917]),
  };
  const metadata: Json = { system, custom: {} };
  if (via.channel === 'email') {
    system.message_id = `<${auditId.toString(36)}@mail.example.com>`;
    system.raw_email_identifier = `${auditId % 100000}/${auditId.toString(36)}.eml`;
    system.json_email_identifier = `${auditId % 100000}/${auditId.toString(36)}.json`;
    // Mail from an address Zendesk could not verify is flagged (2) or suspected spoofed (11).
    if (rng.chance(0.5)) {
      metadata.flags = [2, 11];
      metadata.flags_options = {
        '2': { trusted: false },
        '11': { trusted: false, message: { user: 'the sender' } },
      };
      metadata.trusted = false;
    } else {
      metadata.flags = [];
      metadata.flags_options = {};
      metadata.trusted = true;
    }
    metadata.notifications_suppressed_for = rng.chance(0.3) ? [rng.int(1_000_000)] : [];
  }
  return metadata;
}

/** Where the CCs came from: the follow-up's source ticket, or the requester's mail to the support address. */
function ccVia(t: Tenant, ticket: Json): Json {
  const via = ticket.via as Json;
  if ((via.source as Json).rel === 'follow_up') return via;
  const requester = t.userIndex(ticket.requester_id as number);
  const support = `support@${t.subdomain}.zendesk.com`;
  return {
    channel: 'email',
    source: {
      from: { address: t.userEmail(requester), name: t.userName(requester), original_recipients: [support] },
      to: { address: support, name: 'Support' },
      rel: null,
    },
  };
}

/** Events other than the comment that an update audit carries: status, tags, macro, notification, CC. */
function updateEvents(
  t: Tenant,
  rng: RecordRng,
  ticket: Json,
  ev: (k: number) => number,
  j: number,
  last: boolean,
): Json[] {
  const status = last ? ticket.status : 'open';
  const events: Json[] = [
    {
      id: ev(1),
      type: 'Change',
      value: status,
      field_name: 'status',
      previous_value: j === 1 ? 'new' : 'open',
    },
  ];
  const tags = ticket.tags as string[];
  if (tags.length > 0)
    events.push({
      id: ev(2),
      type: 'Change',
      value: tags,
      field_name: 'tags',
      previous_value: tags.slice(1),
    });
  if (rng.chance(0.5)) {
    const macro = rng.int(25);
    events.push({
      id: ev(3),
      type: 'AgentMacroReference',
      via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
      macro_id: String(BASE.macro + macro * 8),
      macro_title: `Macro ${macro + 1}`,
      macro_deleted: macro % 11 === 10,
    });
  }
  events.push({
    id: ev(4),
    type: 'Notification',
    via: ruleVia(rng),
    subject: `[${t.subdomain}] Re: ${ticket.subject as string}`,
    body: 'Your request has been updated. To add additional comments, reply to this email.',
    recipients: [ticket.requester_id as number],
  });
  if ((ticket.email_cc_ids as number[]).length > 0)
    events.push({
      id: ev(5),
      type: 'Cc',
      via: ccVia(t, ticket),
      recipients: ticket.email_cc_ids,
    });
  if (rng.chance(0.2))
    events.push({
      id: ev(6),
      type: 'External',
      resource: 'crm_sync',
      body: '{"synced":true}',
      success: true,
    });
  return events;
}

/** An audit value as Zendesk writes it: ids and numbers as strings, tag lists as arrays of strings. */
function auditValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => String(v));
  return typeof value === 'boolean' ? value : String(value);
}

/** Change events of a mutation: one per field, and one per custom field (named by its id) that changed. */
function auditChanges(changes: TicketChange['changes']): Json[] {
  return changes.flatMap((c) => {
    if (c.field !== 'custom_fields' || !Array.isArray(c.value))
      return [{ field_name: c.field, value: auditValue(c.value), previous_value: auditValue(c.previous) }];
    const before = new Map(((c.previous ?? []) as Json[]).map((f) => [f.id, f.value]));
    return (c.value as Json[])
      .filter((f) => JSON.stringify(before.get(f.id)) !== JSON.stringify(f.value))
      .map((f) => ({
        field_name: String(f.id),
        value: auditValue(f.value),
        previous_value: auditValue(before.get(f.id)),
      }));
  });
}

/** Audits of ticket i, oldest first (generated ones, then one per mutation). */
export function audits(t: Tenant, i: number): Json[] {
  const ticket = t.baseTicket(i);
  const id = ticket.id as number;
  const created = toSeconds(ticket.created_at as string);
  const updated = toSeconds(ticket.updated_at as string);
  const n = auditCount(t, i);
  const voiceTicket = (ticket.via as Json).channel === 'voice';
  const out: Json[] = [];
  for (let j = 0; j < n; j++) {
    const rng = new RecordRng(t.seed, SALT.audit, i * 8 + j);
    const auditId = BASE.audit + i * 8 + j;
    const at = n === 1 ? created : created + Math.floor(((updated - created) * j) / (n - 1));
    const authorId =
      j === 0 ? (ticket.requester_id as number) : ((ticket.assignee_id as number | null) ?? t.userId(0));
    const ev = (k: number) => BASE.event + i * 64 + j * 8 + k;
    // A call opens a voice ticket; later calls on any ticket come in now and then.
    const call =
      (voiceTicket && j === 0) || (j > 0 && rng.chance(0.15) && !(j === 1 && hasLargeComment(t, i)));
    const via = j === 0 ? (ticket.via as Json) : call ? voiceVia(t, i, null) : plainVia('web');
    const events: Json[] = [
      call
        ? voiceCommentEvent(t, rng, i, ev(0), auditId, at, via)
        : commentEvent(t, rng, ev(0), auditId, authorId, commentBody(t, i, j), j === 0 || rng.chance(0.7)),
    ];
    if (j === 0) {
      events.push({ id: ev(1), type: 'Create', value: ticket.subject, field_name: 'subject' });
      events.push({ id: ev(2), type: 'Create', value: 'new', field_name: 'status' });
      events.push({ id: ev(3), type: 'Create', value: ticket.priority, field_name: 'priority' });
      events.push({ id: ev(4), type: 'Create', value: ticket.tags, field_name: 'tags' });
    } else {
      events.push(...updateEvents(t, rng, ticket, ev, j, j === n - 1));
    }
    out.push({
      id: auditId,
      ticket_id: id,
      created_at: iso(at),
      author_id: authorId,
      metadata: auditMetadata(rng, via, auditId),
      via,
      events,
    });
  }
  const overlay = t.ticketOverlay.get(id);
  for (const [k, h] of (overlay?.history ?? []).entries()) {
    if (h.system) continue;
    const auditId = BASE.overlayAudit + h.seq * 16;
    const rng = new RecordRng(t.seed, SALT.audit ^ 0x0f, h.seq);
    const events: Json[] = [];
    if (h.comment !== undefined)
      events.push(commentEvent(t, rng, auditId + 1, auditId, h.authorId, h.comment, true));
    auditChanges(h.changes).forEach((c, n) => {
      events.push({ id: auditId + 2 + n, type: 'Change', ...c });
    });
    out.push({
      id: auditId,
      ticket_id: id,
      created_at: iso(h.ts),
      author_id: h.authorId,
      metadata: { system: {}, custom: { emulator_mutation: k + 1 } },
      via: plainVia('api'),
      events,
    });
  }
  return out;
}

/** Comments of ticket i (voice comments included), derived from the comment events of its audits. */
export function comments(t: Tenant, i: number): Json[] {
  const out: Json[] = [];
  for (const a of audits(t, i)) {
    for (const e of a.events as Json[]) {
      if (e.type !== 'Comment' && e.type !== 'VoiceComment') continue;
      out.push({ ...e, via: a.via, created_at: a.created_at, metadata: a.metadata });
    }
  }
  return out;
}
