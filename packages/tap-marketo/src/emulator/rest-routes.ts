import { activityTypesResult } from './activity-types.js';
import type { Activity } from './dataset.js';
import { describe2Result, describeResult } from './describe.js';
import { MarketoFailure, type SuccessBody } from './envelope.js';
import { decodeToken, encodeToken } from './paging.js';
import type { Call, Route } from './route-types.js';
import { centralDay, isoSeconds } from './time-format.js';

const DAY = 86_400_000;

function batchSize(call: Call, max: number): number {
  const raw = call.query.get('batchSize');
  if (raw === null || raw === '') return max;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new MarketoFailure('1003', `batchSize must be between 1 and ${max}`);
  return n;
}

/** Request filters take `Z` or `±hh:mm` and no milliseconds. */
function sinceDate(text: string | null, name: string): number {
  if (!text) throw new MarketoFailure('701', `${name} cannot be blank`);
  if (
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ||
    Number.isNaN(Date.parse(text))
  ) {
    throw new MarketoFailure('704', `Invalid date format for ${name}: '${text}'`);
  }
  return Date.parse(text);
}

function restActivity(a: Activity): Record<string, unknown> {
  return {
    ...(a.id === undefined ? {} : { id: a.id }),
    marketoGUID: a.marketoGUID,
    leadId: a.leadId,
    activityDate: isoSeconds(a.activityDate),
    activityTypeId: a.activityTypeId,
    campaignId: a.campaignId,
    primaryAttributeValueId: a.primaryAttributeValueId,
    primaryAttributeValue: a.primaryAttributeValue,
    attributes: a.attributes.map(([name, value]) => ({ name, value })),
  };
}

/**
 * Date-token paging over a time-ordered sequence: each page scans `size` positions, so a page can hold
 * fewer items than asked (even none) while `moreResult` is true; `nextPageToken` is always present.
 */
function datePage(
  call: Call,
  kind: string,
  indexAt: (ms: number) => number,
  at: (pos: number) => Activity,
  keep: (pos: number) => boolean,
  size: number,
): SuccessBody {
  const token = call.query.get('nextPageToken');
  if (!token) throw new MarketoFailure('701', 'nextPageToken cannot be blank');
  const { kind: tokenKind, pos } = decodeToken(token, 'since', kind);
  const from = tokenKind === 'since' ? indexAt(pos * 1000) : pos;
  const end = indexAt(call.now + 1);
  const to = Math.min(end, from + size);
  const result: unknown[] = [];
  for (let p = from; p < to; p++) if (keep(p)) result.push(restActivity(at(p)));
  const body: SuccessBody = { nextPageToken: encodeToken(kind, Math.max(from, to)), moreResult: to < end };
  return result.length > 0 ? { result, ...body } : body;
}

function activityTypeIds(call: Call): Set<number> {
  const raw = call.query.get('activityTypeIds');
  if (!raw) throw new MarketoFailure('701', 'activityTypeIds cannot be blank');
  const ids = raw.split(',').map((s) => Number(s.trim()));
  if (ids.some((n) => !Number.isInteger(n)))
    throw new MarketoFailure('1003', `Invalid activityTypeIds '${raw}'`);
  if (ids.length > 10) throw new MarketoFailure('1003', 'activityTypeIds can hold at most 10 ids');
  return new Set(ids);
}

function leadIds(call: Call): Set<number> | null {
  const raw = call.query.get('leadIds');
  if (!raw) return null;
  const ids = raw.split(',').map(Number);
  if (ids.length > 30) throw new MarketoFailure('1003', 'leadIds can hold at most 30 ids');
  return new Set(ids);
}

/** Position-token paging (campaigns, lists): the last page has no `nextPageToken`. */
function positionPage(
  call: Call,
  kind: string,
  count: number,
  item: (i: number) => Record<string, unknown>,
): SuccessBody {
  const size = batchSize(call, 300);
  const token = call.query.get('nextPageToken');
  const from = token ? decodeToken(token, kind).pos : 0;
  const to = Math.min(count, from + size);
  const result: unknown[] = [];
  for (let i = from; i < to; i++) {
    const r = item(i);
    result.push({
      ...r,
      createdAt: isoSeconds(r.createdAt as number),
      updatedAt: isoSeconds(r.updatedAt as number),
    });
  }
  return to < count
    ? { result, nextPageToken: encodeToken(kind, to), warnings: [] }
    : { result, warnings: [] };
}

function lastDays(now: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => centralDay(now - k * DAY));
}

export const REST_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/leads\/describe\.json$/,
    permission: 'readLead',
    handler: () => ({ result: describeResult() }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/leads\/describe2\.json$/,
    permission: 'readLead',
    handler: () => ({ result: describe2Result() }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/activities\/types\.json$/,
    permission: 'readActivity',
    handler: () => ({ result: activityTypesResult() }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/activities\/pagingtoken\.json$/,
    handler: (call) => ({
      nextPageToken: encodeToken(
        'since',
        Math.floor(sinceDate(call.query.get('sinceDatetime'), 'sinceDatetime') / 1000),
      ),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/activities\.json$/,
    permission: 'readActivity',
    handler: (call) => {
      const data = call.env.data;
      const types = activityTypeIds(call);
      const leads = leadIds(call);
      const listRaw = call.query.get('listId');
      const listId = listRaw ? Number(listRaw) : null;
      return datePage(
        call,
        'activities',
        (ms) => data.activityIndexAt(ms),
        (p) => data.activity(p),
        (p) => {
          if (!types.has(data.activityTypeOf(p))) return false;
          if (leads === null && listId === null) return true;
          const a = data.activity(p);
          if (leads && !leads.has(a.leadId)) return false;
          return listId === null || data.inList(a.leadId - 1001, listId);
        },
        batchSize(call, 300),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/activities\/deletedleads\.json$/,
    permission: 'readActivity',
    handler: (call) => {
      const data = call.env.data;
      return datePage(
        call,
        'deleted',
        (ms) => data.deletedIndexAt(ms),
        (k) => data.deletedLead(k),
        () => true,
        batchSize(call, 300),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/campaigns\.json$/,
    permission: 'readAssets',
    handler: (call) =>
      positionPage(call, 'campaigns', call.env.data.campaignCount, (i) => call.env.data.campaign(i)),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/lists\.json$/,
    permission: 'readLead',
    handler: (call) => positionPage(call, 'lists', call.env.data.listCount, (i) => call.env.data.list(i)),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/stats\/usage\.json$/,
    handler: (call) => ({ result: call.env.usage.usage(lastDays(call.now, 1)) }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/stats\/usage\/last7days\.json$/,
    handler: (call) => ({ result: call.env.usage.usage(lastDays(call.now, 7)) }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/stats\/errors\.json$/,
    handler: (call) => ({ result: call.env.usage.errorCounts(lastDays(call.now, 1)) }),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/v1\/stats\/errors\/last7days\.json$/,
    handler: (call) => ({ result: call.env.usage.errorCounts(lastDays(call.now, 7)) }),
  },
];
