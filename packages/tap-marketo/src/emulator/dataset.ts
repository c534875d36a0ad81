import { hashString, RecordRng, seededHash } from '@singer-ts/sdk/testing';
import { ACTIVITY_TYPES, type ActivityType, DELETE_LEAD_TYPE_ID } from './activity-types.js';
import {
  type Cell,
  COMPANIES,
  FIRST_NAMES,
  LAST_NAMES,
  LEAD_FIELDS,
  type LeadFacts,
  type MarketoDataType,
} from './fields.js';
import { NOTES, PAGES, PROGRAM_CHANNELS, WORKSPACES } from './vocab.js';

export interface DatasetOptions {
  /** Data seed: the same seed gives the same instance, byte for byte. Default 1. */
  seed?: number | string;
  /** Leads in the database (generated lazily; millions are fine). Default 1000. */
  leads?: number;
  /** Activities in the history. Default 5 per lead. */
  activities?: number;
  campaigns?: number;
  lists?: number;
  programs?: number;
  /** First and last moment of the generated history (epoch ms or ISO). Default 2024-01-01 to 2025-01-01. */
  historyStart?: number | string;
  historyEnd?: number | string;
  /** One lead in this many is deleted (absent from exports, present in deletedleads). Default 50. */
  deletedEvery?: number;
}

export interface Activity {
  /** Missing on some migrated activities, repeated on others: marketoGUID is the key. */
  id?: number;
  marketoGUID: string;
  leadId: number;
  activityDate: number;
  activityTypeId: number;
  campaignId: number | null;
  primaryAttributeValueId: number | null;
  primaryAttributeValue: string | null;
  /** Attribute display name → value, in the type's order. */
  attributes: [string, Cell][];
}

const toMs = (v: number | string): number => (typeof v === 'number' ? v : Date.parse(v));
const DAY = 86_400_000;
const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** First position in [0, count) whose (non-decreasing) time is at or after `ms`; count if none. */
function firstAtOrAfter(count: number, timeAt: (i: number) => number, ms: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeAt(mid) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A deterministic Marketo instance: every record is a pure function of (seed, kind, index). */
export class Dataset {
  readonly seed: number;
  readonly leadCount: number;
  readonly activityCount: number;
  readonly campaignCount: number;
  readonly listCount: number;
  readonly programCount: number;
  readonly start: number;
  readonly end: number;
  readonly deletedEvery: number;
  private readonly exportedTypes: ActivityType[];
  private readonly cumulative: number[];

  constructor(o: DatasetOptions = {}) {
    this.seed = typeof o.seed === 'string' ? hashString(o.seed) : (o.seed ?? 1);
    this.leadCount = Math.max(0, Math.floor(o.leads ?? 1000));
    this.activityCount = Math.max(0, Math.floor(o.activities ?? this.leadCount * 5));
    this.campaignCount = o.campaigns ?? 40;
    this.listCount = o.lists ?? 30;
    this.programCount = o.programs ?? 60;
    this.start = toMs(o.historyStart ?? '2024-01-01T00:00:00Z');
    this.end = toMs(o.historyEnd ?? '2025-01-01T00:00:00Z');
    if (!(this.end > this.start)) throw new Error('historyEnd must come after historyStart');
    this.deletedEvery = Math.max(2, o.deletedEvery ?? 50);
    this.exportedTypes = ACTIVITY_TYPES.filter((t) => t.weight > 0);
    let sum = 0;
    this.cumulative = this.exportedTypes.map((t) => {
      sum += t.weight;
      return sum;
    });
  }

  private get span(): number {
    return this.end - this.start;
  }

  // ---- leads -------------------------------------------------------------------------------------------

  leadId(i: number): number {
    return 1001 + i;
  }

  /** Creation times grow with the index, so a createdAt window is an index range. */
  leadCreatedAt(i: number): number {
    return this.start + Math.floor((i * this.span) / Math.max(1, this.leadCount));
  }

  isDeleted(i: number): boolean {
    return i % this.deletedEvery === this.deletedEvery - 1;
  }

  leadUpdatedAt(i: number): number {
    const created = this.leadCreatedAt(i);
    const h = seededHash(this.seed, i, 0x11);
    if (h % 10 === 0) return created;
    return created + (h % Math.max(1, this.end - created));
  }

  /**
   * The time of the last change to any field, which the bulk `updatedAt` filter matches. The visible
   * `updatedAt` tracks standard fields only, so for some leads the hidden change comes later.
   */
  leadLastChange(i: number): number {
    const updated = this.leadUpdatedAt(i);
    if (i % 37 !== 5) return updated;
    return Math.min(this.end, updated + DAY + (seededHash(this.seed, i, 0x12) % (20 * DAY)));
  }

  /** First lead index created at or after `ms`. */
  leadIndexAt(ms: number): number {
    return firstAtOrAfter(this.leadCount, (i) => this.leadCreatedAt(i), ms);
  }

  leadFacts(i: number): LeadFacts {
    const rng = new RecordRng(this.seed, 0x1ead, i);
    return {
      id: this.leadId(i),
      index: i,
      createdAt: this.leadCreatedAt(i),
      updatedAt: this.leadUpdatedAt(i),
      first: rng.pick(FIRST_NAMES),
      last: rng.pick(LAST_NAMES),
      company: rng.pick(COMPANIES),
      rng,
    };
  }

  /** The lead's values by REST field name; every field drawn in a fixed order so values never shift. */
  leadValues(i: number): Map<string, Cell> {
    const facts = this.leadFacts(i);
    const out = new Map<string, Cell>();
    for (const f of LEAD_FIELDS) {
      const v = f.value(facts);
      if (f.rest) out.set(f.rest, v);
    }
    return out;
  }

  /** Whether the lead belongs to a static list (ids 1..listCount) or a smart list (ids 1..campaignCount). */
  inList(i: number, listId: number): boolean {
    return seededHash(this.seed, i, 0x1157 + listId) % 7 === 0;
  }

  // ---- activities --------------------------------------------------------------------------------------

  activityDate(j: number): number {
    return this.start + Math.floor((j * this.span) / Math.max(1, this.activityCount));
  }

  /** First activity position at or after `ms`. */
  activityIndexAt(ms: number): number {
    return firstAtOrAfter(this.activityCount, (i) => this.activityDate(i), ms);
  }

  /** The type of activity `j`, cheap enough to filter a million positions by type. */
  activityTypeOf(j: number): number {
    const total = this.cumulative[this.cumulative.length - 1] ?? 1;
    const r = seededHash(this.seed, j, 0xac7) % total;
    const k = this.cumulative.findIndex((c) => r < c);
    return this.exportedTypes[k]?.id ?? 1;
  }

  activity(j: number): Activity {
    const rng = new RecordRng(this.seed, 0xac71, j);
    const date = this.activityDate(j);
    const typeId = this.activityTypeOf(j);
    const type = this.exportedTypes.find((t) => t.id === typeId) as ActivityType;
    const leadLimit = Math.max(1, Math.min(this.leadCount, this.leadIndexAt(date + 1)));
    const leadIndex = rng.int(leadLimit);
    const primary = this.primaryValue(type, rng, leadIndex);
    // Migrated instances: a few activities lack `id`, a few repeat their neighbour's.
    const idMode = j % 53;
    const base: Activity = {
      marketoGUID: String(815_300_000 + j),
      leadId: this.leadId(leadIndex),
      activityDate: date,
      activityTypeId: typeId,
      campaignId: type.campaign ? 5000 + rng.int(this.campaignCount) : null,
      primaryAttributeValueId: primary[0],
      primaryAttributeValue: primary[1],
      attributes: type.attributes.map((a) => [a.name, this.attributeValue(a.name, a.dataType, rng, date)]),
    };
    if (idMode === 17) return base;
    return { id: 400_000_000 + (idMode === 29 ? j - 1 : j), ...base };
  }

  private primaryValue(
    type: ActivityType,
    rng: RecordRng,
    leadIndex: number,
  ): [number | null, string | null] {
    switch (type.primaryAttribute?.name) {
      case undefined:
        return [null, null];
      case 'Webpage ID': {
        const n = rng.int(PAGES.length);
        return [100 + n, `www.example.com${PAGES[n]}`];
      }
      case 'Webform ID':
        return [1040 + rng.int(8), rng.pick(['Spring Webinar Form', 'Contact Us', 'Demo Request, EMEA'])];
      case 'Mailing ID': {
        const n = rng.int(24);
        return [2000 + n, `Newsletter - ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'][n % 6]} #${n}`];
      }
      case 'Lead ID': {
        const f = this.leadFacts(leadIndex);
        return [f.id, `${f.last}, ${f.first}`];
      }
      case 'Attribute Name':
        return rng.pick([
          [16, 'Lead Status'],
          [6, 'Job Title'],
          [2, 'Company Name'],
        ] as [number, string][]);
      case 'Score Name':
        return rng.pick([
          [15, 'Lead Score'],
          [108, 'Behavior Score'],
        ] as [number, string][]);
      case 'List ID': {
        const n = 1 + rng.int(this.listCount);
        return [n, `Static List ${n}`];
      }
      case 'Program ID': {
        const n = 1 + rng.int(this.programCount);
        return [1000 + n, `Program ${n}`];
      }
      default:
        return [
          9000 + rng.int(50),
          rng.pick(['Partner Summit “Q2”', 'Data, Pipelines & You', 'Día de Datos']),
        ];
    }
  }

  private attributeValue(name: string, type: MarketoDataType, rng: RecordRng, date: number): Cell {
    if (name === 'Client IP Address') return `203.0.113.${rng.int(255)}`;
    if (name === 'Query Parameters') return rng.chance(0.5) ? '' : 'utm_source=news&utm_medium=email';
    if (name === 'User Agent') return 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "quoted", commas';
    if (name === 'Form Fields')
      return 'a:2:{s:5:"Email";s:17:"ana@example.com";s:7:"Company";s:9:"Acme, Inc";}';
    if (name === 'Questions Asked') return rng.pick(NOTES);
    switch (type) {
      case 'integer':
      case 'score':
      case 'percent':
        return 1 + rng.int(5000);
      case 'float':
      case 'currency':
        return `${rng.int(5)}.${rng.int(10)}`;
      case 'boolean':
        return rng.chance(0.5);
      case 'date':
        return new Date(date).toISOString().slice(0, 10);
      case 'datetime':
        return iso(date - rng.int(DAY));
      case 'url':
        return `https://search.example/?q=${rng.pick(['marketo', 'a,b', 'naïve'])}`;
      default:
        return rng.pick(['Web', 'Sales Insight', 'Mobile App', 'Réunion', 'API']);
    }
  }

  // ---- deleted leads -----------------------------------------------------------------------------------

  get deletedCount(): number {
    return Math.floor(this.leadCount / this.deletedEvery);
  }

  /** The k-th deleted lead, in deletion order (deletion dates grow with k). */
  deletedLead(k: number): Activity {
    const i = k * this.deletedEvery + this.deletedEvery - 1;
    const f = this.leadFacts(i);
    const step = Math.floor(this.span / Math.max(1, this.leadCount));
    const date =
      this.leadCreatedAt(i) + Math.floor(step / 2) + (seededHash(this.seed, k, 0xde1) % Math.max(1, step));
    return {
      id: 900_000_000 + k,
      marketoGUID: String(990_000_000 + k),
      leadId: f.id,
      activityDate: date,
      activityTypeId: DELETE_LEAD_TYPE_ID,
      campaignId: 5000 + (k % Math.max(1, this.campaignCount)),
      primaryAttributeValueId: f.id,
      primaryAttributeValue: `${f.last}, ${f.first}`,
      attributes: [
        ['Campaign', `Data Hygiene ${k % 4}`],
        ['Remove from CRM', k % 3 === 0],
      ],
    };
  }

  /** First deleted-lead position at or after `ms`. */
  deletedIndexAt(ms: number): number {
    return firstAtOrAfter(this.deletedCount, (i) => this.deletedLead(i).activityDate, ms);
  }

  // ---- assets ------------------------------------------------------------------------------------------

  private assetTimes(kind: number, i: number, count: number): { createdAt: number; updatedAt: number } {
    const createdAt = this.start + Math.floor((i * this.span) / Math.max(1, count));
    const updatedAt = createdAt + (seededHash(this.seed, i, kind) % Math.max(1, this.end - createdAt));
    return { createdAt, updatedAt };
  }

  campaign(i: number): Record<string, unknown> & { createdAt: number; updatedAt: number } {
    const rng = new RecordRng(this.seed, 0xca3, i);
    const program = 1 + rng.int(this.programCount);
    return {
      id: 5000 + i,
      name: `${rng.pick(['Nurture', 'Scoring', 'Welcome', 'Webinar Follow-up'])} – ${i}`,
      description: rng.pick([
        'Adds people who fill out the form',
        'Scores "hot" behaviour, daily',
        'Ré-engagement flow',
      ]),
      type: rng.chance(0.4) ? 'batch' : 'trigger',
      programId: 1000 + program,
      programName: `Program ${program}`,
      workspaceName: rng.pick(WORKSPACES),
      active: rng.chance(0.7),
      ...this.assetTimes(0xca4, i, this.campaignCount),
    };
  }

  list(i: number): Record<string, unknown> & { createdAt: number; updatedAt: number } {
    const rng = new RecordRng(this.seed, 0x115, i);
    const program = 1 + rng.int(this.programCount);
    return {
      id: 1 + i,
      name: `Static List ${1 + i}`,
      description: rng.pick([
        'Imported from the trade show, Berlin',
        'Do-not-call, "legal" hold',
        'Partner leads – 日本',
      ]),
      programName: `Program ${program}`,
      workspaceName: rng.pick(WORKSPACES),
      ...this.assetTimes(0x116, i, this.listCount),
    };
  }

  program(i: number): Record<string, unknown> & { createdAt: number; updatedAt: number } {
    const rng = new RecordRng(this.seed, 0x9a0, i);
    const type = rng.pick(['program', 'event', 'webinar', 'nurture', 'engagement'] as const);
    return {
      id: 1001 + i,
      name: `Program ${1 + i}`,
      description: rng.pick(['Q2 webinar series, EMEA', 'Always-on "nurture"', 'Salon professionnel – Lyon']),
      url: `https://app-sj01.marketo.com/#PG${1001 + i}A1`,
      type,
      channel: rng.pick(PROGRAM_CHANNELS),
      folder: {
        type: 'Folder',
        value: 30 + rng.int(10),
        folderName: rng.pick(['Marketing Activities', 'Webinars', 'Nurture']),
      },
      status:
        type === 'event' || type === 'webinar'
          ? rng.pick(['locked', 'unlocked'])
          : type === 'engagement'
            ? 'on'
            : '',
      workspace: rng.pick(WORKSPACES),
      headStart: rng.chance(0.1),
      ...this.assetTimes(0x9a1, i, this.programCount),
    };
  }
}
