/**
 * The Singer catalog: what discovery prints and what `--catalog` feeds back, with the selection
 * rules Meltano uses (inclusion automatic/available/unsupported, `selected`, `selected-by-default`).
 */
import { CatalogError } from '../errors.js';
import { readJsonFile } from '../json/json-file.js';
import type { JSONSchema } from '../schema/json-schema.js';

export type Breadcrumb = string[];

export interface MetadataEntry {
  breadcrumb: Breadcrumb;
  metadata: Record<string, unknown>;
}

export interface CatalogEntry {
  tap_stream_id: string;
  stream: string;
  schema: JSONSchema;
  metadata: MetadataEntry[];
  key_properties?: string[];
  replication_key?: string | null;
  replication_method?: string;
  table_name?: string;
}

export interface CatalogDocument {
  streams: CatalogEntry[];
}

export interface StreamDescription {
  name: string;
  schema: JSONSchema;
  keyProperties: string[];
  replicationKey?: string | undefined;
  replicationMethod: 'FULL_TABLE' | 'INCREMENTAL' | 'LOG_BASED';
  /** Stream-level metadata beyond the standard keys (for example plan-gating notes). */
  extraMetadata?: Record<string, unknown>;
  selectedByDefault?: boolean;
}

const keyOf = (breadcrumb: Breadcrumb): string => breadcrumb.join('\u0000');

/** Builds the discovered metadata for one stream: every property breadcrumb with its inclusion. */
export function describeStream(stream: StreamDescription): CatalogEntry {
  const metadata: MetadataEntry[] = [
    {
      breadcrumb: [],
      metadata: {
        inclusion: 'available',
        selected: stream.selectedByDefault ?? true,
        'selected-by-default': stream.selectedByDefault ?? true,
        'table-key-properties': stream.keyProperties,
        'forced-replication-method': stream.replicationMethod,
        ...(stream.replicationKey ? { 'valid-replication-keys': [stream.replicationKey] } : {}),
        ...stream.extraMetadata,
      },
    },
  ];
  const automatic = new Set([
    ...stream.keyProperties,
    ...(stream.replicationKey ? [stream.replicationKey] : []),
  ]);
  for (const name of Object.keys(stream.schema.properties ?? {})) {
    metadata.push({
      breadcrumb: ['properties', name],
      metadata: {
        inclusion: automatic.has(name) ? 'automatic' : 'available',
        'selected-by-default': true,
      },
    });
  }
  return {
    tap_stream_id: stream.name,
    stream: stream.name,
    schema: stream.schema,
    metadata,
    key_properties: stream.keyProperties,
    replication_method: stream.replicationMethod,
    ...(stream.replicationKey ? { replication_key: stream.replicationKey } : {}),
  };
}

/** A catalog with fast lookups by stream id and breadcrumb. */
export class Catalog {
  private readonly byId = new Map<string, CatalogEntry>();
  private readonly metadataById = new Map<string, Map<string, Record<string, unknown>>>();

  constructor(readonly streams: CatalogEntry[]) {
    for (const entry of streams) {
      this.byId.set(entry.tap_stream_id, entry);
      const index = new Map<string, Record<string, unknown>>();
      for (const item of entry.metadata ?? []) index.set(keyOf(item.breadcrumb), item.metadata ?? {});
      this.metadataById.set(entry.tap_stream_id, index);
    }
  }

  /** Reads a catalog file exactly (a 64-bit value in it is not rounded). */
  static fromFile(path: string): Catalog {
    return Catalog.parse(readJsonFile(path, { what: 'catalog', error: CatalogError }), path);
  }

  static parse(value: unknown, source = 'catalog'): Catalog {
    if (typeof value !== 'object' || value === null || !Array.isArray((value as CatalogDocument).streams)) {
      throw new CatalogError(`${source} must be an object with a "streams" array`);
    }
    const streams = (value as CatalogDocument).streams;
    streams.forEach((entry, index) => {
      if (typeof entry?.tap_stream_id !== 'string') {
        throw new CatalogError(`${source}: streams[${index}] has no "tap_stream_id"`);
      }
      if (typeof entry.schema !== 'object' || entry.schema === null) {
        throw new CatalogError(`${source}: stream '${entry.tap_stream_id}' has no "schema" object`);
      }
      if (entry.metadata !== undefined && !Array.isArray(entry.metadata)) {
        throw new CatalogError(
          `${source}: stream '${entry.tap_stream_id}' has a "metadata" that is not an array`,
        );
      }
      entry.metadata ??= [];
      entry.stream ??= entry.tap_stream_id;
    });
    return new Catalog(streams);
  }

  get(tapStreamId: string): CatalogEntry | undefined {
    return this.byId.get(tapStreamId);
  }

  metadata(tapStreamId: string, breadcrumb: Breadcrumb = []): Record<string, unknown> | undefined {
    return this.metadataById.get(tapStreamId)?.get(keyOf(breadcrumb));
  }

  isStreamSelected(tapStreamId: string): boolean {
    return this.isSelected(tapStreamId, [], true);
  }

  /**
   * Meltano's rule: unsupported never, automatic always, then `selected`, then `selected-by-default`,
   * then the parent breadcrumb's answer.
   */
  isSelected(tapStreamId: string, breadcrumb: Breadcrumb, parentSelected: boolean): boolean {
    const entry = this.metadata(tapStreamId, breadcrumb);
    if (!entry) return breadcrumb.length === 0 ? false : parentSelected;
    if (entry.inclusion === 'unsupported') return false;
    if (breadcrumb.length > 0 && !parentSelected) return false;
    if (entry.inclusion === 'automatic') return true;
    if (typeof entry.selected === 'boolean') return entry.selected;
    if (typeof entry['selected-by-default'] === 'boolean') return entry['selected-by-default'];
    return breadcrumb.length === 0 ? false : parentSelected;
  }

  toJSON(): CatalogDocument {
    return { streams: this.streams };
  }
}

/**
 * A schema cut down to the selected properties (recursively through nested objects), so that
 * deselected fields are neither declared nor emitted.
 */
export function selectSchema(catalog: Catalog, tapStreamId: string, schema: JSONSchema): JSONSchema {
  const walk = (node: JSONSchema, breadcrumb: Breadcrumb, parentSelected: boolean): JSONSchema => {
    if (!node.properties) return node;
    const properties: Record<string, JSONSchema> = {};
    for (const [name, child] of Object.entries(node.properties)) {
      const path = [...breadcrumb, 'properties', name];
      if (!catalog.isSelected(tapStreamId, path, parentSelected)) continue;
      properties[name] = walk(child, path, true);
    }
    const required = node.required?.filter((name) => name in properties);
    return { ...node, properties, ...(required ? { required } : {}) };
  };
  return walk(schema, [], true);
}
