// The generated tenant: sizes, timelines and ids, the mutation overlay, and one entry point per resource.
// Each resource's generator lives in its own module; every value is a pure function of (seed, index).

import { hashString, type RecordRng, seededHash } from '@singer-ts/sdk/testing';
import { audits, comments } from './audits.js';
import {
  groupMemberships,
  groups,
  macros,
  phoneNumbers,
  rating,
  ratingCount,
  ratingCreated,
  slaPolicies,
  tags,
  ticketForms,
} from './collections.js';
import { buildTicketCustomFields, type CustomFieldDef } from './custom-fields.js';
import { organizationFields, ticketFields, userFields } from './field-definitions.js';
import { BASE, idOf, indexOfId, OVERLAY_SEQ, SALT } from './ids.js';
import { patchRecord, updateTicket } from './mutations.js';
import { baseOrg, baseUser, userEmail, userName } from './people.js';
import { type OverlayEntry, type Row, recordRows } from './rows.js';
import { metricEventRows, ticketEventRows } from './ticket-events.js';
import { baseTicket, metricSet, ticketStatus, ticketTimes } from './tickets.js';
import { Timeline } from './timeline.js';
import { DAY, iso, type Json, toSeconds } from './util.js';

export { NotFound } from './mutations.js';
export type { OverlayEntry, Row, TicketChange } from './rows.js';

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
  readonly largeEvery: number;
  readonly largeBytes: number;
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
    this.customFields = buildTicketCustomFields(this.seed);
  }

  // ---------------------------------------------------------------- ids

  ticketId(i: number): number {
    return idOf(this.seed, BASE.ticket, SALT.ticket, i);
  }
  ticketIndex(id: number): number {
    return indexOfId(this.seed, BASE.ticket, SALT.ticket, this.ticketCount, id);
  }
  userId(i: number): number {
    return idOf(this.seed, BASE.user, SALT.user, i);
  }
  userIndex(id: number): number {
    return indexOfId(this.seed, BASE.user, SALT.user, this.userCount, id);
  }
  orgId(i: number): number {
    return idOf(this.seed, BASE.org, SALT.org, i);
  }
  orgIndex(id: number): number {
    return indexOfId(this.seed, BASE.org, SALT.org, this.orgCount, id);
  }
  groupId(i: number): number {
    return idOf(this.seed, BASE.group, SALT.group, i);
  }

  url(path: string): string {
    return `${this.base}/api/v2/${path}.json`;
  }

  // ---------------------------------------------------------------- shared draws

  randomTime(rng: RecordRng): number {
    return this.start + rng.int(this.end - this.start);
  }

  /** Organization of user index u (agents have none, ~15% of end-users have none). */
  userOrgIndex(u: number): number {
    if (u < this.agentCount) return -1;
    const h = seededHash(this.seed ^ SALT.user, u, 0x0a);
    return h % 100 < 15 ? -1 : (h >>> 8) % this.orgCount;
  }

  agentIndex(rng: RecordRng): number {
    return rng.int(this.agentCount);
  }

  endUserIndex(rng: RecordRng): number {
    return this.agentCount + rng.int(this.userCount - this.agentCount);
  }

  /** A custom date value in the mixed formats Zendesk sends (organizations add a +00:00 variant). */
  dateValue(rng: RecordRng, style: 'ticket' | 'org'): string {
    const t = this.start - 400 * DAY + rng.int(1500) * DAY;
    const day = iso(t).slice(0, 10);
    if (style === 'org') return rng.chance(0.5) ? `${day}T00:00:00+00:00` : day;
    return rng.chance(0.7) ? day : `${day}T00:00:00Z`;
  }

  // ---------------------------------------------------------------- tickets and their children

  ticketStatus(i: number): string {
    return ticketStatus(this, i);
  }

  /** Archived: closed for more than 120 days before the end of the generated history. */
  isArchived(i: number): boolean {
    return this.ticketStatus(i) === 'closed' && ticketTimes(this, i).updated < this.end - 120 * DAY;
  }

  baseTicket(i: number): Json {
    return baseTicket(this, i);
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
    return metricSet(this, i);
  }

  audits(i: number): Json[] {
    return audits(this, i);
  }

  comments(i: number): Json[] {
    return comments(this, i);
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

  // ---------------------------------------------------------------- users and organizations

  userName(u: number): string {
    return userName(this, u);
  }

  userEmail(u: number): string {
    return userEmail(this, u);
  }

  baseUser(u: number): Json {
    return baseUser(this, u);
  }

  userAt(u: number): Json {
    const o = this.userOverlay.get(this.userId(u));
    return o ? o.record : this.baseUser(u);
  }

  baseOrg(k: number): Json {
    return baseOrg(this, k);
  }

  orgAt(k: number): Json {
    const o = this.orgOverlay.get(this.orgId(k));
    return o ? o.record : this.baseOrg(k);
  }

  // ---------------------------------------------------------------- export rows

  /** Tickets in export order (generated_timestamp, then position), strictly after (ts, seq). */
  *ticketRows(ts: number, seq: number, includeMetricSets: boolean): Generator<Row> {
    const rows = recordRows(
      this.tickets,
      ts,
      seq,
      this.ticketOverlay,
      (i) => this.ticketId(i),
      (i) => this.ticketForExport(i, includeMetricSets),
      (e) => (includeMetricSets ? { ...e.record, metric_set: this.metricSet(e.index) } : e.record),
    );
    for (const r of rows) {
      const o = this.ticketOverlay.get(r.id);
      r.deleted = o ? o.record.status === 'deleted' : this.ticketStatus(this.ticketIndex(r.id)) === 'deleted';
      yield r;
    }
  }

  userRows(ts: number, seq: number): Generator<Row> {
    const id = (i: number) => this.userId(i);
    return recordRows(this.users, ts, seq, this.userOverlay, id, (i) => this.baseUser(i));
  }

  orgRows(ts: number, seq: number): Generator<Row> {
    return recordRows(
      this.orgs,
      ts,
      seq,
      this.orgOverlay,
      (i) => this.orgId(i),
      (i) => this.baseOrg(i),
    );
  }

  ticketEventRows(ts: number, seq: number, includeComments: boolean): Generator<Row> {
    return ticketEventRows(this, ts, seq, includeComments);
  }

  metricEventRows(ts: number, seq: number): Generator<Row> {
    return metricEventRows(this, ts, seq);
  }

  // ---------------------------------------------------------------- mutations

  nextSeq(): number {
    return OVERLAY_SEQ + this.mutationSeq++;
  }

  updateTicket(
    id: number,
    patch: Json,
    now: number,
    opts: { system?: boolean; comment?: string } = {},
  ): Json {
    const record = updateTicket(this, id, patch, now, opts);
    this.listableTicketCount = undefined;
    return record;
  }

  deleteTicket(id: number, now: number): Json {
    return this.updateTicket(id, { status: 'deleted' }, now);
  }

  updateUser(id: number, patch: Json, now: number): Json {
    return patchRecord(
      this,
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
    return patchRecord(
      this,
      'organization',
      this.orgOverlay,
      id,
      this.orgIndex(id),
      (i) => this.orgAt(i),
      patch,
      now,
    );
  }

  deleteOrganization(id: number, now: number): Json {
    return this.updateOrganization(id, { deleted_at: iso(now) }, now);
  }

  // ---------------------------------------------------------------- small collections (cached)

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

  ticketFields(): Json[] {
    return this.cached('ticket_fields', () => ticketFields(this));
  }
  groups(): Json[] {
    return this.cached('groups', () => groups(this));
  }
  groupMemberships(): Json[] {
    return this.cached('group_memberships', () => groupMemberships(this));
  }
  ticketForms(): Json[] {
    return this.cached('ticket_forms', () => ticketForms(this));
  }
  macros(): Json[] {
    return this.cached('macros', () => macros(this));
  }
  tags(): Json[] {
    return this.cached('tags', () => tags(this));
  }
  slaPolicies(): Json[] {
    return this.cached('sla_policies', () => slaPolicies(this));
  }
  userFields(): Json[] {
    return this.cached('user_fields', () => userFields(this));
  }
  organizationFields(): Json[] {
    return this.cached('organization_fields', () => organizationFields(this));
  }
  phoneNumbers(): Json[] {
    return this.cached('phone_numbers', () => phoneNumbers(this));
  }

  // ---------------------------------------------------------------- satisfaction ratings (virtual, by id)

  get ratingCount(): number {
    return ratingCount(this);
  }
  ratingCreated(r: number): number {
    return ratingCreated(this, r);
  }
  rating(r: number): Json {
    return rating(this, r);
  }
}
