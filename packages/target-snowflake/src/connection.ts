/**
 * From the target's settings to a ready SQL API client: which credentials (key pair, OAuth token or
 * programmatic access token), which host (`base_url` or the account's), which session context.
 */
import { ConfigError, type Logger, type RetryOptions } from '@singer-ts/sdk';
import { defaultBaseUrl } from './auth/account.js';
import { SnowflakeAuthenticator, type SnowflakeCredentials } from './auth/authenticator.js';
import { KeyPairJwt } from './auth/key-pair-jwt.js';
import { loadPrivateKey } from './auth/private-key.js';
import { SqlApiClient } from './sql-api/client.js';

export interface ConnectionSettings {
  account?: string;
  user?: string;
  private_key?: string;
  private_key_path?: string;
  private_key_passphrase?: string;
  token?: string;
  /** `OAUTH` (default, as the API assumes) or `PROGRAMMATIC_ACCESS_TOKEN`. */
  token_type?: string;
  role?: string;
  warehouse?: string;
  database?: string;
  default_target_schema?: string;
  base_url?: string;
  /** Seconds each key-pair JWT is valid for (1 to 3,600). */
  jwt_lifetime_seconds?: number;
}

export interface ConnectionOptions {
  logger?: Logger;
  signal?: AbortSignal;
  retry?: RetryOptions;
  maxRequestBytes?: number;
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Epoch milliseconds; for tests of token renewal over long runs. */
  now?: () => number;
}

const TOKEN_TYPES: Record<string, 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN'> = {
  OAUTH: 'OAUTH',
  PROGRAMMATIC_ACCESS_TOKEN: 'PROGRAMMATIC_ACCESS_TOKEN',
  PAT: 'PROGRAMMATIC_ACCESS_TOKEN',
};

export function credentialsFrom(settings: ConnectionSettings, now?: () => number): SnowflakeCredentials {
  if (settings.token !== undefined && settings.token !== '') {
    const type = TOKEN_TYPES[(settings.token_type ?? 'OAUTH').toUpperCase()];
    if (type === undefined)
      throw new ConfigError(
        `token_type '${settings.token_type}' is not one of OAUTH, PROGRAMMATIC_ACCESS_TOKEN`,
        { field: 'token_type' },
      );
    return { type, token: settings.token };
  }
  if (!settings.account) throw new ConfigError("'account' is required", { field: 'account' });
  if (!settings.user) throw new ConfigError("'user' is required for key-pair auth", { field: 'user' });
  const privateKey = loadPrivateKey({
    privateKey: settings.private_key,
    privateKeyPath: settings.private_key_path,
    passphrase: settings.private_key_passphrase,
  });
  const jwt = new KeyPairJwt({
    account: settings.account,
    user: settings.user,
    privateKey,
    ...(settings.jwt_lifetime_seconds === undefined
      ? {}
      : { lifetimeSeconds: settings.jwt_lifetime_seconds }),
    ...(now ? { now } : {}),
  });
  return { type: 'KEYPAIR_JWT', jwt };
}

export function createSqlApiClient(
  settings: ConnectionSettings,
  options: ConnectionOptions = {},
): SqlApiClient {
  const baseUrl = settings.base_url || (settings.account ? defaultBaseUrl(settings.account) : undefined);
  if (baseUrl === undefined)
    throw new ConfigError("'account' or 'base_url' is required", { field: 'account' });
  const authenticator = new SnowflakeAuthenticator(credentialsFrom(settings, options.now));
  return new SqlApiClient({
    baseUrl,
    authenticator,
    ...(settings.database ? { database: settings.database } : {}),
    ...(settings.default_target_schema ? { schema: settings.default_target_schema } : {}),
    ...(settings.warehouse ? { warehouse: settings.warehouse } : {}),
    ...(settings.role ? { role: settings.role } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.maxRequestBytes ? { maxRequestBytes: options.maxRequestBytes } : {}),
    ...(options.pollInitialMs ? { pollInitialMs: options.pollInitialMs } : {}),
    ...(options.pollMaxMs ? { pollMaxMs: options.pollMaxMs } : {}),
  });
}
