/**
 * Settings of the two Python targets this one replaces, read with their meaning: PipelineWise's
 * (transferwise/pipelinewise-target-postgres) and MeltanoLabs' (MeltanoLabs/target-postgres). Each is
 * turned into our own setting where one exists (`dbname` → `database`), acted on by the target where
 * it has no twin (`schema_mapping`, `primary_key_required`, `activate_version`), or, where it cannot
 * mean here what it meant there, refused or warned about by name. The README's migration section
 * lists every setting of both.
 */
import { ConfigError, type JSONSchema, SingerError, Target } from '@singer-ts/sdk';

/** A stream without key properties while `primary_key_required` is on (PipelineWise's rule). */
export class PrimaryKeyRequiredError extends SingerError {
  override readonly code: string = 'SINGER_PRIMARY_KEY_REQUIRED';
}

const NO_EFFECT: Record<string, string> = {
  temp_dir: 'rows go to COPY from memory buffers, no temporary files are written',
  flush_all_streams:
    'each STATE is printed once every record before it, in every stream, is committed, whichever streams flush',
  batch_size: "use 'batch_size_rows'",
  use_copy: 'every batch is loaded with COPY',
  'dialect+driver': 'PostgreSQL is reached through node-postgres',
  ssl_storage_directory: 'certificates and keys given as text are used from memory, never written to disk',
  sanitize_null_text_characters: 'NUL characters are always removed from text and jsonb values',
};

const REFUSED: Record<string, { when: (value: unknown) => boolean; reason: string }> = {
  ssh_tunnel: {
    when: (value) =>
      typeof value === 'object' && value !== null && (value as { enable?: unknown }).enable === true,
    reason:
      'this target opens no SSH tunnels; open one yourself (ssh -N -L 15432:db-host:5432 bastion) and point host and port at it',
  },
  interpret_content_encoding: {
    when: (value) => value === true,
    reason: 'strings with a contentEncoding are stored as text; bytea columns are not made from them',
  },
  default_target_schema_select_permissions: {
    when: (value) => value !== undefined && value !== null,
    reason:
      'this target grants no privileges; grant them once, e.g. ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO role, and remove the setting',
  },
};

const SHARED_PARALLELISM: JSONSchema = Target.sharedSettings.properties?.parallelism ?? {};

/** The peers' settings as our settings schema declares them (so they are known, listed by --about). */
export const PEER_SETTINGS: Record<string, JSONSchema> = {
  dbname: {
    type: 'string',
    description:
      "PipelineWise's name for 'database'. A config that uses it gets PipelineWise's defaults: no metadata " +
      'columns unless add_metadata_columns or hard_delete, and primary_key_required on.',
  },
  add_metadata_columns: {
    type: 'boolean',
    description:
      'PipelineWise: add the _sdc_* columns (as add_record_metadata); hard_delete turns them on too.',
  },
  primary_key_required: {
    type: 'boolean',
    description:
      'PipelineWise: a stream without key properties stops the run (default on with dbname, else off).',
  },
  schema_mapping: {
    type: 'object',
    description:
      "PipelineWise: per source schema (the stream name's schema part), the target schema " +
      "(target_schema) and indexes to create per table (indices: { table: ['column', 'col_a,col_b'] }); " +
      'wins over default_target_schema.',
    additionalProperties: {
      type: 'object',
      properties: {
        target_schema: { type: 'string' },
        indices: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        target_schema_select_permissions: {},
      },
    },
  },
  data_flattening_max_level: {
    type: 'integer',
    minimum: 0,
    description:
      'PipelineWise: flatten nested objects into parent__child columns this many levels deep ' +
      '(as flattening_enabled with flattening_max_depth).',
  },
  sqlalchemy_url: {
    type: 'string',
    secret: true,
    description: "MeltanoLabs: postgresql[+driver]://… read as 'url' (the driver part is dropped).",
  },
  parallelism: {
    ...SHARED_PARALLELISM,
    minimum: 0,
    description: `${SHARED_PARALLELISM.description ?? ''} 0 (PipelineWise: automatic): the default, at most max_parallelism.`,
  },
  max_parallelism: {
    type: 'integer',
    minimum: 1,
    description: 'PipelineWise: with parallelism 0, the most batches loaded at once.',
  },
  activate_version: {
    type: 'boolean',
    description:
      'MeltanoLabs: false ignores ACTIVATE_VERSION messages (with a warning); true needs add_record_metadata.',
  },
  ...Object.fromEntries(
    Object.entries(NO_EFFECT).map(([name, reason]) => [
      name,
      { description: `Accepted from the Python targets; has no effect: ${reason}.` },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(REFUSED).map(([name, { reason }]) => [
      name,
      { description: `From the Python targets; refused when set (enabled): ${reason}.` },
    ]),
  ),
};

export interface SchemaMappingEntry {
  target_schema?: string;
  indices?: Record<string, string[]>;
}

/** What the target does with the peers' settings that have no twin among ours. */
export interface PeerRules {
  primaryKeyRequired: boolean;
  /** false: ACTIVATE_VERSION messages are ignored with a warning. */
  activateVersion: boolean;
  schemaMapping: Record<string, SchemaMappingEntry>;
}

/**
 * Our config from one that may use the peers' settings, the rules the target applies itself, and the
 * warnings to log. Throws ConfigError for settings that contradict each other or are refused.
 */
export function readPeerSettings(given: Record<string, unknown>): {
  config: Record<string, unknown>;
  rules: PeerRules;
  warnings: string[];
} {
  const config = { ...given };
  const warnings: string[] = [];
  const pipelinewise = typeof given.dbname === 'string';
  if (given.dbname !== undefined) renameInto(config, 'dbname', 'database');
  if (typeof given.sqlalchemy_url === 'string') {
    renameInto(config, 'sqlalchemy_url', 'url', postgresUrlFromSqlalchemy(given.sqlalchemy_url));
  }
  const hardDelete = given.hard_delete === true;
  if (typeof given.add_metadata_columns === 'boolean') {
    config.add_record_metadata = given.add_metadata_columns || hardDelete;
  } else if (pipelinewise) {
    config.add_record_metadata = hardDelete;
  }
  if (given.activate_version === true && config.add_record_metadata === false) {
    throw new ConfigError(
      "setting 'activate_version' is true but metadata columns are off (add_record_metadata or add_metadata_columns false): " +
        'ACTIVATE_VERSION needs _sdc_table_version; turn metadata on or set activate_version to false',
      { setting: 'activate_version' },
    );
  }
  mapFlattening(config, given.data_flattening_max_level);
  mapParallelism(config, warnings);
  for (const [name, reason] of Object.entries(NO_EFFECT)) {
    if (given[name] !== undefined) warnings.push(`setting '${name}' has no effect here: ${reason}`);
  }
  for (const [name, { when, reason }] of Object.entries(REFUSED)) {
    if (when(given[name]))
      throw new ConfigError(`setting '${name}' is not supported: ${reason}`, { setting: name });
  }
  const schemaMapping = (given.schema_mapping ?? {}) as Record<string, SchemaMappingEntry>;
  for (const [source, entry] of Object.entries(schemaMapping)) {
    if (
      REFUSED.default_target_schema_select_permissions!.when(
        (entry as Record<string, unknown>).target_schema_select_permissions,
      )
    ) {
      throw new ConfigError(
        `setting 'schema_mapping.${source}.target_schema_select_permissions' is not supported: ${REFUSED.default_target_schema_select_permissions!.reason}`,
        { setting: 'schema_mapping' },
      );
    }
  }
  return {
    config,
    rules: {
      primaryKeyRequired:
        typeof given.primary_key_required === 'boolean' ? given.primary_key_required : pipelinewise,
      activateVersion: given.activate_version !== false,
      schemaMapping,
    },
    warnings,
  };
}

/** Moves a peer's setting onto ours; both given with different values is an error naming both. */
function renameInto(config: Record<string, unknown>, from: string, to: string, value = config[from]): void {
  const ours = config[to];
  if (ours !== undefined && ours !== '' && ours !== value) {
    throw new ConfigError(`settings '${from}' and '${to}' both say where to connect and disagree; give one`, {
      setting: from,
    });
  }
  config[to] = value;
  delete config[from];
}

/** `postgresql+psycopg://…` → `postgresql://…`; a URL for another database is refused. */
function postgresUrlFromSqlalchemy(url: string): string {
  const match = /^([A-Za-z0-9]+)(\+[A-Za-z0-9_]+)?:\/\//.exec(url);
  const dialect = match?.[1]?.toLowerCase();
  if (match === null || (dialect !== 'postgresql' && dialect !== 'postgres')) {
    throw new ConfigError(
      "setting 'sqlalchemy_url' must be a postgresql:// or postgresql+<driver>:// URL: target-postgres loads PostgreSQL",
      { setting: 'sqlalchemy_url' },
    );
  }
  return `postgresql://${url.slice(match[0].length)}`;
}

/**
 * PipelineWise's `data_flattening_max_level: n` is the Meltano SDK's `flattening_enabled: true` with
 * `flattening_max_depth: n`, which the SDK's map stage applies.
 */
function mapFlattening(config: Record<string, unknown>, level: unknown): void {
  delete config.data_flattening_max_level;
  if (typeof level !== 'number' || level === 0) return;
  const depth = config.flattening_max_depth;
  if (config.flattening_enabled === false || (depth !== undefined && depth !== level)) {
    throw new ConfigError(
      "settings 'data_flattening_max_level' and 'flattening_enabled'/'flattening_max_depth' disagree; give one",
      { setting: 'data_flattening_max_level' },
    );
  }
  config.flattening_enabled = true;
  config.flattening_max_depth = level;
}

/** PipelineWise's `parallelism: 0` (one thread per stream to flush, at most max_parallelism). */
function mapParallelism(config: Record<string, unknown>, warnings: string[]): void {
  const most = config.max_parallelism;
  delete config.max_parallelism;
  if (config.parallelism !== 0) {
    if (most !== undefined)
      warnings.push("setting 'max_parallelism' has no effect here: it applies with parallelism 0");
    return;
  }
  const fallback = typeof SHARED_PARALLELISM.default === 'number' ? SHARED_PARALLELISM.default : 1;
  config.parallelism = typeof most === 'number' ? Math.min(fallback, most) : fallback;
}

/** PipelineWise's source schema and table of a stream: `schema-table`, or `db-schema-table_rest`. */
export function pipelinewiseStreamParts(stream: string): { schema?: string; table: string } {
  const parts = stream.split('-');
  if (parts.length === 2) return { schema: parts[0], table: parts[1]! };
  if (parts.length > 2) return { schema: parts[1], table: parts.slice(2).join('_') };
  return { table: stream };
}

/** The stream's schema_mapping entry, if its source schema has one. */
export function schemaMappingFor(rules: PeerRules, stream: string): SchemaMappingEntry | undefined {
  const { schema } = pipelinewiseStreamParts(stream);
  return schema === undefined ? undefined : rules.schemaMapping[schema];
}
