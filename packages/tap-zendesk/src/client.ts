/**
 * The HTTP side of the tap: credentials (API token or OAuth bearer), the base URL, Zendesk's error
 * bodies, the retry policy, and the separate budget of the incremental-export endpoints (10 requests
 * a minute on Zendesk unless the High Volume add-on raises it to 30).
 */
import {
  type Authenticator,
  BasicAuthenticator,
  BearerTokenAuthenticator,
  ConfigError,
  createHttpClient,
  type ErrorVerdict,
  type HttpClient,
  HttpError,
  isRetryableStatusDefault,
  type Logger,
  RateLimiter,
} from '@singer-ts/sdk';
import type { ZendeskConfig } from './config.js';

export interface ZendeskClients {
  /** One client for every endpoint: one connection pool, one account-wide limiter. */
  http: HttpClient;
  /** Requests to `/incremental/*` take a slot here first (the endpoint-specific limit). */
  incrementalBudget: RateLimiter;
}

export const DEFAULT_INCREMENTAL_PER_MINUTE = 10;

/** `https://<subdomain>.zendesk.com/api/v2`, or `base_url` (with `/api/v2` added unless present). */
export function apiBaseUrl(config: ZendeskConfig): string {
  if (config.base_url !== undefined && config.base_url !== '') {
    const trimmed = config.base_url.replace(/\/+$/, '');
    return /\/api\/v2$/.test(trimmed) ? trimmed : `${trimmed}/api/v2`;
  }
  if (config.subdomain === undefined || config.subdomain === '')
    throw new ConfigError('set "subdomain" (the <subdomain> of <subdomain>.zendesk.com) or "base_url"');
  const subdomain = config.subdomain.replace(/\.zendesk\.com.*$/, '').replace(/^https?:\/\//, '');
  return `https://${subdomain}.zendesk.com/api/v2`;
}

/** Bearer when `access_token` is set, else Basic `{email}/token:{api_token}`. */
export function authenticatorFor(config: ZendeskConfig): Authenticator {
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
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') {
    const description = typeof record.description === 'string' ? record.description : undefined;
    return { message: description ? `${error}: ${description}` : error, code: error };
  }
  if (typeof error === 'object' && error !== null) {
    const inner = error as Record<string, unknown>;
    const title = typeof inner.title === 'string' ? inner.title : 'Error';
    const message = typeof inner.message === 'string' ? inner.message : '';
    return { message: message ? `${title}: ${message}` : title, code: title };
  }
  return undefined;
}

export function createZendeskClients(config: ZendeskConfig, logger: Logger): ZendeskClients {
  const authenticator = authenticatorFor(config);
  const headers: Record<string, string> = {};
  if (config.marketplace_name) headers['X-Zendesk-Marketplace-Name'] = config.marketplace_name;
  if (config.marketplace_organization_id !== undefined)
    headers['X-Zendesk-Marketplace-Organization-Id'] = String(config.marketplace_organization_id);
  if (config.marketplace_app_id !== undefined)
    headers['X-Zendesk-Marketplace-App-Id'] = String(config.marketplace_app_id);
  const http = createHttpClient(
    {
      ...config,
      base_url: apiBaseUrl(config),
      request_timeout: config.request_timeout ?? 300,
      // A ticket page stays in flight while its tickets' audits are fetched: one slot is not enough.
      ...(config.max_concurrency !== undefined
        ? { max_concurrency: Math.max(2, config.max_concurrency) }
        : {}),
    },
    {
      baseUrl: apiBaseUrl(config),
      authenticator,
      headers,
      userAgent: 'singer-ts tap-zendesk',
      logger,
      parseErrorBody: parseZendeskError,
      // Child streams fetch audits of several tickets at once; this caps requests in flight.
      rateLimit: { maxConcurrency: Math.max(4, (config.child_concurrency ?? 10) + 2) },
      retry: {
        maxAttempts: config.max_attempts ?? 8,
        // 409 is a conflicting concurrent operation on Zendesk's side: worth another try.
        isRetryableStatus: (status) => status === 409 || isRetryableStatusDefault(status),
      },
    },
  );
  const perMinute = config.incremental_requests_per_minute ?? DEFAULT_INCREMENTAL_PER_MINUTE;
  return { http, incrementalBudget: new RateLimiter({ requestsPerWindow: perMinute, windowMs: 60_000 }) };
}

/** Takes a slot of the incremental-export budget (the window counts starts, so it is given back at once). */
export async function takeIncrementalSlot(budget: RateLimiter): Promise<void> {
  const release = await budget.acquire();
  release();
}

/** The HTTP status of a failed request, when it had one. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpError) {
    const status = error.context.status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}
