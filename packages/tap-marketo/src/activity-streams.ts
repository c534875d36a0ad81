import { type JSONSchema, parseJson } from '@singer-ts/sdk';
import { ACTIVITIES, ACTIVITY_METADATA, activityStreamName, cleanName } from './catalogue.js';
import { MarketoDescribeError, MarketoValueError } from './errors.js';
import { nullable, schemaOfDataType } from './field-types.js';
import type { RawValue } from './values.js';

/** One item of `/rest/v1/activities/types.json`. */
export interface ActivityTypeDescription {
  id: number;
  name: string;
  description?: string;
  primaryAttribute?: { name: string; dataType: string };
  attributes?: { name: string; dataType: string }[];
}

/** Everything needed to discover and flatten one `activities_<type>` stream. */
export interface ActivityStream {
  name: string;
  activityTypeId: number;
  /** The cleaned primary attribute name, written as `primary_attribute_name`; null without one. */
  primaryAttributeName: string | null;
  schema: JSONSchema;
  /** Attribute display name → its column. */
  attributeColumns: Map<string, string>;
  /** Attributes renamed because their cleaned names collided (singer-io would merge them). */
  renamed: { attribute: string; column: string }[];
  /** Stream-level catalog metadata singer-io writes. */
  metadata: Record<string, unknown>;
}

/** The columns a bulk activity export carries, in singer-io's request order. */
export const ACTIVITY_EXPORT_FIELDS = [
  'marketoGUID',
  'leadId',
  'activityDate',
  'activityTypeId',
  'campaignId',
  'primaryAttributeValue',
  'primaryAttributeValueId',
  'attributes',
] as const;

const BASE_PROPERTIES: Record<string, JSONSchema> = {
  marketoGUID: { type: ['null', 'string'] },
  leadId: { type: ['null', 'integer'] },
  activityDate: { type: ['null', 'string'], format: 'date-time' },
  activityTypeId: { type: ['null', 'integer'] },
  campaignId: { type: ['null', 'integer'] },
};

const PRIMARY_PROPERTIES = [
  'primary_attribute_value',
  'primary_attribute_name',
  'primary_attribute_value_id',
];

/** The stream of one activity type, with singer-io's names and types (attributes nullable, by data type). */
export function activityStream(type: ActivityTypeDescription): ActivityStream {
  if (!Number.isInteger(type.id) || typeof type.name !== 'string' || type.name === '') {
    throw new MarketoDescribeError(`activity type ${JSON.stringify(type).slice(0, 80)} has no id or name`);
  }
  const name = activityStreamName(type.name);
  const properties: Record<string, JSONSchema> = { ...BASE_PROPERTIES };
  let primaryAttributeName: string | null = null;
  if (type.primaryAttribute) {
    for (const p of PRIMARY_PROPERTIES) properties[p] = { type: ['null', 'string'] };
    primaryAttributeName = cleanName(type.primaryAttribute.name);
  }
  const attributeColumns = new Map<string, string>();
  const renamed: { attribute: string; column: string }[] = [];
  for (const attr of type.attributes ?? []) {
    let column = cleanName(attr.name);
    if (properties[column] !== undefined) {
      let n = 2;
      while (properties[`${column}_${n}`] !== undefined) n++;
      column = `${column}_${n}`;
      renamed.push({ attribute: attr.name, column });
    }
    properties[column] = nullable(schemaOfDataType(attr.dataType));
    attributeColumns.set(attr.name, column);
  }
  return {
    name,
    activityTypeId: type.id,
    primaryAttributeName,
    schema: { type: 'object', additionalProperties: false, properties },
    attributeColumns,
    renamed,
    metadata: {
      [ACTIVITY_METADATA.activityId]: type.id,
      ...(primaryAttributeName === null
        ? {}
        : { [ACTIVITY_METADATA.primaryAttributeName]: primaryAttributeName }),
      'table-key-properties': ACTIVITIES.keyProperties,
      'forced-replication-method': ACTIVITIES.replicationMethod,
      'valid-replication-keys': [ACTIVITIES.replicationKey],
    },
  };
}

/**
 * One exported activity row flattened as singer-io does: the base fields, the primary attribute as
 * `primary_attribute_name` (the cleaned name), `_value` and `_value_id`, and each attribute of the
 * `attributes` JSON cell in its own column. An attribute the type does not describe fails, naming it.
 */
export function flattenActivity(
  stream: ActivityStream,
  row: Record<string, string | null>,
  line?: number,
): Record<string, RawValue> {
  const where = { stream: stream.name, ...(line === undefined ? {} : { line }) };
  const out: Record<string, RawValue> = {};
  for (const key of Object.keys(BASE_PROPERTIES)) out[key] = row[key] ?? null;
  if (stream.primaryAttributeName !== null) {
    out.primary_attribute_name = stream.primaryAttributeName;
    out.primary_attribute_value = row.primaryAttributeValue ?? null;
    out.primary_attribute_value_id = row.primaryAttributeValueId ?? null;
  }
  const cell = row.attributes;
  if (cell === null || cell === undefined || cell === '') return out;
  let attrs: unknown;
  try {
    attrs = parseJson(cell);
  } catch {
    throw new MarketoValueError(`attributes is not JSON: '${cell.slice(0, 60)}'`, {
      ...where,
      field: 'attributes',
    });
  }
  if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) {
    throw new MarketoValueError('attributes is not a JSON object', { ...where, field: 'attributes' });
  }
  return addAttributes(stream, out, Object.entries(attrs as Record<string, RawValue>), where);
}

/** One activity of `activities.json` (REST) flattened exactly as its bulk export row would be. */
export function flattenRestActivity(
  stream: ActivityStream,
  item: Record<string, unknown>,
): Record<string, RawValue> {
  const where = { stream: stream.name };
  const out: Record<string, RawValue> = {};
  for (const key of Object.keys(BASE_PROPERTIES)) out[key] = (item[key] as RawValue) ?? null;
  if (stream.primaryAttributeName !== null) {
    out.primary_attribute_name = stream.primaryAttributeName;
    out.primary_attribute_value = (item.primaryAttributeValue as RawValue) ?? null;
    out.primary_attribute_value_id = (item.primaryAttributeValueId as RawValue) ?? null;
  }
  const attributes = item.attributes ?? [];
  if (!Array.isArray(attributes)) {
    throw new MarketoValueError('attributes is not a list of {name, value}', {
      ...where,
      field: 'attributes',
    });
  }
  // The bulk file leaves empty attributes out; so does this.
  const entries = (attributes as { name?: unknown; value?: RawValue }[])
    .filter((a) => a.value !== null && a.value !== undefined && a.value !== '')
    .map((a) => [String(a.name), a.value as RawValue] as [string, RawValue]);
  return addAttributes(stream, out, entries, where);
}

function addAttributes(
  stream: ActivityStream,
  out: Record<string, RawValue>,
  entries: [string, RawValue][],
  where: Record<string, unknown>,
): Record<string, RawValue> {
  for (const [name, value] of entries) {
    const column = stream.attributeColumns.get(name);
    if (column === undefined) {
      throw new MarketoValueError(
        `attribute '${name}' is not described by the activity type; run discovery again`,
        { ...where, field: 'attributes' },
      );
    }
    out[column] = value;
  }
  return out;
}
