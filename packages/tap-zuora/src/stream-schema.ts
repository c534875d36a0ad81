import type { JSONSchema } from '@singer-ts/sdk';
import { NO_DELETED_RECORDS, REPLICATION_KEYS, UNJOINABLE_RELATED_OBJECTS } from './deleted-support.js';
import type { DescribedObject } from './describe-xml.js';
import { REST_UNSUPPORTED_FIELDS } from './rest-unsupported-fields.js';

/** Which export path the stream is read through: AQuA (`AQUA`), the REST Export object (`REST`), or SOAP. */
export type ApiType = 'AQUA' | 'REST' | 'SOAP';

export type Inclusion = 'automatic' | 'available' | 'unsupported';

/** How a stream property is read: the Describe type, the name in a query, and the join it comes from. */
export interface PropertyPlan {
  property: string;
  /** Describe type, `deleted` for the deleted flag. */
  type: string;
  /** Name in the select list: `Name`, or `BillToContact.Id` for a joined id. */
  query: string;
  inclusion: Inclusion;
  /** For joined ids: the related object name (singer-io metadata `tap-zuora.joined_object`). */
  joinedObject?: string;
}

export interface StreamPlan {
  stream: string;
  keyProperties: ['Id'];
  replicationKey: string | null;
  replicationMethod: 'INCREMENTAL' | 'FULL_TABLE';
  schema: JSONSchema;
  properties: PropertyPlan[];
  /**
   * Why the tenant cannot export the object (its one-row probe export was refused): the stream is listed with
   * `inclusion: unsupported`, never selected, so a user sees it exists and why it is left out.
   */
  unavailable?: string;
}

/** Describe types the singer-io tap maps, and their JSON Schema; dates become date-times as that tap emits them. */
const TYPES: Record<string, JSONSchema> = {
  text: { type: ['string', 'null'] },
  picklist: { type: ['string', 'null'] },
  boolean: { type: ['boolean', 'null'] },
  integer: { type: ['integer', 'null'] },
  decimal: { type: ['number', 'null'] },
  date: { type: ['string', 'null'], format: 'date-time' },
  datetime: { type: ['string', 'null'], format: 'date-time' },
};

export interface StreamOptions {
  api: ApiType;
  /** AQuA only: the probe found the object exports deleted rows (adds the `Deleted` property). */
  deletedAvailable?: boolean;
}

/**
 * The stream singer-io/tap-zuora would discover for a described object, or null when it skips it (its Id or
 * replication key is not exportable, or nothing is). Only `export`-context fields are kept; joined related ids
 * become `<Related>Id`; Id and the replication key are automatic; unknown types and REST-rejected fields stay in
 * the schema but are marked unsupported.
 */
export function streamFromDescribe(o: DescribedObject, options: StreamOptions): StreamPlan | null {
  const requiredKeys = new Set<string>(['Id', ...REPLICATION_KEYS]);
  const exportable = o.fields.filter((f) => f.contexts.includes('export'));
  if (o.fields.some((f) => requiredKeys.has(f.name) && !f.contexts.includes('export'))) return null;
  if (!exportable.some((f) => f.name === 'Id')) return null;
  const restDenied = new Set(options.api === 'REST' ? (REST_UNSUPPORTED_FIELDS[o.name] ?? []) : []);

  const properties: PropertyPlan[] = exportable.map((f) => {
    const supported = f.type in TYPES;
    const inclusion: Inclusion = requiredKeys.has(f.name)
      ? 'automatic'
      : supported && !restDenied.has(f.name)
        ? 'available'
        : 'unsupported';
    return { property: f.name, type: f.type, query: f.name, inclusion };
  });
  for (const r of o.related) {
    if (UNJOINABLE_RELATED_OBJECTS.has(r.name)) continue;
    const joined: PropertyPlan = {
      property: `${r.name}Id`,
      type: 'text',
      query: `${r.name}.Id`,
      inclusion: 'available',
      joinedObject: r.name,
    };
    // An object may also have the id as its own field (Account.BillToContactId): one property, read through the
    // join, as the singer-io tap ends up with.
    const own = properties.findIndex((p) => p.property === joined.property);
    if (own >= 0) properties[own] = joined;
    else properties.push(joined);
  }
  const deleted =
    options.api === 'AQUA' && options.deletedAvailable === true && !NO_DELETED_RECORDS.has(o.name);
  if (deleted)
    properties.push({ property: 'Deleted', type: 'deleted', query: 'Deleted', inclusion: 'available' });

  const names = new Set(properties.map((p) => p.property));
  const replicationKey = REPLICATION_KEYS.find((k) => names.has(k)) ?? null;
  const schemaProperties: Record<string, JSONSchema> = {};
  for (const p of properties) {
    // Unsupported types keep a permissive schema: the singer-io tap writes `{"type": null}`, which is not JSON Schema.
    schemaProperties[p.property] = p.type === 'deleted' ? { type: 'boolean' } : (TYPES[p.type] ?? {});
  }
  return {
    stream: o.name,
    keyProperties: ['Id'],
    replicationKey,
    replicationMethod: replicationKey ? 'INCREMENTAL' : 'FULL_TABLE',
    schema: { type: 'object', additionalProperties: false, properties: schemaProperties },
    properties,
  };
}
