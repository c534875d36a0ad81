/** The tap's settings: names follow singer-io/tap-zendesk so existing configs keep working. */
import { type ConfigOf, defineSettings } from '@singer-ts/sdk';

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
    base_url: {
      type: 'string',
      description:
        'Overrides https://<subdomain>.zendesk.com (a proxy, or the emulator); `/api/v2` is appended',
    },
    request_timeout: {
      type: 'number',
      default: 300,
      exclusiveMinimum: 0,
      description: 'Seconds to wait for response headers and for each body chunk (default 300)',
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
      default: 100,
      minimum: 1,
      maximum: 100,
      description: 'Records per page of list endpoints (cursor pagination, at most 100; default 100)',
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
      type: 'integer',
      description: 'Sent as X-Zendesk-Marketplace-Organization-Id',
    },
    marketplace_app_id: { type: 'integer', description: 'Sent as X-Zendesk-Marketplace-App-Id' },
  },
  { required: ['start_date'] },
);

export type ZendeskConfig = ConfigOf<typeof settings>;
