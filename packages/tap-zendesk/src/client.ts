/**
 * The HTTP side of the tap: credentials (API token, OAuth bearer or refreshing OAuth), the base URL, Zendesk's error
 * bodies and the retry policy.
 */
import {
  type Authenticator,
  BasicAuthenticator,
  BearerTokenAuthenticator,
  ConfigError,
  type ErrorVerdict,
  HttpError,
  isRetryableStatusDefault,
  type Logger,
  type TapHttpOptions,
} from '@singer-ts/sdk';
import type { ZendeskConfig } from './config.js';
import { type RotatedTokens, refreshingAuthenticator, usesRefreshToken } from './oauth.js';

/** `https://<subdomain>.zendesk.com`, or `base_url` (the client adds `/api/v2` to either). */
export function apiOrigin(config: ZendeskConfig): string {
  if (config.base_url !== undefined && config.base_url !== '') return config.base_url;
  if (config.subdomain === undefined || config.subdomain === '')
    throw new ConfigError('set "subdomain" (the <subdomain> of <subdomain>.zendesk.com) or "base_url"');
  const subdomain = config.subdomain.replace(/\.zendesk\.com.*$/, '').replace(/^https?:\/\//, '');
  return `https://${subdomain}.zendesk.com`;
}

/** What the HTTP side needs from the tap beyond config. */
export interface ZendeskHttpHost {
  logger: Logger;
  /** Keeps a rotated OAuth token pair (the tap writes it back to the config file). */
  saveTokens(tokens: RotatedTokens): void;
}

/**
 * OAuth with refresh when `refresh_token` is set, else Bearer when `access_token` is set, else Basic
 * `{email}/token:{api_token}`.
 */
export function authenticatorFor(config: ZendeskConfig, host: ZendeskHttpHost): Authenticator {
  if (usesRefreshToken(config))
    return refreshingAuthenticator(config, apiOrigin(config), host.logger, (tokens) =>
      host.saveTokens(tokens),
    );
  if (config.access_token !== undefined && config.access_token !== '')
    return new BearerTokenAuthenticator(config.access_token);
  if (config.email && config.api_token)
    return new BasicAuthenticator(`${config.email}/token`, config.api_token);
  throw new ConfigError(
    'no credentials: set "access_token" (OAuth) or both "email" and "api_token" (API token access)',
  );
}

/**
 * Zendesk's error bodies: `{"error": "...", "description": "..."}`, `{"error": {"title", "message"}}`,
 * or plain text. Only non-2xx bodies are read; the status decides whether to retry.
 */
export function parseZendeskError(body: unknown, response: { status: number }): ErrorVerdict | undefined {
  if (response.status < 400) return undefined;
  if (typeof body === 'string') {
    const text = body.trim();
    return text === '' || text.startsWith('<') ? undefined : { message: text.slice(0, 300) };
  }
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error === 'string') {
    const description = 'description' in body && typeof body.description === 'string' ? body.description : '';
    return { message: description ? `${error}: ${description}` : error, code: error };
  }
  if (typeof error === 'object' && error !== null) {
    const title = 'title' in error && typeof error.title === 'string' ? error.title : 'Error';
    const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
    return { message: message ? `${title}: ${message}` : title, code: title };
  }
  return undefined;
}

/**
 * The vendor side of the tap's HTTP client: base URL, credentials, marketplace headers, Zendesk's
 * error bodies and what is worth retrying. The shared HTTP settings refine it.
 */
export function zendeskHttpOptions(config: ZendeskConfig, host: ZendeskHttpHost): TapHttpOptions {
  const headers: Record<string, string> = {};
  if (config.marketplace_name) headers['X-Zendesk-Marketplace-Name'] = config.marketplace_name;
  if (config.marketplace_organization_id !== undefined)
    headers['X-Zendesk-Marketplace-Organization-Id'] = String(config.marketplace_organization_id);
  if (config.marketplace_app_id !== undefined)
    headers['X-Zendesk-Marketplace-App-Id'] = String(config.marketplace_app_id);
  return {
    baseUrl: apiOrigin(config),
    basePath: '/api/v2',
    authenticator: authenticatorFor(config, host),
    headers,
    userAgent: 'singer-ts tap-zendesk',
    parseErrorBody: parseZendeskError,
    // Audits of several tickets are fetched at once, while a ticket page stays in flight.
    rateLimit: { maxConcurrency: Math.max(4, config.child_concurrency + 2) },
    retry: {
      maxAttempts: config.max_attempts,
      // 409 is a conflicting concurrent operation on Zendesk's side: worth another try.
      isRetryableStatus: (status) => status === 409 || isRetryableStatusDefault(status),
    },
  };
}

/** The HTTP status of a failed request, when it had one. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpError) {
    const status = error.context.status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}
