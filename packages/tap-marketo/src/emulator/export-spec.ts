import { activityTypeById, DELETE_LEAD_TYPE_ID } from './activity-types.js';
import { leadFieldByRestName } from './describe.js';
import { MarketoFailure } from './envelope.js';
import type { ExportFormat, ExportSpec } from './export-files.js';

/** Fields an activity export can carry; the first eight are the default. */
export const ACTIVITY_EXPORT_FIELDS = [
  'marketoGUID',
  'leadId',
  'activityDate',
  'activityTypeId',
  'campaignId',
  'primaryAttributeValueId',
  'primaryAttributeValue',
  'attributes',
  'actionResult',
] as const;

const MAX_WINDOW_MS = 31 * 86_400_000;
const BULK_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:?\d{2})$/;

/** Subscription switches that change what create accepts. */
export interface ExportFeatures {
  /** The `updatedAt` and smart-list lead filters ("Corona"); off → 1035. */
  updatedAtFilter: boolean;
}

function dateRange(value: unknown, name: string): { startAt: number; endAt: number } {
  const v = value as { startAt?: unknown; endAt?: unknown } | null;
  if (!v || typeof v !== 'object') throw new MarketoFailure('1003', `Invalid ${name} filter`);
  for (const key of ['startAt', 'endAt'] as const) {
    const text = v[key];
    if (typeof text !== 'string' || text === '')
      throw new MarketoFailure('1003', `${name}.${key} cannot be blank`);
    if (!BULK_DATE.test(text)) {
      throw new MarketoFailure(
        '1003',
        `Invalid date format for ${name}.${key}: '${text}' (ISO 8601 without milliseconds)`,
      );
    }
  }
  const startAt = Date.parse(v.startAt as string);
  const endAt = Date.parse(v.endAt as string);
  if (Number.isNaN(startAt) || Number.isNaN(endAt))
    throw new MarketoFailure('1003', `Invalid date in ${name} filter`);
  if (endAt <= startAt) throw new MarketoFailure('1003', `${name}.endAt must be after ${name}.startAt`);
  if (endAt - startAt > MAX_WINDOW_MS) {
    throw new MarketoFailure('1003', `${name} date range exceeds the maximum of 31 days`);
  }
  return { startAt, endAt };
}

function format(body: Record<string, unknown>): ExportFormat {
  const f = body.format ?? 'CSV';
  if (f !== 'CSV' && f !== 'TSV' && f !== 'SSV')
    throw new MarketoFailure('1003', `Invalid format '${String(f)}'`);
  return f;
}

function headerNames(body: Record<string, unknown>, fields: string[]): Record<string, string> {
  const names = body.columnHeaderNames;
  if (names === undefined) return {};
  if (!names || typeof names !== 'object') throw new MarketoFailure('1003', 'Invalid columnHeaderNames');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(names)) {
    if (!fields.includes(k))
      throw new MarketoFailure('1003', `columnHeaderNames names a field not exported: ${k}`);
    out[k] = String(v);
  }
  return out;
}

/** Validates a lead export's create body the way Marketo does; the failure says what was wrong. */
export function leadExportSpec(body: Record<string, unknown>, features: ExportFeatures): ExportSpec {
  const fields = body.fields;
  if (!Array.isArray(fields) || fields.length === 0)
    throw new MarketoFailure('701', 'fields cannot be blank');
  const invalid = fields.filter((f) => {
    const field = typeof f === 'string' ? leadFieldByRestName(f) : undefined;
    return field === undefined || field.notExportable === true;
  });
  if (invalid.length > 0) throw new MarketoFailure('1003', `Invalid fields [${invalid.join(', ')}]`);
  const filter = (body.filter ?? {}) as Record<string, unknown>;
  const kinds = Object.keys(filter);
  if (kinds.length !== 1)
    throw new MarketoFailure('1003', 'Exactly one filter type is required for a lead export');
  const kind = kinds[0] as string;
  if (
    (kind === 'updatedAt' || kind === 'smartListId' || kind === 'smartListName') &&
    !features.updatedAtFilter
  ) {
    throw new MarketoFailure('1035', `Unsupported filter type for target subscription: ${kind}`);
  }
  const common = { kind: 'leads' as const, fields: fields as string[], format: format(body) };
  const headers = headerNames(body, common.fields);
  if (kind === 'createdAt' || kind === 'updatedAt') {
    return { ...common, headerNames: headers, filter: { type: kind, ...dateRange(filter[kind], kind) } };
  }
  const list = listFilter(kind, filter[kind]);
  return { ...common, headerNames: headers, filter: list };
}

function listFilter(kind: string, value: unknown): ExportSpec['filter'] {
  const type = kind.startsWith('static') ? 'staticList' : kind.startsWith('smart') ? 'smartList' : null;
  if (type === null) throw new MarketoFailure('1003', `Invalid filter type '${kind}'`);
  const id = kind.endsWith('Id') ? Number(value) : Number(/(\d+)\s*$/.exec(String(value))?.[1]);
  if (!Number.isInteger(id) || id <= 0)
    throw new MarketoFailure('1003', `${kind} not found: ${String(value)}`);
  return { type, listId: id };
}

/** Validates an activity export's create body: `createdAt` required, type ids known and not Delete Lead. */
export function activityExportSpec(body: Record<string, unknown>): ExportSpec {
  const filter = (body.filter ?? {}) as Record<string, unknown>;
  if (filter.createdAt === undefined)
    throw new MarketoFailure('1003', 'createdAt filter is required for activity exports');
  const extra = Object.keys(filter).filter(
    (k) =>
      !['createdAt', 'activityTypeIds', 'primaryAttributeValueIds', 'primaryAttributeValues'].includes(k),
  );
  if (extra.length > 0) throw new MarketoFailure('1003', `Invalid filter type '${extra.join(', ')}'`);
  const ids = filter.activityTypeIds;
  let activityTypeIds: number[] | undefined;
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.some((i) => !Number.isInteger(i))) {
      throw new MarketoFailure('1003', 'activityTypeIds must be an array of integers');
    }
    const unknown = ids.filter((i) => activityTypeById(i) === undefined || i === DELETE_LEAD_TYPE_ID);
    if (unknown.length > 0)
      throw new MarketoFailure('1003', `Invalid activityTypeIds [${unknown.join(', ')}]`);
    activityTypeIds = ids as number[];
  }
  const fields = (body.fields as unknown[] | undefined) ?? ACTIVITY_EXPORT_FIELDS.slice(0, 8);
  if (!Array.isArray(fields) || fields.length === 0)
    throw new MarketoFailure('701', 'fields cannot be blank');
  const invalid = fields.filter((f) => !(ACTIVITY_EXPORT_FIELDS as readonly unknown[]).includes(f));
  if (invalid.length > 0) throw new MarketoFailure('1003', `Invalid fields [${invalid.join(', ')}]`);
  return {
    kind: 'activities',
    fields: fields as string[],
    format: format(body),
    headerNames: headerNames(body, fields as string[]),
    filter: { type: 'createdAt', ...dateRange(filter.createdAt, 'createdAt') },
    ...(activityTypeIds ? { activityTypeIds } : {}),
  };
}
