/**
 * The settings every HTTP tap accepts for its client (spread `httpSettings` into `defineSettings`),
 * and the client they configure: the vendor's defaults, refined by what the user set.
 */
import type { Logger } from '../logging.js';
import { HttpClient, type HttpClientOptions } from './client.js';
import { RateLimiter } from './rate-limit.js';

/** Settings every REST tap accepts for its HTTP client (merged into its settings schema). */
export const httpSettings = {
  base_url: { type: 'string', description: 'Overrides the vendor host (a proxy or an emulator)' },
  request_timeout: {
    type: 'number',
    description: 'Seconds to wait for response headers and for each body chunk',
  },
  max_attempts: {
    type: 'integer',
    minimum: 1,
    description: 'Tries per request before failing (retries 429, 5xx, resets)',
  },
  requests_per_minute: {
    type: 'integer',
    minimum: 1,
    description: 'Client-side request budget shared by all streams',
  },
  max_concurrency: {
    type: 'integer',
    minimum: 1,
    description: 'Requests in flight at once across streams',
  },
  proxy_url: { type: 'string', description: 'HTTP(S) proxy; HTTPS_PROXY is honoured when unset' },
} as const;

export interface HttpSettings {
  base_url?: string;
  request_timeout?: number;
  max_attempts?: number;
  requests_per_minute?: number;
  max_concurrency?: number;
  proxy_url?: string;
}

/** The vendor's HTTP defaults, as a tap gives them. */
export interface VendorHttpOptions extends HttpClientOptions {
  /**
   * A path every request goes under (`/api/v2`), added to `base_url` as well as to the vendor's
   * host unless the URL already ends with it, so `base_url` can name just a host (an emulator).
   */
  basePath?: string;
}

/** An HttpClient configured from the shared HTTP settings; `base_url` wins over the vendor default. */
export function createHttpClient(
  settings: HttpSettings,
  defaults: VendorHttpOptions & { logger: Logger },
): HttpClient {
  const timeoutMs = settings.request_timeout !== undefined ? settings.request_timeout * 1000 : undefined;
  const overrides = {
    ...(settings.requests_per_minute !== undefined
      ? { requestsPerWindow: settings.requests_per_minute, windowMs: 60_000 }
      : {}),
    ...(settings.max_concurrency !== undefined ? { maxConcurrency: settings.max_concurrency } : {}),
  };
  // Settings refine the vendor's defaults; a shared RateLimiter instance is used as given.
  const rateLimit =
    Object.keys(overrides).length === 0 || defaults.rateLimit instanceof RateLimiter
      ? defaults.rateLimit
      : { ...defaults.rateLimit, ...overrides };
  const { basePath, ...options } = defaults;
  return new HttpClient({
    ...options,
    baseUrl: withBasePath(settings.base_url || defaults.baseUrl, basePath),
    ...(timeoutMs !== undefined ? { timeouts: { headersMs: timeoutMs, bodyMs: timeoutMs } } : {}),
    ...(settings.max_attempts !== undefined
      ? { retry: { ...defaults.retry, maxAttempts: settings.max_attempts } }
      : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(settings.proxy_url !== undefined ? { proxy: settings.proxy_url } : {}),
  });
}

function withBasePath(url: string, basePath: string | undefined): string {
  const trimmed = url.replace(/\/+$/, '');
  if (basePath === undefined || basePath === '') return trimmed;
  const path = `/${basePath.replace(/^\/+|\/+$/g, '')}`;
  return trimmed.endsWith(path) ? trimmed : `${trimmed}${path}`;
}
