import { leadFieldByRestName } from './describe.js';
import { MarketoFailure } from './envelope.js';
import type { Cell, MarketoDataType } from './fields.js';
import { decodeToken, encodeToken } from './paging.js';
import type { Call, Route } from './route-types.js';

// Get Leads by Filter Type (`GET /rest/v1/leads.json`, or a POST with `_method=GET` for long lists):
// `filterType` (id here), up to 300 comma-separated `filterValues`, optional `fields` (REST names;
// unknown ones answer 1006), `batchSize` ≤ 300 and `nextPageToken` position paging. Leads not found
// (deleted, never existed) are simply absent.

const DEFAULT_FIELDS = ['id', 'updatedAt', 'lastName', 'email', 'createdAt', 'firstName'];
const NUMERIC = new Set<MarketoDataType>(['integer', 'percent', 'score', 'float', 'currency']);

/** A value as the JSON API sends it: numbers as numbers where a double keeps their digits, else text. */
function jsonValue(value: Cell, type: MarketoDataType): Cell {
  if (typeof value !== 'string' || !NUMERIC.has(type)) return value;
  return String(Number(value)) === value ? Number(value) : value;
}

function listParam(call: Call, name: string): string[] {
  return (call.query.get(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function leadsByFilter(call: Call) {
  const data = call.env.data;
  const filterType = call.query.get('filterType');
  if (!filterType) throw new MarketoFailure('701', 'filterType cannot be blank');
  if (filterType !== 'id')
    throw new MarketoFailure('1003', `filterType '${filterType}' is not supported here`);
  const values = listParam(call, 'filterValues');
  if (values.length === 0) throw new MarketoFailure('701', 'filterValues cannot be blank');
  if (values.length > 300) throw new MarketoFailure('1003', 'filterValues can hold at most 300 values');
  const requested = listParam(call, 'fields');
  const fields = (requested.length > 0 ? requested : DEFAULT_FIELDS).map((name) => {
    const field = leadFieldByRestName(name);
    if (!field) throw new MarketoFailure('1006', `Field '${name}' not found`);
    return field;
  });
  const raw = call.query.get('batchSize');
  const size = raw ? Number(raw) : 300;
  if (!Number.isInteger(size) || size < 1 || size > 300)
    throw new MarketoFailure('1003', 'batchSize must be between 1 and 300');
  const indexes = values
    .map((v) => Number(v) - data.leadId(0))
    .filter((i) => Number.isInteger(i) && i >= 0 && i < data.leadCount && !data.isDeleted(i));
  const token = call.query.get('nextPageToken');
  const from = token ? decodeToken(token, 'leads').pos : 0;
  const to = Math.min(indexes.length, from + size);
  const result = indexes.slice(from, to).map((i) => {
    const lead = data.leadValues(i);
    return Object.fromEntries(
      fields.map((f) => [f.rest as string, jsonValue(lead.get(f.rest as string) ?? null, f.dataType)]),
    );
  });
  return to < indexes.length ? { result, nextPageToken: encodeToken('leads', to) } : { result };
}

export const LEAD_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/rest\/v1\/leads\.json$/, permission: 'readLead', handler: leadsByFilter },
];
