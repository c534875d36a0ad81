/**
 * tap-postgres: every table and view the user can read is a stream `<schema>-<table>`, with its
 * columns' types and primary key from information_schema. Streams are full-table unless
 * `replication_keys` names a column for them; then they resume from the bookmark with `>=`.
 */
import {
  ConfigError,
  type ConfigOf,
  type ConnectorInfo,
  defineSettings,
  packageVersion,
  Tap,
} from '@singer-ts/sdk';
import { connectPostgres, discoverTables, SQLStream, type TableInfo } from '@singer-ts/sdk/postgres';
import type pg from 'pg';

export const settings = defineSettings({
  host: { type: 'string', description: 'Server host name or address' },
  port: { type: 'integer', default: 5432, description: 'Server port' },
  user: { type: 'string', description: 'User to connect as' },
  password: { type: 'string', secret: true, writeOnly: true, description: 'Password of `user`' },
  database: { type: 'string', description: 'Database to read' },
  url: {
    type: 'string',
    secret: true,
    writeOnly: true,
    description:
      'Connection URL (postgresql://user:password@host:port/database); overrides the settings above',
  },
  sqlalchemy_url: {
    type: 'string',
    secret: true,
    writeOnly: true,
    description: 'Same as `url`, as the Python tap names it (postgresql+psycopg2://… is accepted)',
  },
  ssl_enable: { type: 'boolean', default: false, description: 'Connect over TLS' },
  ssl_mode: {
    enum: ['require', 'verify-full'],
    default: 'verify-full',
    description: '`verify-full` checks the server certificate and host name; `require` only encrypts',
  },
  filter_schemas: {
    type: 'array',
    items: { type: 'string' },
    description: 'Schemas to discover; all but the system schemas when empty',
  },
  default_replication_method: {
    enum: ['FULL_TABLE', 'INCREMENTAL', 'LOG_BASED'],
    default: 'FULL_TABLE',
    description:
      'FULL_TABLE or INCREMENTAL (INCREMENTAL streams need a key in `replication_keys`); LOG_BASED is not supported',
  },
  replication_keys: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Replication key column per stream, e.g. {"public-orders": "updated_at"}',
  },
  fetch_size: {
    type: 'integer',
    minimum: 1,
    default: 10000,
    description: 'Rows fetched from the server-side cursor at a time',
  },
});

/** Settings as the tap sees them: the user's, with every default filled in. */
export type TapPostgresConfig = ConfigOf<typeof settings>;

const info: ConnectorInfo = {
  name: 'tap-postgres',
  version: packageVersion(import.meta.url),
  description: 'Singer tap over the tables and views of a PostgreSQL database',
  kind: 'tap',
  capabilities: [],
  settings,
};

export class TapPostgres extends Tap<TapPostgresConfig> {
  static override info: ConnectorInfo = info;

  /** node-postgres connection settings from the config; the URL wins over host/user/database. */
  clientConfig(): pg.ClientConfig {
    const config = this.config;
    const ssl = config.ssl_enable ? { rejectUnauthorized: config.ssl_mode !== 'require' } : undefined;
    const rawUrl = config.url ?? config.sqlalchemy_url;
    if (rawUrl) {
      let url: URL;
      try {
        url = new URL(rawUrl.replace(/^postgres(?:ql)?\+[a-z0-9]+:/i, 'postgresql:'));
      } catch {
        throw new ConfigError(`setting '${config.url ? 'url' : 'sqlalchemy_url'}' is not a valid URL`, {
          setting: config.url ? 'url' : 'sqlalchemy_url',
        });
      }
      if (url.password) this.logger.addSecrets([decodeURIComponent(url.password), url.password]);
      return { connectionString: url.toString(), ...(ssl ? { ssl } : {}) };
    }
    const missing = (['host', 'user', 'database'] as const).filter((name) => !config[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `set 'url' or all of 'host', 'user' and 'database' (missing: ${missing.join(', ')})`,
        { setting: missing[0]! },
      );
    }
    return {
      host: config.host,
      port: config.port,
      user: config.user,
      database: config.database,
      ...(config.password !== undefined ? { password: config.password } : {}),
      ...(ssl ? { ssl } : {}),
    };
  }

  override async discoverStreams(): Promise<SQLStream<TapPostgresConfig>[]> {
    if (this.config.default_replication_method === 'LOG_BASED') {
      throw new ConfigError('LOG_BASED replication is not supported; use FULL_TABLE or INCREMENTAL', {
        setting: 'default_replication_method',
      });
    }
    const clientConfig = this.clientConfig();
    const client = await connectPostgres(clientConfig);
    let tables: TableInfo[];
    try {
      tables = await discoverTables(client, { schemas: this.config.filter_schemas });
    } finally {
      await client.end().catch(() => undefined);
    }
    const keys = this.config.replication_keys ?? {};
    const names = new Set(tables.map((table) => streamName(table)));
    const unknown = Object.keys(keys).filter((name) => !names.has(name));
    if (unknown.length > 0) {
      throw new ConfigError(
        `replication_keys names stream ${unknown.map((name) => `'${name}'`).join(', ')}, which discovery did not find`,
        { setting: 'replication_keys' },
      );
    }
    return tables.map((table) => this.streamFor(table, keys[streamName(table)], clientConfig));
  }

  private streamFor(
    table: TableInfo,
    replicationKey: string | undefined,
    clientConfig: pg.ClientConfig,
  ): SQLStream<TapPostgresConfig> {
    const name = streamName(table);
    if (replicationKey !== undefined && !table.columns.some((column) => column.name === replicationKey)) {
      throw new ConfigError(
        `replication key '${replicationKey}' for stream '${name}' is not a column of ${table.schema}.${table.name}`,
        { stream: name, setting: 'replication_keys' },
      );
    }
    if (replicationKey === undefined && this.config.default_replication_method === 'INCREMENTAL') {
      this.logger.info('no replication key configured: syncing the full table', { stream: name });
    }
    return new SQLStream<TapPostgresConfig>(this, {
      table,
      name,
      replicationKey,
      connect: () => connectPostgres(clientConfig),
      batchSize: this.config.fetch_size,
    });
  }
}

/** `<schema>-<table>`, as the Python tap names its streams. */
function streamName(table: TableInfo): string {
  return `${table.schema}-${table.name}`;
}
