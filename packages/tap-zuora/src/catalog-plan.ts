import type { CatalogEntry, JSONSchema, SyncOptions } from '@singer-ts/sdk';
import { REPLICATION_KEYS } from './deleted-support.js';
import type { Inclusion, PropertyPlan, StreamPlan } from './stream-schema.js';

/** A catalog as the SDK reads it. */
export type Catalog = NonNullable<SyncOptions['catalog']>;

/** singer-io/tap-zuora's property metadata naming the related object a joined id comes from. */
export const JOINED_OBJECT = 'tap-zuora.joined_object';

/** The Describe type a property's JSON Schema stands for (how its CSV cells are read). */
function describeType(property: string, schema: JSONSchema): string {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (property === 'Deleted' && types.includes('boolean')) return 'deleted';
  if (schema.format === 'date-time') return 'datetime';
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'decimal';
  if (types.includes('boolean')) return 'boolean';
  if (types.includes('string')) return 'text';
  return 'unsupported';
}

/**
 * The plan of a stream from a saved catalog entry (ours or singer-io/tap-zuora's), so a sync needs no Describe
 * calls: each schema property with its inclusion and, for joined ids, the related object it is queried through
 * (`BillToContactId` → `BillToContact.Id`). The replication key is singer-io's rule: the first of UpdatedDate,
 * TransactionDate, UpdatedOn present.
 */
export function planFromCatalog(catalog: Catalog, entry: CatalogEntry): StreamPlan {
  const stream = entry.tap_stream_id;
  const props = entry.schema.properties ?? {};
  const properties: PropertyPlan[] = Object.entries(props).map(([property, schema]) => {
    const meta = catalog.metadata(stream, ['properties', property]) ?? {};
    const joined = typeof meta[JOINED_OBJECT] === 'string' ? (meta[JOINED_OBJECT] as string) : undefined;
    const type = describeType(property, schema);
    const inclusion = (
      ['automatic', 'available', 'unsupported'].includes(String(meta.inclusion))
        ? meta.inclusion
        : type === 'unsupported'
          ? 'unsupported'
          : 'available'
    ) as Inclusion;
    return {
      property,
      type,
      query: joined ? `${joined}.${property.slice(joined.length) || 'Id'}` : property,
      inclusion,
      ...(joined ? { joinedObject: joined } : {}),
    };
  });
  const replicationKey = REPLICATION_KEYS.find((k) => k in props) ?? null;
  return {
    stream,
    keyProperties: ['Id'],
    replicationKey,
    replicationMethod: replicationKey ? 'INCREMENTAL' : 'FULL_TABLE',
    schema: entry.schema,
    properties,
  };
}
