// Ticket audits and the comments derived from their comment events.
import { BASE, SALT } from './ids.js';
import { hash, RecordRng } from './rng.js';
import type { Tenant } from './tenant.js';
import { iso, type Json, toSeconds } from './util.js';
import { largeBody, SENTENCES } from './vocab.js';

export function auditCount(t: Tenant, i: number): number {
  const n = 1 + (hash(t.seed ^ SALT.audit, i, 1) % 3);
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

function commentEvent(id: number, auditId: number, authorId: number, body: string, isPublic: boolean): Json {
  return {
    id,
    type: 'Comment',
    author_id: authorId,
    body,
    html_body: `<div class="zd-comment" dir="auto"><p dir="auto">${escapeHtml(body).replace(/\n/g, '<br>')}</p></div>`,
    plain_body: body,
    public: isPublic,
    attachments: [],
    audit_id: auditId,
  };
}

function auditMetadata(rng: RecordRng): Json {
  return {
    system: {
      client: rng.pick(['Mozilla/5.0 (X11; Linux x86_64)', 'Zendesk Mobile', 'curl/8.5.0']),
      ip_address: `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
      location: rng.pick(['Copenhagen, 84, Denmark', 'San Francisco, CA, United States', 'Tōkyō, Japan']),
      latitude: 55.6761,
      longitude: 12.5683,
    },
    custom: {},
  };
}

/** Audits of ticket i, oldest first (generated ones, then one per mutation). */
export function audits(t: Tenant, i: number): Json[] {
  const ticket = t.baseTicket(i);
  const id = ticket.id as number;
  const created = toSeconds(ticket.created_at as string);
  const updated = toSeconds(ticket.updated_at as string);
  const n = auditCount(t, i);
  const out: Json[] = [];
  for (let j = 0; j < n; j++) {
    const rng = new RecordRng(t.seed, SALT.audit, i * 8 + j);
    const auditId = BASE.audit + i * 8 + j;
    const at = n === 1 ? created : created + Math.floor(((updated - created) * j) / (n - 1));
    const authorId =
      j === 0 ? (ticket.requester_id as number) : ((ticket.assignee_id as number | null) ?? t.userId(0));
    const ev = (k: number) => BASE.event + i * 64 + j * 8 + k;
    const events: Json[] = [
      commentEvent(ev(0), auditId, authorId, commentBody(t, i, j), j === 0 || rng.chance(0.7)),
    ];
    if (j === 0) {
      events.push({ id: ev(1), type: 'Create', value: ticket.subject, field_name: 'subject' });
      events.push({ id: ev(2), type: 'Create', value: 'new', field_name: 'status' });
      events.push({ id: ev(3), type: 'Create', value: ticket.priority, field_name: 'priority' });
    } else {
      const status = j === n - 1 ? ticket.status : 'open';
      events.push({
        id: ev(1),
        type: 'Change',
        value: status,
        field_name: 'status',
        previous_value: j === 1 ? 'new' : 'open',
      });
    }
    out.push({
      id: auditId,
      ticket_id: id,
      created_at: iso(at),
      author_id: authorId,
      metadata: auditMetadata(rng),
      via: j === 0 ? ticket.via : { channel: 'web', source: { from: {}, to: {}, rel: null } },
      events,
    });
  }
  const overlay = t.ticketOverlay.get(id);
  for (const [k, h] of (overlay?.history ?? []).entries()) {
    if (h.system) continue;
    const auditId = BASE.overlayAudit + h.seq * 16;
    const events: Json[] = [];
    if (h.comment !== undefined) events.push(commentEvent(auditId + 1, auditId, h.authorId, h.comment, true));
    h.changes.forEach((c, n) => {
      events.push({
        id: auditId + 2 + n,
        type: 'Change',
        value: c.value,
        field_name: c.field,
        previous_value: c.previous,
      });
    });
    out.push({
      id: auditId,
      ticket_id: id,
      created_at: iso(h.ts),
      author_id: h.authorId,
      metadata: { system: {}, custom: { emulator_mutation: k + 1 } },
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      events,
    });
  }
  return out;
}

/** Comments of ticket i, derived from the Comment events of its audits. */
export function comments(t: Tenant, i: number): Json[] {
  const out: Json[] = [];
  for (const a of audits(t, i)) {
    for (const e of a.events as Json[]) {
      if (e.type !== 'Comment') continue;
      out.push({ ...e, via: a.via, created_at: a.created_at, metadata: a.metadata });
    }
  }
  return out;
}
