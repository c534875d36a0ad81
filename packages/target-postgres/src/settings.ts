/** target-postgres settings: connection (fields or URL), TLS, target schema; and the pg pool config. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type ConnectorInfo, SQLConnectionError, type TableLocationRules } from '@singer-ts/sdk';
import type { PoolConfig } from 'pg';
import { PEER_SETTINGS } from './peer-settings.js';
import { checkPostgresUrl } from './url.js';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

const PEM_OR_PATH = 'PEM text (-----BEGIN …) or the path of a PEM file';

export const SETTINGS: ConnectorInfo['settings'] = {
  type: 'object',
  properties: {
    url: {
      type: 'string',
      secret: true,
      description:
        'postgres://user:password@host:port/database; overrides the separate fields it sets. TLS ' +
        'parameters (sslmode, sslrootcert, sslcert, sslkey) mean what the ssl_* settings do.',
    },
    host: { type: 'string', default: 'localhost', description: 'Server host name.' },
    port: { type: 'integer', default: 5432, description: 'Server port.' },
    user: { type: 'string', description: 'User name.' },
    password: { type: 'string', secret: true, description: 'Password.' },
    database: { type: 'string', description: 'Database name.' },
    ssl_enable: {
      type: 'boolean',
      description:
        'Use TLS (ssl_mode verify-full unless ssl_mode says otherwise). Any other ssl_* setting also ' +
        'turns TLS on; false turns it off and the other ssl_* settings are ignored.',
    },
    ssl_mode: {
      type: 'string',
      enum: [...SSL_MODES],
      description:
        'As in libpq: require encrypts without checking the certificate (unless ' +
        'ssl_certificate_authority is given: then as verify-ca); verify-ca checks that the CA signed it; ' +
        'verify-full (the default with TLS on) also that it names the host; disable turns TLS off. ' +
        'allow and prefer (unencrypted fallback) are refused.',
    },
    ssl_certificate_authority: {
      type: 'string',
      description: `CA certificate(s) the server certificate must chain to: ${PEM_OR_PATH}. Default: the system's CAs.`,
    },
    ssl_client_certificate: {
      type: 'string',
      description: `Client certificate sent to the server: ${PEM_OR_PATH}; needs ssl_client_private_key.`,
    },
    ssl_client_private_key: {
      type: 'string',
      secret: true,
      description: `Private key of ssl_client_certificate (unencrypted): ${PEM_OR_PATH}.`,
    },
    ssl_client_certificate_enable: {
      type: 'boolean',
      description: 'false ignores ssl_client_certificate and ssl_client_private_key.',
    },
    ssl: {
      description:
        'Alternative to the ssl_* settings (not both): true for TLS with certificate verification, the string "true" (PipelineWise) for TLS without it (sslmode require), or ' +
        'an object: ca, cert, key (PEM text) and reject_unauthorized (default true; false accepts any ' +
        'certificate).',
      anyOf: [
        { type: 'boolean' },
        // PipelineWise writes `"ssl": "true"`, meaning sslmode require.
        { type: 'string', enum: ['true', 'false'] },
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
      description:
        'Schema every table is created in (created if missing). Unset: MELTANO_EXTRACT__LOAD_SCHEMA, else ' +
        'the schema part of a `schema-table` stream name, else public.',
    },
    use_raw_stream_names: {
      type: 'boolean',
      default: false,
      description:
        'Name each table after the whole stream name (`public-users` → `public_users`) instead of its last ' +
        '`-` part (`users`), which also picks no schema from the stream name.',
    },
    ...PEER_SETTINGS,
  },
};

export interface PostgresSettings {
  pool: PoolConfig;
  /** Where each stream's table goes (the SDK's Meltano naming rule). */
  naming: Omit<TableLocationRules, 'maxBytes'>;
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
  if (url !== undefined) checkPostgresUrl(url);
  const port = typeof config.port === 'number' ? config.port : undefined;
  const fields = { user: text('user'), password: text('password'), database: text('database'), port };
  const split = url === undefined ? undefined : splitTlsParameters(url);
  if (split !== undefined) {
    // node-postgres lets every part of the URL replace the fields, even a part it lacks (a password
    // kept in its own secret setting would be dropped): the fields fill in what the URL leaves out.
    pool.connectionString = fillUrl(split.url, fields);
  } else {
    pool.host = text('host') ?? 'localhost';
    pool.port = port ?? 5432;
    if (fields.user !== undefined) pool.user = fields.user;
    if (fields.password !== undefined) pool.password = fields.password;
    if (fields.database !== undefined) pool.database = fields.database;
  }
  const ssl = tlsFrom(config, split?.tls ?? new Map());
  if (ssl !== undefined) pool.ssl = ssl;
  const naming = {
    defaultSchema: text('default_target_schema'),
    loadSchema: process.env.MELTANO_EXTRACT__LOAD_SCHEMA,
    rawStreamNames: config.use_raw_stream_names === true,
    fallbackSchema: 'public',
  };
  return { pool, naming };
}

/** The URL with each given field put in where the URL has none of its own. */
function fillUrl(
  url: string,
  fields: { user?: string; password?: string; database?: string; port?: number },
): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  // A URL without a host (a socket directory in ?host=) cannot carry user, password or port.
  if (parsed.hostname === '') return url;
  if (parsed.username === '' && fields.user !== undefined) parsed.username = encodeURIComponent(fields.user);
  if (parsed.password === '' && fields.password !== undefined)
    parsed.password = encodeURIComponent(fields.password);
  if (parsed.port === '' && fields.port !== undefined) parsed.port = String(fields.port);
  if ((parsed.pathname === '' || parsed.pathname === '/') && fields.database !== undefined)
    parsed.pathname = `/${encodeURIComponent(fields.database)}`;
  return parsed.toString();
}

/** URL query parameters that configure TLS, and the ssl_* setting each one stands for. */
const URL_TLS: Record<string, string> = {
  sslmode: 'ssl_mode',
  sslrootcert: 'ssl_certificate_authority',
  sslcert: 'ssl_client_certificate',
  sslkey: 'ssl_client_private_key',
  ssl: 'ssl_enable',
};

/**
 * Takes the TLS parameters out of the URL: node-postgres would otherwise let them replace the whole
 * `ssl` option, and reads `sslmode=require` as verify-full.
 */
function splitTlsParameters(url: string): { url: string; tls: Map<string, string> } {
  const tls = new Map<string, string>();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not for us to report: node-postgres parses what URL cannot (and says so without quoting it).
    return { url, tls };
  }
  for (const name of Object.keys(URL_TLS)) {
    const value = parsed.searchParams.get(name);
    if (value === null) continue;
    tls.set(name, value);
    parsed.searchParams.delete(name);
  }
  return { url: tls.size === 0 ? url : parsed.toString(), tls };
}

const TLS_SETTINGS = [
  'ssl_enable',
  'ssl_mode',
  'ssl_certificate_authority',
  'ssl_client_certificate',
  'ssl_client_private_key',
  'ssl_client_certificate_enable',
];

/**
 * The pg `ssl` option from `ssl`, or from the ssl_* settings (the names of the Python targets) and the
 * URL's TLS parameters; undefined leaves node-postgres to its default (PGSSLMODE, else no TLS).
 */
function tlsFrom(config: Record<string, unknown>, fromUrl: Map<string, string>): PoolConfig['ssl'] {
  const given = TLS_SETTINGS.filter((name) => config[name] !== undefined);
  if (config.ssl !== undefined) {
    const others = [...given.map((name) => `'${name}'`), ...[...fromUrl.keys()].map((name) => `url ${name}`)];
    if (others.length > 0) {
      throw new ConfigError(
        `setting 'ssl' and ${others.join(', ')} both configure TLS; use either 'ssl' or the ssl_* settings`,
        { setting: 'ssl' },
      );
    }
    return legacyTls(config.ssl);
  }
  const setting = (name: string): string | undefined => {
    const value = config[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  // A value may come from a setting or from the URL, not from both unless they agree.
  const either = (name: string): string | undefined => {
    const parameter = Object.keys(URL_TLS).find((key) => URL_TLS[key] === name)!;
    const ours = setting(name);
    const theirs = fromUrl.get(parameter);
    if (ours !== undefined && theirs !== undefined && ours !== theirs) {
      throw new ConfigError(
        `setting '${name}' and the url's ${parameter} parameter disagree; give it in one place`,
        { setting: name },
      );
    }
    return ours ?? theirs;
  };
  const enable = enableFrom(config.ssl_enable, fromUrl.get('ssl'));
  const modeText = either('ssl_mode');
  if (modeText !== undefined && !(SSL_MODES as readonly string[]).includes(modeText)) {
    throw new ConfigError(`url sslmode '${modeText}' is not one of ${SSL_MODES.join(', ')}`, {
      setting: 'url',
    });
  }
  let mode = modeText as SslMode | undefined;
  if (enable === false) {
    // As in the Python targets, where ssl_enable is the switch; but a URL asking for TLS is deliberate.
    if (fromUrl.has('sslmode') && mode !== 'disable') {
      throw new ConfigError(`setting 'ssl_enable' is false but the url has sslmode=${mode}`, {
        setting: 'ssl_enable',
      });
    }
    return false;
  }
  const authority = either('ssl_certificate_authority');
  const clientEnabled = config.ssl_client_certificate_enable !== false;
  const certificate = clientEnabled ? either('ssl_client_certificate') : undefined;
  const key = clientEnabled ? either('ssl_client_private_key') : undefined;
  const files = [authority, certificate, key].some((value) => value !== undefined);
  if (config.ssl_client_certificate_enable === true && (certificate === undefined || key === undefined)) {
    throw new ConfigError(
      "setting 'ssl_client_certificate_enable' is true: give ssl_client_certificate and ssl_client_private_key",
      { setting: 'ssl_client_certificate_enable' },
    );
  }
  if ((certificate === undefined) !== (key === undefined)) {
    const missing = certificate === undefined ? 'ssl_client_certificate' : 'ssl_client_private_key';
    throw new ConfigError(`a client certificate needs both its certificate and key: ${missing} is missing`, {
      setting: missing,
    });
  }
  if (mode === undefined) {
    if (enable !== true && !files) return undefined;
    mode = 'verify-full';
  }
  if (mode === 'disable') {
    if (enable === true) {
      throw new ConfigError(`setting 'ssl_enable' is true but ssl_mode is disable`, { setting: 'ssl_mode' });
    }
    if (files) {
      throw new ConfigError('certificates are given but ssl_mode is disable; remove one or the other', {
        setting: 'ssl_mode',
      });
    }
    return false;
  }
  if (mode === 'allow' || mode === 'prefer') {
    // libpq falls back to an unencrypted connection in these modes; node-postgres cannot, and a
    // target that silently sends data in the clear is worse than one that asks.
    throw new ConfigError(
      `ssl_mode ${mode} (may fall back to no encryption) is not supported: use require to always ` +
        'encrypt, verify-ca or verify-full to also check the certificate, or disable',
      { setting: 'ssl_mode' },
    );
  }
  if (mode === 'verify-ca' && authority === undefined) {
    // Any certificate a public CA signed, for any name, would pass.
    throw new ConfigError(
      'ssl_mode verify-ca needs ssl_certificate_authority (the CA to check against); with the ' +
        "system's CAs use verify-full",
      { setting: 'ssl_certificate_authority' },
    );
  }
  const options: Exclude<PoolConfig['ssl'], boolean | undefined> = {};
  if (authority !== undefined) options.ca = pemFrom('ssl_certificate_authority', authority);
  if (certificate !== undefined) options.cert = pemFrom('ssl_client_certificate', certificate);
  if (key !== undefined) options.key = pemFrom('ssl_client_private_key', key);
  // libpq: require with a CA file verifies as verify-ca does.
  const effective = mode === 'require' && authority !== undefined ? 'verify-ca' : mode;
  options.rejectUnauthorized = effective !== 'require';
  // The chain must lead to the CA; which names the certificate lists does not matter.
  if (effective === 'verify-ca') options.checkServerIdentity = () => undefined;
  return options;
}

function enableFrom(setting: unknown, fromUrl: string | undefined): boolean | undefined {
  let url: boolean | undefined;
  if (fromUrl !== undefined) {
    if (/^(true|1)$/.test(fromUrl)) url = true;
    else if (/^(false|0)$/.test(fromUrl)) url = false;
    else {
      throw new ConfigError('url parameter ssl must be true or false (sslmode=require skips verification)', {
        setting: 'url',
      });
    }
  }
  const ours = typeof setting === 'boolean' ? setting : undefined;
  if (ours !== undefined && url !== undefined && ours !== url) {
    throw new ConfigError("setting 'ssl_enable' and the url's ssl parameter disagree; give it in one place", {
      setting: 'ssl_enable',
    });
  }
  return ours ?? url;
}

function legacyTls(ssl: unknown): PoolConfig['ssl'] {
  if (ssl === true) return { rejectUnauthorized: true };
  if (ssl === false || ssl === 'false') return false;
  // PipelineWise's string: libpq sslmode require, which encrypts without checking the certificate.
  if (ssl === 'true') return { rejectUnauthorized: false };
  if (typeof ssl !== 'object' || ssl === null) return undefined;
  const options = ssl as Record<string, unknown>;
  return {
    rejectUnauthorized: options.reject_unauthorized !== false,
    ...(typeof options.ca === 'string' ? { ca: options.ca } : {}),
    ...(typeof options.cert === 'string' ? { cert: options.cert } : {}),
    ...(typeof options.key === 'string' ? { key: options.key } : {}),
    ...(typeof options.servername === 'string' ? { servername: options.servername } : {}),
  };
}

/**
 * A certificate or key given as PEM text, or read from the file it names. Environment variables often
 * carry PEM text with its line breaks written as `\n`. Errors never quote the value: it may be a key.
 */
function pemFrom(setting: string, value: string): string {
  const unescaped = value.includes('\n') ? value : value.replace(/\\n/g, '\n');
  if (unescaped.trimStart().startsWith('-----BEGIN')) return unescaped;
  const path = value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
  const named = setting === 'ssl_client_private_key' ? 'the file it names' : `file ${path}`;
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new ConfigError(
      `setting '${setting}' is neither PEM text nor a readable file: cannot read ${named} (${reason ?? 'unreadable'})`,
      { setting },
    );
  }
  if (!content.includes('-----BEGIN')) {
    throw new ConfigError(`setting '${setting}': ${named} holds no PEM block (-----BEGIN …)`, { setting });
  }
  return content;
}

/** TLS failures by the OpenSSL and Node codes they carry, each with what the user can do about it. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'INVALID_CA',
]);

/**
 * A failed connection as one line that names the problem: node-postgres passes TLS failures on as
 * OpenSSL's terse reasons. Neither the settings' values nor the certificates are quoted.
 */
export function connectionError(error: unknown, where: Record<string, unknown> = {}): SQLConnectionError {
  const failure = error as { code?: unknown; message?: unknown };
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const reason = typeof failure.message === 'string' ? failure.message : String(error);
  let message: string;
  if (code !== undefined && UNTRUSTED.has(code)) {
    message =
      `the server's TLS certificate is not trusted (${reason}): it does not chain to the CA given ` +
      '(ssl_certificate_authority), or without one to a CA the system trusts';
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    message =
      `the server's TLS certificate does not name the host connected to (${reason}); connect by a ` +
      'name it lists, or use ssl_mode verify-ca to check only who signed it';
  } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    message = `the server's TLS certificate is not valid now (${reason})`;
  } else if (reason === 'The server does not support SSL connections') {
    message = 'the ssl settings require TLS but the server does not support it (its ssl setting is off)';
  } else {
    message = `cannot connect to PostgreSQL: ${reason}`;
  }
  const context: Record<string, unknown> = { ...where };
  if (code !== undefined) context[/^[0-9A-Z]{5}$/.test(code) ? 'sqlState' : 'reason'] = code;
  return new SQLConnectionError(message, context, { cause: error });
}
