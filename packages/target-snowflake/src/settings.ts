/**
 * target-snowflake's own settings (the SDK adds the shared target ones: load_method, hard_delete,
 * batch sizes, parallelism, stream maps…). Every setting is also read from `TARGET_SNOWFLAKE_<NAME>`.
 */
import { ConfigError, type ConnectorInfo, type TableLocationRules } from '@singer-ts/sdk';
import type { ConnectionSettings } from './connection.js';

export const SETTINGS: ConnectorInfo['settings'] = {
  type: 'object',
  properties: {
    account: {
      type: 'string',
      description:
        'Account identifier: `orgname-account_name` (with a hyphen) or the legacy locator with region ' +
        '(`xy12345.us-east-2.aws`). Required for key-pair auth and for the default host.',
    },
    user: { type: 'string', description: 'Login name of the loading user (key-pair auth).' },
    private_key: {
      type: 'string',
      secret: true,
      description: 'PKCS#8 PEM private key of the user (text; `\\n` escapes accepted). Or private_key_path.',
    },
    private_key_path: { type: 'string', description: 'Path of the PKCS#8 PEM private key file.' },
    private_key_passphrase: {
      type: 'string',
      secret: true,
      description: 'Passphrase of an encrypted private key.',
    },
    token: {
      type: 'string',
      secret: true,
      description: 'An OAuth access token or a programmatic access token, instead of a key pair.',
    },
    token_type: {
      type: 'string',
      enum: ['OAUTH', 'PROGRAMMATIC_ACCESS_TOKEN'],
      default: 'OAUTH',
      description: 'What `token` is.',
    },
    role: { type: 'string', description: 'Role to load with, exactly as SHOW ROLES prints it.' },
    warehouse: {
      type: 'string',
      description: 'Warehouse to run statements on, as SHOW WAREHOUSES prints it.',
    },
    database: {
      type: 'string',
      description: 'Database the schemas and tables go to, exactly as SHOW DATABASES prints it (e.g. RAW).',
    },
    default_target_schema: {
      type: 'string',
      description:
        'Schema every table goes to (created if missing; a lower-case unquotable name is stored upper-cased). ' +
        'Unset: MELTANO_EXTRACT__LOAD_SCHEMA, else the schema part of a `schema-table` stream name, else PUBLIC.',
    },
    use_raw_stream_names: {
      type: 'boolean',
      default: false,
      description: 'Name each table after the whole stream name instead of its last `-` part.',
    },
    jwt_lifetime_seconds: {
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      default: 3540,
      description:
        'Seconds each key-pair JWT is valid for (Snowflake accepts at most an hour). A token is signed ' +
        'anew a third of its lifetime (at most five minutes) before it expires, however long the load.',
    },
    base_url: {
      type: 'string',
      description:
        'Overrides https://<account>.snowflakecomputing.com: a proxy, a private link or the emulator.',
    },
  },
};

/** Connection settings and where each stream's table goes. */
export function snowflakeSettingsFrom(config: Record<string, unknown>): {
  connection: ConnectionSettings;
  naming: Omit<TableLocationRules, 'maxBytes'>;
} {
  const text = (key: string): string | undefined => {
    const value = config[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const connection: ConnectionSettings = {};
  for (const key of [
    'account',
    'user',
    'private_key',
    'private_key_path',
    'private_key_passphrase',
    'token',
    'token_type',
    'role',
    'warehouse',
    'database',
    'base_url',
  ] as const) {
    const value = text(key);
    if (value !== undefined) connection[key] = value;
  }
  const lifetime = config.jwt_lifetime_seconds;
  if (lifetime !== undefined && lifetime !== null && lifetime !== '') {
    const seconds = Number(lifetime);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
      throw new ConfigError(
        `jwt_lifetime_seconds is ${JSON.stringify(lifetime)}: give a whole number of seconds from 1 to 3600`,
        { field: 'jwt_lifetime_seconds' },
      );
    connection.jwt_lifetime_seconds = seconds;
  }
  const naming = {
    defaultSchema: text('default_target_schema'),
    loadSchema: process.env.MELTANO_EXTRACT__LOAD_SCHEMA,
    rawStreamNames: config.use_raw_stream_names === true,
    fallbackSchema: 'public',
  };
  return { connection, naming };
}
