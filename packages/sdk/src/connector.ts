/**
 * What every connector declares about itself: the facts `--about` prints and the settings schema the
 * CLI validates config against before anything runs.
 */
import { packageFacts } from './package-version.js';
import type { JSONSchema } from './schema/json-schema.js';

export type ConnectorKind = 'tap' | 'target' | 'mapper';

/** Capability names as Meltano's `--about` reports them. */
export type Capability =
  | 'catalog'
  | 'properties'
  | 'discover'
  | 'state'
  | 'about'
  | 'stream-maps'
  | 'schema-flattening'
  | 'batch'
  | 'activate-version'
  | 'soft-delete'
  | 'hard-delete'
  | 'datatype-failsafe'
  | 'validate-records'
  | 'target-schema';

export interface ConnectorInfo {
  /** The executable's name, for example `tap-zendesk`; also the prefix of its env vars. */
  name: string;
  version: string;
  description: string;
  kind: ConnectorKind;
  capabilities: Capability[];
  /** JSON Schema of type object; a property with `secret: true` is never printed. */
  settings: JSONSchema;
}

/**
 * What `tapInfo` needs: the rest is read from the package.json (version; name and description unless
 * given) or implied (kind; capabilities every tap has).
 */
export interface TapDescription {
  /** The executable's name; defaults to the package's `name`, which for a connector is the same. */
  name?: string;
  /** Defaults to the package's `description`. */
  description?: string;
  settings: JSONSchema;
  /** The connector's `import.meta.url`: its package.json is the nearest one above it. */
  moduleUrl: string;
  /** Capabilities beyond those every tap has (`activate-version`, `batch`). */
  capabilities?: Capability[];
}

/** A tap's ConnectorInfo, with its version from its own package.json. */
export function tapInfo(description: TapDescription): ConnectorInfo {
  const facts = packageFacts(description.moduleUrl);
  const name = description.name ?? facts.name;
  if (name === '')
    throw new Error(`tapInfo: no name given and none in the package.json above ${description.moduleUrl}`);
  return {
    name,
    version: facts.version,
    description: description.description ?? facts.description ?? '',
    kind: 'tap',
    capabilities: description.capabilities ?? [],
    settings: description.settings,
  };
}

/** The env var prefix for a connector: `tap-zendesk` → `TAP_ZENDESK_`. */
export function envPrefix(name: string): string {
  return `${name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_`;
}
