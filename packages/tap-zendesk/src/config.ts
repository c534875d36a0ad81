/**
 * The tap's settings: names follow singer-io/tap-zendesk so existing configs keep working, and so do
 * its lenient values (`request_timeout` `0` or `""` for the default, `page_size` above 100).
 */
import { ConfigError, type ConfigOf, defineSettings, type Logger } from '@singer-ts/sdk';

const DEFAULT_REQUEST_TIMEOUT = 300;
/** Zendesk's largest `page[size]` for cursor-paginated lists. */
const MAX_PAGE_SIZE = 100;

export const settings = defineSettings(
  {
    subdomain: {
      type: 'string',
      description: 'Account subdomain: `acme` for https://acme.zendesk.com (required unless base_url is set)',
    },
    start_date: {
      type: 'string',
      format: 'date-time',
      description: 'Earliest change to extract on the first run, e.g. 2024-01-01T00:00:00Z',
    },
    email: { type: 'string', description: 'Agent email for API token access (with api_token)' },
    api_token: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description: 'API token; sent as Basic `{email}/token:{api_token}`',
    },
    access_token: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description: 'OAuth access token (Bearer, `read` scope); used instead of email/api_token when set',
    },
    refresh_token: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description:
        'OAuth refresh token: with client_id and client_secret, the access token is refreshed before it expires and after a 401, and the rotated pair is written back to the config file',
    },
    client_id: { type: 'string', description: 'OAuth client identifier (for refresh_token)' },
    client_secret: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description: 'OAuth client secret (for refresh_token)',
    },
    base_url: {
      type: 'string',
      description:
        'Overrides https://<subdomain>.zendesk.com (a proxy, or the emulator); `/api/v2` is appended',
    },
    request_timeout: {
      // A string too: `""` (as Stitch writes an empty field) means the default, as does 0.
      type: ['number', 'string'],
      default: DEFAULT_REQUEST_TIMEOUT,
      description:
        'Seconds to wait for response headers and for each body chunk (default 300; 0 or "" mean the default)',
    },
    max_attempts: {
      type: 'integer',
      default: 8,
      minimum: 1,
      description: 'Tries per request before failing: 429 (after Retry-After), 409, 5xx, resets (default 8)',
    },
    requests_per_minute: {
      type: 'integer',
      minimum: 1,
      description:
        'Client-side budget for all requests (default: none; the account limit is honoured through 429 Retry-After and X-Rate-Limit-Remaining)',
    },
    max_concurrency: {
      type: 'integer',
      minimum: 2,
      description:
        'Requests in flight at once across streams (at least 2: a ticket page stays open while its tickets’ audits are fetched)',
    },
    page_size: {
      type: 'integer',
      default: MAX_PAGE_SIZE,
      description:
        'Records per page of list endpoints (cursor pagination; Zendesk allows at most 100, so a larger value is lowered to 100 with a warning; default 100)',
    },
    export_page_size: {
      type: 'integer',
      default: 1000,
      minimum: 1,
      maximum: 1000,
      description: 'Records per page of incremental exports (at most 1000; default 1000)',
    },
    incremental_requests_per_minute: {
      type: 'integer',
      default: 10,
      minimum: 1,
      description:
        'Budget for /incremental/* requests (default 10, Zendesk’s limit; 30 with the High Volume add-on)',
    },
    child_concurrency: {
      type: 'integer',
      default: 10,
      minimum: 1,
      maximum: 50,
      description: 'Tickets whose audits are fetched at once for ticket_audits/ticket_comments (default 10)',
    },
    fail_on_forbidden: {
      type: 'boolean',
      default: false,
      description:
        'Fail the run when a plan-gated stream answers 403 (default false: log a warning and skip the stream)',
    },
    marketplace_name: { type: 'string', description: 'Sent as X-Zendesk-Marketplace-Name' },
    marketplace_organization_id: {
      type: ['string', 'integer'],
      description: 'Sent as X-Zendesk-Marketplace-Organization-Id (a number or a string)',
    },
    marketplace_app_id: {
      type: ['string', 'integer'],
      description: 'Sent as X-Zendesk-Marketplace-App-Id (a number or a string)',
    },
  },
  { required: ['start_date'] },
);

/** Config as the settings schema accepts it. */
export type ZendeskSettings = ConfigOf<typeof settings>;

/** Config as the tap uses it, once `readZendeskConfig` has read the lenient values. */
export type ZendeskConfig = Omit<ZendeskSettings, 'request_timeout'> & { request_timeout: number };

/**
 * Reads the values singer-io/tap-zendesk accepts beyond the schema: `request_timeout` `0`, `"0"` or `""`
 * is the default (300 s), a numeric string is its number; `page_size` above 100 (Zendesk's limit for
 * cursor pagination) is lowered to 100 with a warning, and below 1 is the default.
 */
export function readZendeskConfig(config: ZendeskSettings, logger: Logger): ZendeskConfig {
  const read: ZendeskConfig = { ...config, request_timeout: requestTimeout(config.request_timeout) };
  // Undefined only when the tap is made without the CLI: the schema default fills it in then.
  const pageSize: number | undefined = config.page_size;
  if (pageSize !== undefined) {
    if (pageSize > MAX_PAGE_SIZE)
      logger.warn(
        `page_size ${pageSize} is above Zendesk's limit of ${MAX_PAGE_SIZE} records per page for list endpoints; using ${MAX_PAGE_SIZE}`,
      );
    else if (pageSize < 1)
      logger.warn(`page_size ${pageSize} is below 1; using the default, ${MAX_PAGE_SIZE}`);
    read.page_size = pageSize < 1 ? MAX_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
  }
  return read;
}

function requestTimeout(value: number | string | undefined): number {
  if (value === undefined) return DEFAULT_REQUEST_TIMEOUT;
  const text = String(value).trim();
  const seconds = text === '' ? 0 : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new ConfigError(
      `invalid config: setting 'request_timeout' is ${JSON.stringify(value)}, which is not a number of seconds (0 or "" mean the default, ${DEFAULT_REQUEST_TIMEOUT})`,
      { setting: 'request_timeout' },
    );
  return seconds === 0 ? DEFAULT_REQUEST_TIMEOUT : seconds;
}
