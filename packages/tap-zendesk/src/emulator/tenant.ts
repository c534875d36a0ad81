import { hash, hashString, RecordRng } from './rng.js';
import { Timeline } from './timeline.js';
import { DAY, iso, type Json, lowerBoundBy, toSeconds } from './util.js';
import {
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  IANA_ZONES,
  LAST_NAMES,
  LOCALES,
  largeBody,
  SENTENCES,
  SUBJECT_TOPICS,
  TAGS,
  TIME_ZONES,
} from './vocab.js';

/** Options of the generated tenant. Everything is a pure function of these, so the same options give the same data. */
export interface TenantOptions {
  /** Seed of every generated value (number or any string). Default 1. */
  seed?: number | string;
  /** Number of tickets (up to millions; records are generated lazily by index). Default 1000. */
  tickets?: number;
  /** Number of users; the first few are agents/admins. Default max(20, tickets / 4). */
  users?: number;
  /** Number of organizations. Default max(5, tickets / 20). */
  organizations?: number;
  /** Generated history runs from startDate to endDate. Defaults 2023-01-01 .. 2026-01-01 (UTC). */
  startDate?: string | number | Date;
  endDate?: string | number | Date;
  /** Ties in updated_at: every `every` records, the first `size` share one second. Default {every: 40, size: 3}; false disables. */
  ties?: { every: number; size: number } | false;
  /** One-second bursts of N records (placed mid-history), e.g. {organizations: 1001} to reproduce a non-advancing time-based export. */
  bursts?: { tickets?: number; users?: number; organizations?: number };
  /** Every Nth ticket has one comment of about `largeCommentBytes` of mixed Unicode. Defaults 1000 and 64 KiB. */
  largeCommentEvery?: number;
  largeCommentBytes?: number;
  /** Subdomain used in generated e-mail addresses and `recipient`. Default "acme". */
  subdomain?: string;
  /** E-mail of user 0, the account owner (the credentialed admin). */
  adminEmail?: string;
}

const SALT = {
  ticket: hashString('ticket'),
  user: hashString('user'),
  org: hashString('organization'),
  group: hashString('group'),
  membership: hashString('group_membership'),
  field: hashString('ticket_field'),
  form: hashString('ticket_form'),
  macro: hashString('macro'),
  sla: hashString('sla_policy'),
  rating: hashString('satisfaction_rating'),
  audit: hashString('audit'),
  userField: hashString('user_field'),
  orgField: hashString('organization_field'),
  phone: hashString('phone_number'),
};

/** Id spaces: all above 2^32 and far below 2^53. */
const BASE = {
  ticket: 4_300_000_000,
  user: 360_000_000_000,
  org: 370_000_000_000,
  group: 380_000_000_000,
  membership: 381_000_000_000,
  field: 390_000_000_000,
  option: 391_000_000_000,
  form: 392_000_000_000,
  macro: 393_000_000_000,
  sla: 394_000_000_000,
  userField: 395_000_000_000,
  orgField: 396_000_000_000,
  phone: 397_000_000_000,
  brand: 398_000_000_001,
  rating: 400_000_000_000,
  audit: 10_000_000_000_000,
  event: 20_000_000_000_000,
  ticketEvent: 30_000_000_000_000,
  metricSet: 40_000_000_000_000,
  metricEvent: 50_000_000_000_000,
  overlayAudit: 60_000_000_000_000,
};

const OVERLAY_SEQ = 2 ** 42;

interface CustomFieldDef {
  id: number;
  type: string;
  title: string;
  options?: Array<{ id: number; name: string; value: string }>;
}

export interface TicketChange {
  ts: number;
  seq: number;
  system: boolean;
  authorId: number;
  changes: Array<{ field: string; previous: unknown; value: unknown }>;
  comment?: string | undefined;
}

export interface OverlayEntry {
  id: number;
  index: number;
  record: Json;
  /** Export timestamp (generated_timestamp for tickets, updated_at otherwise) and tie-breaking sequence. */
  ts: number;
  seq: number;
  history: TicketChange[];
}

/** A row of an export stream: its sort key and a renderer. */
export interface Row {
  ts: number;
  seq: number;
  id: number;
  deleted?: boolean;
  render: () => Json;
}

export class Tenant {
  readonly seed: number;
  readonly ticketCount: number;
  readonly userCount: number;
  readonly orgCount: number;
  readonly agentCount: number;
  readonly start: number;
  readonly end: number;
  readonly tickets: Timeline;
  readonly users: Timeline;
  readonly orgs: Timeline;
  readonly subdomain: string;
  readonly adminEmail: string;
  private readonly largeEvery: number;
  private readonly largeBytes: number;
  /** Origin the emulator is served from; every url/next link is built from it. */
  base = 'http://127.0.0.1';

  readonly ticketOverlay = new Map<number, OverlayEntry>();
  readonly userOverlay = new Map<number, OverlayEntry>();
  readonly orgOverlay = new Map<number, OverlayEntry>();
  /** Ticket events created by mutations, in (ts, seq) order. */
  readonly overlayEvents: Row[] = [];
  private mutationSeq = 0;

  readonly customFields: CustomFieldDef[];
  private cachedStatic: Map<string, Json[]> = new Map();
  private listableTicketCount: number | undefined;

  constructor(o: TenantOptions = {}) {
    this.seed = typeof o.seed === 'string' ? hashString(o.seed) : (o.seed ?? 1) >>> 0;
    this.ticketCount = Math.max(0, Math.floor(o.tickets ?? 1000));
    this.userCount = Math.max(2, Math.floor(o.users ?? Math.max(20, Math.floor(this.ticketCount / 4))));
    this.orgCount = Math.max(
      1,
      Math.floor(o.organizations ?? Math.max(5, Math.floor(this.ticketCount / 20))),
    );
    this.agentCount = Math.min(
      this.userCount - 1,
      Math.max(3, Math.min(200, Math.floor(this.userCount / 20))),
    );
    this.start = toSeconds(o.startDate ?? '2023-01-01T00:00:00Z');
    this.end = toSeconds(o.endDate ?? '2026-01-01T00:00:00Z');
    if (!(this.end > this.start)) throw new Error('endDate must be after startDate');
    this.subdomain = o.subdomain ?? 'acme';
    this.adminEmail = o.adminEmail ?? `admin@${this.subdomain}.example`;
    this.largeEvery = Math.max(0, Math.floor(o.largeCommentEvery ?? 1000));
    this.largeBytes = Math.max(0, Math.floor(o.largeCommentBytes ?? 65_536));
    const ties = o.ties === false ? undefined : (o.ties ?? { every: 40, size: 3 });
    const burst = (count: number, size: number | undefined) =>
      size && size > 0 ? { at: Math.max(0, Math.floor((count - size) / 2)), size } : undefined;
    const span = (this.end - this.start) * 0.97;
    const timeline = (count: number, salt: number, burstSize: number | undefined) =>
      new Timeline({
        count,
        start: this.start,
        end: this.start + span,
        seed: this.seed,
        salt,
        ties,
        burst: burst(count, burstSize),
      });
    this.tickets = timeline(this.ticketCount, SALT.ticket, o.bursts?.tickets);
    this.users = timeline(this.userCount, SALT.user, o.bursts?.users);
    this.orgs = timeline(this.orgCount, SALT.org, o.bursts?.organizations);
    this.customFields = this.buildCustomFields();
  }

  // ---------------------------------------------------------------- ids

  private idOf(base: number, salt: number, i: number): number {
    return base + i * 8 + (hash(this.seed ^ salt, i, 0x1d) & 7);
  }

  private indexOfId(base: number, salt: number, count: number, id: number): number {
    if (!Number.isSafeInteger(id) || id < base) return -1;
    const i = Math.floor((id - base) / 8);
    return i < count && this.idOf(base, salt, i) === id ? i : -1;
  }

  ticketId(i: number): number {
    return this.idOf(BASE.ticket, SALT.ticket, i);
  }
  ticketIndex(id: number): number {
    return this.indexOfId(BASE.ticket, SALT.ticket, this.ticketCount, id);
  }
  userId(i: number): number {
    return this.idOf(BASE.user, SALT.user, i);
  }
  userIndex(id: number): number {
    return this.indexOfId(BASE.user, SALT.user, this.userCount, id);
  }
  orgId(i: number): number {
    return this.idOf(BASE.org, SALT.org, i);
  }
  orgIndex(id: number): number {
    return this.indexOfId(BASE.org, SALT.org, this.orgCount, id);
  }
  groupId(i: number): number {
    return this.idOf(BASE.group, SALT.group, i);
  }

  private url(path: string): string {
    return `${this.base}/api/v2/${path}.json`;
  }

  // ---------------------------------------------------------------- helpers

  private randomTime(rng: RecordRng): number {
    return this.start + rng.int(this.end - this.start);
  }

  private personName(rng: RecordRng): string {
    return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  }

  /** Organization of user index u (agents have none, ~15% of end-users have none). */
  userOrgIndex(u: number): number {
    if (u < this.agentCount) return -1;
    const h = hash(this.seed ^ SALT.user, u, 0x0a);
    return h % 100 < 15 ? -1 : (h >>> 8) % this.orgCount;
  }

  private agentIndex(rng: RecordRng): number {
    return rng.int(this.agentCount);
  }

  private endUserIndex(rng: RecordRng): number {
    return this.agentCount + rng.int(this.userCount - this.agentCount);
  }

  private dateValue(rng: RecordRng, style: 'ticket' | 'org'): string {
    const t = this.start - 400 * DAY + rng.int(1500) * DAY;
    const day = iso(t).slice(0, 10);
    if (style === 'org') return rng.chance(0.5) ? `${day}T00:00:00+00:00` : day;
    return rng.chance(0.7) ? day : `${day}T00:00:00Z`;
  }

  // ---------------------------------------------------------------- tickets

  ticketStatus(i: number): string {
    const h = hash(this.seed ^ SALT.ticket, i, 0x5a);
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
  private systemLag(i: number): number {
    const h = hash(this.seed ^ SALT.ticket, i, 0x6b);
    return h % 9 === 0 ? 1 + ((h >>> 8) % 3000) : 0;
  }

  private ticketTimes(i: number): { created: number; updated: number; generated: number; pos: number } {
    const pos = this.tickets.indexToPos(i);
    const generated = this.tickets.tsAt(pos);
    const updated = generated - this.systemLag(i);
    const created = Math.min(this.tickets.createdAt(i), updated);
    return { created, updated, generated, pos };
  }

  /** Archived: closed for more than 120 days before the end of the generated history. */
  isArchived(i: number): boolean {
    return this.ticketStatus(i) === 'closed' && this.ticketTimes(i).updated < this.end - 120 * DAY;
  }

  private via(rng: RecordRng, i: number): Json {
    const k = rng.int(10);
    if (k < 3) {
      const u = this.endUserIndex(rng);
      return {
        channel: 'email',
        source: {
          from: { address: this.userEmail(u), name: this.userName(u) },
          to: { name: 'Support', address: `support@${this.subdomain}.zendesk.com` },
          rel: null,
        },
      };
    }
    if (k < 5) return { channel: 'web', source: { from: {}, to: {}, rel: null } };
    if (k < 6) return { channel: 'api', source: { from: {}, to: {}, rel: null } };
    if (k < 7) {
      const phone = `+4512${String(hash(this.seed, i, 0x77) % 1000000).padStart(6, '0')}`;
      return {
        channel: 'voice',
        source: { from: { formatted_phone: phone, phone, name: null }, to: {}, rel: 'inbound' },
      };
    }
    if (k < 8 && i > 0) {
      return {
        channel: 'web',
        source: {
          from: { ticket_id: this.ticketId(rng.int(i)), subject: 'Earlier ticket' },
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

  private customFieldValues(rng: RecordRng): Array<{ id: number; value: unknown }> {
    return this.customFields.map((f) => {
      const empty = rng.chance(0.25);
      let value: unknown = null;
      switch (f.type) {
        case 'text':
          value = empty ? null : `ORD-${rng.int(1_000_000)}`;
          break;
        case 'textarea':
          value = empty ? null : rng.pick(SENTENCES);
          break;
        case 'integer':
          value = empty ? null : String(rng.int(5000));
          break;
        case 'decimal':
          value = empty ? null : `${rng.int(1000)}.${String(rng.int(100)).padStart(2, '0')}`;
          break;
        case 'checkbox':
          value = rng.chance(0.3);
          break;
        case 'date':
          value = empty ? null : this.dateValue(rng, 'ticket');
          break;
        case 'tagger':
          value = empty ? null : (rng.pick(f.options ?? []) as { value: string }).value;
          break;
        case 'multiselect': {
          if (empty) {
            value = null;
            break;
          }
          const opts = f.options ?? [];
          value = opts.filter(() => rng.chance(0.4)).map((o) => o.value);
          break;
        }
        case 'regexp':
          value = empty ? null : `SN-${String(rng.int(10000)).padStart(4, '0')}-AB`;
          break;
        case 'lookup':
          value = empty ? null : this.orgId(rng.int(this.orgCount));
          break;
        default:
          value = null;
      }
      return { id: f.id, value };
    });
  }

  /** The generated (pre-mutation) ticket at index i, as the incremental export returns it. */
  baseTicket(i: number): Json {
    const rng = new RecordRng(this.seed, SALT.ticket, i);
    const id = this.ticketId(i);
    const { created, updated, generated } = this.ticketTimes(i);
    const status = this.ticketStatus(i);
    const requesterIdx = this.endUserIndex(rng);
    const orgIdx = this.userOrgIndex(requesterIdx);
    const assigned = status !== 'new' && rng.chance(0.85);
    const subject = `${rng.pick(SUBJECT_TOPICS)} #${i + 1}`;
    const description = this.commentBody(i, 0);
    const tags = TAGS.filter(() => rng.chance(0.08));
    const custom = this.customFieldValues(rng);
    const type = rng.pick(['question', 'incident', 'problem', 'task', null]);
    const forms = 3;
    return {
      url: this.url(`tickets/${id}`),
      id,
      external_id: rng.chance(0.1) ? `ext-${i}` : null,
      via: this.via(rng, i),
      created_at: iso(created),
      updated_at: iso(updated),
      generated_timestamp: generated,
      type,
      subject,
      raw_subject: subject,
      description,
      priority: rng.pick(['low', 'normal', 'normal', 'high', 'urgent', null]),
      status,
      recipient: rng.chance(0.3) ? `support@${this.subdomain}.zendesk.com` : null,
      requester_id: this.userId(requesterIdx),
      submitter_id: this.userId(requesterIdx),
      assignee_id: assigned ? this.userId(this.agentIndex(rng)) : null,
      organization_id: orgIdx >= 0 ? this.orgId(orgIdx) : null,
      group_id: assigned ? this.groupId(rng.int(10)) : null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: type === 'incident' && i > 0 && rng.chance(0.3) ? this.ticketId(rng.int(i)) : null,
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

  /** Current state of the ticket at index i (overlay first). */
  ticketAt(i: number): Json {
    const o = this.ticketOverlay.get(this.ticketId(i));
    return o ? o.record : this.baseTicket(i);
  }

  ticketIsDeleted(i: number): boolean {
    const o = this.ticketOverlay.get(this.ticketId(i));
    return o ? o.record.status === 'deleted' : this.ticketStatus(i) === 'deleted';
  }

  /** Record for list/show endpoints: the export adds generated_timestamp, the list endpoints don't. */
  ticketForList(i: number): Json {
    const { generated_timestamp: _g, ...rest } = this.ticketAt(i);
    return rest;
  }

  ticketForExport(i: number, includeMetricSets: boolean): Json {
    const t = this.ticketAt(i);
    return includeMetricSets ? { ...t, metric_set: this.metricSet(i) } : t;
  }

  metricSet(i: number): Json {
    const rng = new RecordRng(this.seed, SALT.ticket ^ 0x3e7, i);
    const t = this.ticketAt(i);
    const created = toSeconds(t.created_at as string);
    const updated = toSeconds(t.updated_at as string);
    const solved = t.status === 'solved' || t.status === 'closed';
    const reply = rng.int(600);
    const fullRes = Math.max(0, Math.floor((updated - created) / 60));
    return {
      url: this.url(`ticket_metrics/${BASE.metricSet + i}`),
      id: BASE.metricSet + i,
      ticket_id: t.id,
      created_at: t.created_at,
      updated_at: t.updated_at,
      group_stations: 1 + rng.int(3),
      assignee_stations: 1 + rng.int(3),
      reopens: rng.int(2),
      replies: rng.int(5),
      assignee_updated_at: t.assignee_id ? t.updated_at : null,
      requester_updated_at: t.created_at,
      status_updated_at: t.updated_at,
      initially_assigned_at: t.assignee_id ? iso(created + reply * 30) : null,
      assigned_at: t.assignee_id ? iso(created + reply * 30) : null,
      solved_at: solved ? t.updated_at : null,
      latest_comment_added_at: t.updated_at,
      reply_time_in_minutes: { calendar: reply, business: Math.floor(reply / 3) },
      first_resolution_time_in_minutes: solved
        ? { calendar: fullRes, business: Math.floor(fullRes / 3) }
        : {},
      full_resolution_time_in_minutes: solved ? { calendar: fullRes, business: Math.floor(fullRes / 3) } : {},
      agent_wait_time_in_minutes: { calendar: rng.int(100), business: rng.int(50) },
      requester_wait_time_in_minutes: { calendar: rng.int(100), business: rng.int(50) },
      on_hold_time_in_minutes: { calendar: 0, business: 0 },
      custom_status_updated_at: t.updated_at,
    };
  }

  private auditCount(i: number): number {
    const n = 1 + (hash(this.seed ^ SALT.audit, i, 1) % 3);
    return this.hasLargeComment(i) ? Math.max(2, n) : n;
  }

  private hasLargeComment(i: number): boolean {
    return this.largeEvery > 0 && this.largeBytes > 0 && i % this.largeEvery === this.largeEvery - 1;
  }

  private commentBody(i: number, j: number): string {
    if (j === 1 && this.hasLargeComment(i)) return largeBody(this.largeBytes, i);
    const rng = new RecordRng(this.seed, SALT.audit ^ (j + 1), i);
    const n = 1 + rng.int(3);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(rng.pick(SENTENCES));
    return parts.join('\n\n');
  }

  private escapeHtml(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  private commentEvent(id: number, auditId: number, authorId: number, body: string, isPublic: boolean): Json {
    return {
      id,
      type: 'Comment',
      author_id: authorId,
      body,
      html_body: `<div class="zd-comment" dir="auto"><p dir="auto">${this.escapeHtml(body).replace(/\n/g, '<br>')}</p></div>`,
      plain_body: body,
      public: isPublic,
      attachments: [],
      audit_id: auditId,
    };
  }

  private auditMetadata(rng: RecordRng): Json {
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
  audits(i: number): Json[] {
    const t = this.baseTicket(i);
    const id = t.id as number;
    const created = toSeconds(t.created_at as string);
    const updated = toSeconds(t.updated_at as string);
    const n = this.auditCount(i);
    const out: Json[] = [];
    for (let j = 0; j < n; j++) {
      const rng = new RecordRng(this.seed, SALT.audit, i * 8 + j);
      const auditId = BASE.audit + i * 8 + j;
      const at = n === 1 ? created : created + Math.floor(((updated - created) * j) / (n - 1));
      const authorId =
        j === 0 ? (t.requester_id as number) : ((t.assignee_id as number | null) ?? this.userId(0));
      const ev = (k: number) => BASE.event + i * 64 + j * 8 + k;
      const events: Json[] = [
        this.commentEvent(ev(0), auditId, authorId, this.commentBody(i, j), j === 0 || rng.chance(0.7)),
      ];
      if (j === 0) {
        events.push({ id: ev(1), type: 'Create', value: t.subject, field_name: 'subject' });
        events.push({ id: ev(2), type: 'Create', value: 'new', field_name: 'status' });
        events.push({ id: ev(3), type: 'Create', value: t.priority, field_name: 'priority' });
      } else {
        const status = j === n - 1 ? t.status : 'open';
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
        metadata: this.auditMetadata(rng),
        via: j === 0 ? t.via : { channel: 'web', source: { from: {}, to: {}, rel: null } },
        events,
      });
    }
    const overlay = this.ticketOverlay.get(id);
    for (const [k, h] of (overlay?.history ?? []).entries()) {
      if (h.system) continue;
      const auditId = BASE.overlayAudit + h.seq * 16;
      const events: Json[] = [];
      if (h.comment !== undefined)
        events.push(this.commentEvent(auditId + 1, auditId, h.authorId, h.comment, true));
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
  comments(i: number): Json[] {
    const out: Json[] = [];
    for (const a of this.audits(i)) {
      for (const e of a.events as Json[]) {
        if (e.type !== 'Comment') continue;
        out.push({ ...e, via: a.via, created_at: a.created_at, metadata: a.metadata });
      }
    }
    return out;
  }

  /** Number of tickets the non-incremental /tickets list shows (not archived, not deleted). Cached. */
  listableTickets(): number {
    if (this.listableTicketCount === undefined) {
      let n = 0;
      for (let i = 0; i < this.ticketCount; i++) if (this.isListableTicket(i)) n++;
      this.listableTicketCount = n;
    }
    return this.listableTicketCount;
  }

  isListableTicket(i: number): boolean {
    return !this.isArchived(i) && !this.ticketIsDeleted(i);
  }

  // ---------------------------------------------------------------- users

  userName(u: number): string {
    return u === 0 ? 'Account Owner' : this.personName(new RecordRng(this.seed, SALT.user ^ 0x4e, u));
  }

  userEmail(u: number): string {
    if (u === 0) return this.adminEmail;
    const h = hash(this.seed ^ SALT.user, u, 0xe3);
    return `user${u}.${h % 1000}@example.${['com', 'dk', 'jp', 'de'][(h >>> 10) % 4]}`;
  }

  baseUser(u: number): Json {
    const rng = new RecordRng(this.seed, SALT.user, u);
    const id = this.userId(u);
    const pos = this.users.indexToPos(u);
    const updated = this.users.tsAt(pos);
    const created = Math.min(this.users.createdAt(u), updated);
    const name = this.userName(u);
    const role = u === 0 ? 'admin' : u < this.agentCount ? (rng.chance(0.2) ? 'admin' : 'agent') : 'end-user';
    const orgIdx = this.userOrgIndex(u);
    const active = u < this.agentCount || !rng.chance(0.03);
    const tz = rng.pick(TIME_ZONES);
    const email = this.userEmail(u);
    return {
      id,
      url: this.url(`users/${id}`),
      name,
      email,
      created_at: iso(created),
      updated_at: iso(updated),
      time_zone: tz,
      iana_time_zone: IANA_ZONES[tz] ?? 'Etc/UTC',
      phone: rng.chance(0.3) ? `+45 ${rng.int(100000000)}` : null,
      shared_phone_number: null,
      photo: null,
      locale_id: 1 + rng.int(1500),
      locale: rng.pick(LOCALES),
      organization_id: orgIdx >= 0 ? this.orgId(orgIdx) : null,
      role,
      verified: rng.chance(0.8),
      external_id: rng.chance(0.1) ? `crm-${u}` : null,
      tags: TAGS.filter(() => rng.chance(0.05)),
      alias: '',
      active,
      shared: false,
      shared_agent: false,
      last_login_at: rng.chance(0.6) ? iso(updated) : null,
      two_factor_auth_enabled: null,
      signature: null,
      details: '',
      notes: '',
      role_type: null,
      custom_role_id: null,
      moderator: role !== 'end-user',
      ticket_restriction: role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: role === 'agent',
      suspended: !active && rng.chance(0.5),
      default_group_id: role !== 'end-user' ? this.groupId(rng.int(10)) : null,
      report_csv: role === 'admin',
      user_fields: {
        plan_tier: rng.pick(['free', 'pro', 'enterprise', null]),
        signup_date: rng.chance(0.8) ? this.dateValue(rng, 'ticket') : null,
        loyalty_points: rng.chance(0.7) ? rng.int(10000) : null,
        newsletter: rng.chance(0.5),
      },
    };
  }

  userAt(u: number): Json {
    const o = this.userOverlay.get(this.userId(u));
    return o ? o.record : this.baseUser(u);
  }

  // ---------------------------------------------------------------- organizations

  baseOrg(k: number): Json {
    const rng = new RecordRng(this.seed, SALT.org, k);
    const id = this.orgId(k);
    const pos = this.orgs.indexToPos(k);
    const updated = this.orgs.tsAt(pos);
    const created = Math.min(this.orgs.createdAt(k), updated);
    const name = `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_SUFFIXES)} ${k + 1}`.replace(/ {2}/g, ' ');
    const deleted = rng.chance(0.03);
    return {
      url: this.url(`organizations/${id}`),
      id,
      name,
      shared_tickets: rng.chance(0.2),
      shared_comments: rng.chance(0.1),
      external_id: rng.chance(0.3) ? `org-${k}` : null,
      created_at: iso(created),
      updated_at: iso(updated),
      domain_names: rng.chance(0.6) ? [`org${k}.example`] : [],
      details: rng.chance(0.3) ? rng.pick(SENTENCES) : '',
      notes: '',
      group_id: rng.chance(0.3) ? this.groupId(rng.int(10)) : null,
      tags: TAGS.filter(() => rng.chance(0.06)),
      organization_fields: {
        account_tier: rng.pick(['bronze', 'silver', 'gold', null]),
        contract_start: rng.chance(0.8) ? this.dateValue(rng, 'org') : null,
        arr: rng.chance(0.7) ? `${rng.int(100000)}.00` : null,
      },
      deleted_at: deleted ? iso(updated) : null,
    };
  }

  orgAt(k: number): Json {
    const o = this.orgOverlay.get(this.orgId(k));
    return o ? o.record : this.baseOrg(k);
  }

  // ---------------------------------------------------------------- export rows

  /** Tickets in export order (generated_timestamp, then position), strictly after (ts, seq). */
  *ticketRows(ts: number, seq: number, includeMetricSets: boolean): Generator<Row> {
    const base = this.timelineRows(
      this.tickets,
      ts,
      seq,
      this.ticketOverlay,
      (i) => this.ticketId(i),
      (i) => this.ticketForExport(i, includeMetricSets),
    );
    const overlay = this.overlayRows(this.ticketOverlay, ts, seq, (e) =>
      includeMetricSets ? { ...e.record, metric_set: this.metricSet(e.index) } : e.record,
    );
    for (const r of mergeRows([base, overlay])) {
      const o = this.ticketOverlay.get(r.id);
      r.deleted = o ? o.record.status === 'deleted' : this.ticketStatus(this.ticketIndex(r.id)) === 'deleted';
      yield r;
    }
  }

  *userRows(ts: number, seq: number): Generator<Row> {
    const base = this.timelineRows(
      this.users,
      ts,
      seq,
      this.userOverlay,
      (i) => this.userId(i),
      (i) => this.baseUser(i),
    );
    yield* mergeRows([base, this.overlayRows(this.userOverlay, ts, seq, (e) => e.record)]);
  }

  *orgRows(ts: number, seq: number): Generator<Row> {
    const base = this.timelineRows(
      this.orgs,
      ts,
      seq,
      this.orgOverlay,
      (i) => this.orgId(i),
      (i) => this.baseOrg(i),
    );
    yield* mergeRows([base, this.overlayRows(this.orgOverlay, ts, seq, (e) => e.record)]);
  }

  private *timelineRows(
    tl: Timeline,
    ts: number,
    seq: number,
    overlay: Map<number, OverlayEntry>,
    idOf: (i: number) => number,
    render: (i: number) => Json,
  ): Generator<Row> {
    for (let p = tl.after(ts, seq); p < tl.count; p++) {
      const i = tl.posToIndex(p);
      const id = idOf(i);
      if (overlay.has(id)) continue;
      yield { ts: tl.tsAt(p), seq: p, id, render: () => render(i) };
    }
  }

  private *overlayRows(
    overlay: Map<number, OverlayEntry>,
    ts: number,
    seq: number,
    render: (e: OverlayEntry) => Json,
  ): Generator<Row> {
    if (overlay.size === 0) return;
    const entries = [...overlay.values()].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    for (const e of entries) {
      if (e.ts < ts || (e.ts === ts && e.seq <= seq)) continue;
      yield { ts: e.ts, seq: e.seq, id: e.id, render: () => render(e) };
    }
  }

  /** Ticket events: a Create event per ticket at created_at, an Update event at updated_at, plus mutations. */
  *ticketEventRows(ts: number, seq: number, includeComments: boolean): Generator<Row> {
    const n = this.ticketCount;
    const creates = function* (this: Tenant): Generator<Row> {
      for (let i = lowerBoundBy(n, (k) => this.ticketTimes(k).created, ts); i < n; i++) {
        const c = this.ticketTimes(i).created;
        if (c === ts && 2 * i <= seq) continue;
        yield {
          ts: c,
          seq: 2 * i,
          id: BASE.ticketEvent + 2 * i,
          render: () => this.createEvent(i, includeComments),
        };
      }
    }.call(this);
    const updates = function* (this: Tenant): Generator<Row> {
      for (let p = this.tickets.lowerBound(ts); p < n; p++) {
        const g = this.tickets.tsAt(p);
        if (g === ts && 2 * p + 1 <= seq) continue;
        const i = this.tickets.posToIndex(p);
        if (this.systemLag(i) > 0) continue;
        yield {
          ts: g,
          seq: 2 * p + 1,
          id: BASE.ticketEvent + 2 * p + 1,
          render: () => this.updateEvent(i, p, includeComments),
        };
      }
    }.call(this);
    const overlay = function* (this: Tenant): Generator<Row> {
      for (const r of this.overlayEvents) {
        if (r.ts < ts || (r.ts === ts && r.seq <= seq)) continue;
        yield r;
      }
    }.call(this);
    yield* mergeRows([creates, updates, overlay]);
  }

  private childComment(i: number, j: number, includeComments: boolean): Json {
    const base: Json = {
      id: BASE.event + i * 64 + j * 8,
      via: 'Web form',
      via_reference_id: null,
      comment_present: true,
      comment_public: true,
      event_type: 'Comment',
    };
    if (!includeComments) return base;
    const body = this.commentBody(i, j);
    return {
      ...base,
      type: 'Comment',
      body,
      html_body: `<p>${this.escapeHtml(body)}</p>`,
      public: true,
      attachments: [],
    };
  }

  private createEvent(i: number, includeComments: boolean): Json {
    const t = this.baseTicket(i);
    const { created } = this.ticketTimes(i);
    return {
      id: BASE.ticketEvent + 2 * i,
      ticket_id: t.id,
      timestamp: created,
      created_at: iso(created),
      updater_id: t.requester_id,
      via: 'Web form',
      system: {
        client: 'Mozilla/5.0',
        location: 'Copenhagen, 84, Denmark',
        latitude: 55.6761,
        longitude: 12.5683,
      },
      merged_ticket_ids: [],
      event_type: 'Create',
      child_events: [
        this.childComment(i, 0, includeComments),
        {
          id: BASE.event + i * 64 + 1,
          via: 'Web form',
          via_reference_id: null,
          subject: t.subject,
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

  private updateEvent(i: number, p: number, includeComments: boolean): Json {
    const t = this.baseTicket(i);
    const g = this.tickets.tsAt(p);
    const last = this.auditCount(i) - 1;
    return {
      id: BASE.ticketEvent + 2 * p + 1,
      ticket_id: t.id,
      timestamp: g,
      created_at: iso(g),
      updater_id: t.assignee_id ?? this.userId(0),
      via: 'Web form',
      system: {
        client: 'Mozilla/5.0',
        location: 'Copenhagen, 84, Denmark',
        latitude: 55.6761,
        longitude: 12.5683,
      },
      merged_ticket_ids: [],
      event_type: 'Update',
      child_events: [
        ...(last > 0 ? [this.childComment(i, last, includeComments)] : []),
        {
          id: BASE.event + i * 64 + 8 * Math.max(1, last) + 1,
          via: 'Web form',
          via_reference_id: null,
          status: t.status,
          previous_value: 'open',
          event_type: 'Change',
        },
      ],
    };
  }

  /** Ticket metric events: two per ticket at its generated_timestamp (the response may lack end_of_stream). */
  *metricEventRows(ts: number, seq: number): Generator<Row> {
    const tl = this.tickets;
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
              ticket_id: this.ticketId(i),
              metric: j === 0 ? 'reply_time' : 'agent_work_time',
              instance_id: 1,
              type: j === 0 ? 'fulfill' : 'measure',
              time: iso(g),
            };
            if (this.ticketStatus(i) === 'deleted') ev.deleted = true;
            return ev;
          },
        };
      }
    }
  }

  // ---------------------------------------------------------------- mutations

  private nextSeq(): number {
    return OVERLAY_SEQ + this.mutationSeq++;
  }

  /**
   * Updates a ticket at time `now` (Unix seconds): bumps generated_timestamp and, unless `system`, updated_at,
   * and records an audit and a ticket event. Returns the new record.
   */
  updateTicket(
    id: number,
    patch: Json,
    now: number,
    opts: { system?: boolean; comment?: string } = {},
  ): Json {
    const i = this.ticketIndex(id);
    if (i < 0) throw new NotFound(`ticket ${id}`);
    const prev = this.ticketAt(i);
    const record: Json = { ...prev };
    const changes: TicketChange['changes'] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'id' || k === 'url' || k === 'created_at') continue;
      if (JSON.stringify(prev[k]) !== JSON.stringify(v))
        changes.push({ field: k, previous: prev[k], value: v });
      record[k] = v;
    }
    if (patch.custom_fields !== undefined) record.fields = patch.custom_fields;
    if (typeof patch.subject === 'string') record.raw_subject = patch.subject;
    const system = opts.system === true;
    if (!system) record.updated_at = iso(now);
    record.generated_timestamp = now;
    const seq = this.nextSeq();
    const history = [...(this.ticketOverlay.get(id)?.history ?? [])];
    const authorId = this.userId(0);
    history.push({ ts: now, seq, system, authorId, changes, comment: opts.comment });
    this.ticketOverlay.set(id, { id, index: i, record, ts: now, seq, history });
    if (!system) {
      const eventId = BASE.ticketEvent + seq;
      const child = changes.map((c, n) => ({
        id: BASE.overlayAudit + seq * 16 + 2 + n,
        via: 'Web service',
        via_reference_id: null,
        [c.field]: c.value,
        previous_value: c.previous,
        event_type: 'Change',
      }));
      const row: Row = {
        ts: now,
        seq,
        id: eventId,
        render: () => ({
          id: eventId,
          ticket_id: id,
          timestamp: now,
          created_at: iso(now),
          updater_id: authorId,
          via: 'Web service',
          system: {},
          merged_ticket_ids: [],
          event_type: 'Update',
          child_events: child,
        }),
      };
      this.overlayEvents.push(row);
      this.overlayEvents.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    }
    this.listableTicketCount = undefined;
    return record;
  }

  deleteTicket(id: number, now: number): Json {
    return this.updateTicket(id, { status: 'deleted' }, now);
  }

  updateUser(id: number, patch: Json, now: number): Json {
    return this.patchRecord(
      'user',
      this.userOverlay,
      id,
      this.userIndex(id),
      (i) => this.userAt(i),
      patch,
      now,
    );
  }

  /** Soft-deletes a user: the export keeps it with active: false. */
  deleteUser(id: number, now: number): Json {
    return this.updateUser(id, { active: false }, now);
  }

  updateOrganization(id: number, patch: Json, now: number): Json {
    return this.patchRecord(
      'organization',
      this.orgOverlay,
      id,
      this.orgIndex(id),
      (i) => this.orgAt(i),
      patch,
      now,
    );
  }

  /** Applies a patch to a generated user or organization, stamping `updated_at`, in the overlay. */
  private patchRecord(
    kind: string,
    map: Map<number, OverlayEntry>,
    id: number,
    index: number,
    at: (index: number) => Json,
    patch: Json,
    now: number,
  ): Json {
    if (index < 0) throw new NotFound(`${kind} ${id}`);
    return this.overlay(map, id, index, { ...at(index), ...patch, id, updated_at: iso(now) }, now);
  }

  deleteOrganization(id: number, now: number): Json {
    return this.updateOrganization(id, { deleted_at: iso(now) }, now);
  }

  private overlay(
    map: Map<number, OverlayEntry>,
    id: number,
    index: number,
    record: Json,
    now: number,
  ): Json {
    map.set(id, { id, index, record, ts: now, seq: this.nextSeq(), history: [] });
    return record;
  }

  // ---------------------------------------------------------------- small collections

  private cached(key: string, build: () => Json[]): Json[] {
    let v = this.cachedStatic.get(key);
    if (!v) {
      v = build();
      this.cachedStatic.set(key, v);
    }
    return v;
  }

  /** Called when the base URL changes so cached records pick up the new origin. */
  resetCaches(): void {
    this.cachedStatic.clear();
  }

  private buildCustomFields(): CustomFieldDef[] {
    const id = (k: number) => this.idOf(BASE.field, SALT.field, k);
    const opt = (field: number, values: string[]) =>
      values.map((v, n) => ({ id: BASE.option + field * 16 + n, name: v.replace(/_/g, ' '), value: v }));
    return [
      { id: id(10), type: 'text', title: 'Order number' },
      { id: id(11), type: 'textarea', title: 'Internal notes' },
      { id: id(12), type: 'integer', title: 'Seats' },
      { id: id(13), type: 'decimal', title: 'Refund amount' },
      { id: id(14), type: 'checkbox', title: 'VIP customer' },
      { id: id(15), type: 'date', title: 'Renewal date' },
      {
        id: id(16),
        type: 'tagger',
        title: 'Product',
        options: opt(16, ['product_widget', 'product_gadget', 'product_gizmo', 'product_überding']),
      },
      {
        id: id(17),
        type: 'multiselect',
        title: 'Affected regions',
        options: opt(17, ['region_eu', 'region_us', 'region_apac']),
      },
      { id: id(18), type: 'regexp', title: 'Serial number' },
      { id: id(19), type: 'lookup', title: 'Related organization' },
    ];
  }

  ticketFields(): Json[] {
    return this.cached('ticket_fields', () => {
      const system: Array<[string, string]> = [
        ['subject', 'Subject'],
        ['description', 'Description'],
        ['status', 'Status'],
        ['tickettype', 'Type'],
        ['priority', 'Priority'],
        ['group', 'Group'],
        ['assignee', 'Assignee'],
      ];
      const out: Json[] = [];
      const field = (id: number, k: number, type: string, title: string, extra: Json): Json => {
        const rng = new RecordRng(this.seed, SALT.field, k);
        const created = this.randomTime(rng);
        return {
          url: this.url(`ticket_fields/${id}`),
          id,
          type,
          title,
          raw_title: title,
          description: '',
          raw_description: '',
          position: k,
          active: true,
          required: false,
          collapsed_for_agents: false,
          regexp_for_validation: type === 'regexp' ? '^SN-\\d{4}-[A-Z]{2}$' : null,
          title_in_portal: title,
          raw_title_in_portal: title,
          visible_in_portal: k < 2,
          editable_in_portal: k < 2,
          required_in_portal: k === 0,
          tag: null,
          created_at: iso(created),
          updated_at: iso(created + rng.int(this.end - created)),
          removable: k >= system.length,
          key: null,
          agent_description: null,
          ...extra,
        };
      };
      system.forEach(([type, title], k) => {
        out.push(field(this.idOf(BASE.field, SALT.field, k), k, type, title, {}));
      });
      this.customFields.forEach((f, n) => {
        const extra: Json = {};
        if (f.options) {
          extra.custom_field_options = f.options.map((o, m) => ({
            id: o.id,
            name: o.name,
            raw_name: o.name,
            value: o.value,
            default: m === 0 && f.type === 'tagger',
          }));
        }
        if (f.type === 'lookup') extra.relationship_target_type = 'zen:organization';
        out.push(field(f.id, system.length + n, f.type, f.title, extra));
      });
      return out;
    });
  }

  groups(): Json[] {
    return this.cached('groups', () =>
      Array.from({ length: 12 }, (_, k) => {
        const rng = new RecordRng(this.seed, SALT.group, k);
        const id = this.groupId(k);
        const created = this.randomTime(rng);
        const names = [
          'Tier 1',
          'Tier 2',
          'Billing',
          'Technical',
          'VIP',
          'EMEA',
          'APAC',
          'Américas',
          'サポート',
          'Эскалация',
        ];
        return {
          url: this.url(`groups/${id}`),
          id,
          is_public: k !== 4,
          name: k < 10 ? names[k] : `Old team ${k}`,
          description: '',
          default: k === 0,
          deleted: k >= 10,
          created_at: iso(created),
          updated_at: iso(created + rng.int(this.end - created)),
        };
      }),
    );
  }

  groupMemberships(): Json[] {
    return this.cached('group_memberships', () => {
      const out: Json[] = [];
      let n = 0;
      for (let a = 0; a < this.agentCount; a++) {
        const rng = new RecordRng(this.seed, SALT.membership, a);
        const groups = 1 + rng.int(2);
        for (let g = 0; g < groups; g++) {
          const id = this.idOf(BASE.membership, SALT.membership, n);
          const created = this.randomTime(rng);
          out.push({
            url: this.url(`group_memberships/${id}`),
            id,
            user_id: this.userId(a),
            group_id: this.groupId((a + g * 3) % 10),
            default: g === 0,
            created_at: iso(created),
            updated_at: n % 4 === 1 ? null : iso(created + rng.int(this.end - created)),
          });
          n++;
        }
      }
      return out;
    });
  }

  ticketForms(): Json[] {
    return this.cached('ticket_forms', () =>
      ['Default Ticket Form', 'Billing request', 'Bug report 🐞'].map((name, k) => {
        const rng = new RecordRng(this.seed, SALT.form, k);
        const id = BASE.form + k * 8;
        const created = this.randomTime(rng);
        return {
          id,
          url: this.url(`ticket_forms/${id}`),
          name,
          raw_name: name,
          display_name: name,
          raw_display_name: name,
          end_user_visible: true,
          position: k,
          ticket_field_ids: this.ticketFields()
            .filter((_, n) => n < 7 || (n + k) % 2 === 0)
            .map((f) => f.id),
          active: true,
          default: k === 0,
          in_all_brands: true,
          restricted_brand_ids: [],
          end_user_conditions: [],
          agent_conditions: [],
          created_at: iso(created),
          updated_at: iso(created + rng.int(this.end - created)),
        };
      }),
    );
  }

  macros(): Json[] {
    return this.cached('macros', () =>
      Array.from({ length: 25 }, (_, k) => {
        const rng = new RecordRng(this.seed, SALT.macro, k);
        const id = BASE.macro + k * 8;
        const created = this.randomTime(rng);
        const title = `${rng.pick(['Close', 'Escalate', 'Ask for details', 'Refund', 'Réponse type', '返信テンプレート'])} ${k + 1}`;
        return {
          url: this.url(`macros/${id}`),
          id,
          title,
          active: k % 7 !== 6,
          updated_at: iso(created + rng.int(this.end - created)),
          created_at: iso(created),
          default: false,
          position: k,
          description: null,
          actions: [
            { field: 'status', value: rng.pick(['solved', 'pending', 'open']) },
            { field: 'comment_value', value: rng.pick(SENTENCES) },
          ],
          restriction: k % 5 === 0 ? { type: 'User', id: this.userId(0), ids: [this.userId(0)] } : null,
          raw_title: title,
        };
      }),
    );
  }

  tags(): Json[] {
    return this.cached('tags', () =>
      TAGS.map((name, k) => ({
        name,
        count: 1 + (hash(this.seed, k, 0x7a9) % Math.max(10, this.ticketCount)),
      })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)),
    );
  }

  slaPolicies(): Json[] {
    return this.cached('sla_policies', () =>
      ['Standard', 'VIP', 'Enterprise — 24/7'].map((title, k) => {
        const rng = new RecordRng(this.seed, SALT.sla, k);
        const id = BASE.sla + k * 8;
        const created = this.randomTime(rng);
        return {
          url: this.url(`slas/policies/${id}`),
          id,
          title,
          description: '',
          position: k + 1,
          filter: { all: [{ field: 'type', operator: 'is', value: 'incident' }], any: [] },
          policy_metrics: ['urgent', 'high', 'normal', 'low'].map((priority, n) => ({
            priority,
            metric: 'first_reply_time',
            target: (n + 1) * 60,
            business_hours: k !== 2,
          })),
          created_at: iso(created),
          updated_at: iso(created + rng.int(this.end - created)),
        };
      }),
    );
  }

  userFields(): Json[] {
    return this.cached('user_fields', () =>
      this.fieldDefs('user_fields', BASE.userField, SALT.userField, [
        ['plan_tier', 'dropdown', 'Plan tier', ['free', 'pro', 'enterprise']],
        ['signup_date', 'date', 'Signup date'],
        ['loyalty_points', 'integer', 'Loyalty points'],
        ['newsletter', 'checkbox', 'Newsletter'],
      ]),
    );
  }

  organizationFields(): Json[] {
    return this.cached('organization_fields', () =>
      this.fieldDefs('organization_fields', BASE.orgField, SALT.orgField, [
        ['account_tier', 'dropdown', 'Account tier', ['bronze', 'silver', 'gold']],
        ['contract_start', 'date', 'Contract start'],
        ['arr', 'decimal', 'ARR'],
      ]),
    );
  }

  private fieldDefs(
    path: string,
    base: number,
    salt: number,
    defs: Array<[string, string, string, string[]?]>,
  ): Json[] {
    return defs.map(([key, type, title, options], k) => {
      const rng = new RecordRng(this.seed, salt, k);
      const id = base + k * 8;
      const created = this.randomTime(rng);
      const def: Json = {
        url: this.url(`${path}/${id}`),
        id,
        type,
        key,
        title,
        raw_title: title,
        description: '',
        raw_description: '',
        position: k,
        active: true,
        system: false,
        regexp_for_validation: null,
        created_at: iso(created),
        updated_at: iso(created + rng.int(this.end - created)),
      };
      if (options) {
        def.custom_field_options = options.map((v, n) => ({
          id: base + 1000 + k * 16 + n,
          name: v,
          raw_name: v,
          value: v,
        }));
      }
      return def;
    });
  }

  phoneNumbers(): Json[] {
    return this.cached('phone_numbers', () =>
      Array.from({ length: 2 }, (_, k) => ({
        id: BASE.phone + k * 8,
        number: `+4570${String(100000 + k).padStart(6, '0')}`,
        display_number: `+45 70 ${100 + k} 000`,
        nickname: k === 0 ? 'Main line' : 'Billing',
        country_code: 'DK',
        capabilities: { sms: false, mms: false, voice: true },
        created_at: iso(this.start + k * DAY),
      })),
    );
  }

  // ---------------------------------------------------------------- satisfaction ratings (virtual, by id)

  get ratingCount(): number {
    return Math.floor(this.ticketCount / 3);
  }

  ratingCreated(r: number): number {
    return this.start + Math.floor((r * (this.end - this.start)) / Math.max(1, this.ratingCount));
  }

  rating(r: number): Json {
    const rng = new RecordRng(this.seed, SALT.rating, r);
    const ti = Math.min(this.ticketCount - 1, r * 3);
    const t = this.baseTicket(ti);
    const created = this.ratingCreated(r);
    const score = rng.pick(['good', 'good', 'bad', 'offered']);
    const id = BASE.rating + r * 8;
    return {
      url: this.url(`satisfaction_ratings/${id}`),
      id,
      assignee_id: t.assignee_id,
      group_id: t.group_id,
      requester_id: t.requester_id,
      ticket_id: t.id,
      score,
      created_at: iso(created),
      updated_at: iso(created + rng.int(3600)),
      comment: score === 'offered' ? null : rng.chance(0.5) ? rng.pick(SENTENCES) : null,
      reason: score === 'bad' ? 'The issue took too long to resolve' : null,
      reason_id: score === 'bad' ? 1 : null,
    };
  }
}

export class NotFound extends Error {}

/** Merges row generators that are each sorted by (ts, seq). */
export function* mergeRows(sources: Array<Iterator<Row>>): Generator<Row> {
  const heads: Array<Row | undefined> = sources.map((s) => s.next().value as Row | undefined);
  for (;;) {
    let best = -1;
    for (let k = 0; k < heads.length; k++) {
      const h = heads[k];
      if (!h) continue;
      const b = best >= 0 ? heads[best] : undefined;
      if (!b || h.ts < b.ts || (h.ts === b.ts && h.seq < b.seq)) best = k;
    }
    if (best < 0) return;
    const row = heads[best] as Row;
    const next = sources[best]?.next();
    heads[best] = next && !next.done ? next.value : undefined;
    yield row;
  }
}
