/** target-postgres settings: connection (fields or URL), TLS, target schema; and the pg pool config. */
import type { ConnectorInfo } from '@singer-ts/sdk';
import type { PoolConfig } from 'pg';

export const SETTINGS: ConnectorInfo['settings'] = {
  type: 'object',
  properties: {
    url: {
      type: 'string',
      secret: true,
      description: 'postgres://user:password@host:port/database; overrides the separate fields it sets.',
    },
    host: { type: 'string', default: 'localhost', description: 'Server host name.' },
    port: { type: 'integer', default: 5432, description: 'Server port.' },
    user: { type: 'string', description: 'User name.' },
    password: { type: 'string', secret: true, description: 'Password.' },
    database: { type: 'string', description: 'Database name.' },
    ssl: {
      description:
        'true for TLS with certificate verification, or an object: ca, cert, key (PEM text) and ' +
        'reject_unauthorized (default true; false accepts any certificate).',
      anyOf: [
        { type: 'boolean' },
        {
          type: 'object',
          properties: {
            ca: { type: 'string' },
            cert: { type: 'string' },
            key: { type: 'string', secret: true },
            reject_unauthorized: { type: 'boolean', default: true },
            servername: { type: 'string' },
          },
          additionalProperties: false,
        },
      ],
    },
    default_target_schema: {
      type: 'string',
      default: 'public',
      description: 'Schema the tables are created in; created if missing.',
    },
  },
};

export interface PostgresSettings {
  pool: PoolConfig;
  schema: string;
}

export function postgresSettingsFrom(config: Record<string, unknown>, connections: number): PostgresSettings {
  const text = (key: string): string | undefined => {
    const value = config[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const pool: PoolConfig = {
    max: connections,
    application_name: 'target-postgres',
    // Timestamps without an offset are read as UTC, whatever the server's default time zone.
    options: '-c TimeZone=UTC',
    idleTimeoutMillis: 30_000,
  };
  const url = text('url');
  if (url !== undefined) pool.connectionString = url;
  if (url === undefined || config.host !== undefined) pool.host = text('host') ?? 'localhost';
  if (url === undefined || config.port !== undefined)
    pool.port = typeof config.port === 'number' ? config.port : 5432;
  const user = text('user');
  if (user !== undefined) pool.user = user;
  const password = text('password');
  if (password !== undefined) pool.password = password;
  const database = text('database');
  if (database !== undefined) pool.database = database;
  const ssl = config.ssl;
  if (ssl === true) pool.ssl = { rejectUnauthorized: true };
  else if (typeof ssl === 'object' && ssl !== null) {
    const options = ssl as Record<string, unknown>;
    pool.ssl = {
      rejectUnauthorized: options.reject_unauthorized !== false,
      ...(typeof options.ca === 'string' ? { ca: options.ca } : {}),
      ...(typeof options.cert === 'string' ? { cert: options.cert } : {}),
      ...(typeof options.key === 'string' ? { key: options.key } : {}),
      ...(typeof options.servername === 'string' ? { servername: options.servername } : {}),
    };
  }
  return { pool, schema: text('default_target_schema') ?? 'public' };
}
