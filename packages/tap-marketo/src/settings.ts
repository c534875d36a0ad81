import { ConfigError, type JSONSchema } from '@singer-ts/sdk';

/**
 * The tap's settings (also `TAP_MARKETO_*` environment variables). Type coercion of values written as
 * strings (`"100"`, `"true"`) is the SDK's; this module knows Marketo's keys and singer-io's names for them.
 * Settings singer-io names differently carry no schema default: the default is applied after the
 * singer-io name is read (`DEFAULTS`), so `max_export_days: 10` is not hidden by a filled-in 30.
 */
export const SETTINGS: JSONSchema = {
  type: 'object',
  properties: {
    base_url: {
      type: 'string',
      description:
        "The instance's REST endpoint without /rest, e.g. https://123-ABC-456.mktorest.com (or singer-io's endpoint)",
    },
    client_id: { type: 'string', description: 'LaunchPoint custom service client id' },
    client_secret: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description: 'LaunchPoint custom service client secret',
    },
    start_date: { type: 'string', format: 'date-time', description: 'Bookmark of streams without one' },
    end_date: {
      type: 'string',
      format: 'date-time',
      description: 'Where incremental windows stop (default: the run start)',
    },
    max_daily_calls: {
      type: 'integer',
      minimum: 2,
      default: 40_000,
      description:
        'Calls this tap may make per Marketo day (the subscription quota, 50,000 by default, is shared)',
    },
    export_window_days: {
      type: 'integer',
      minimum: 1,
      maximum: 31,
      description: 'Days per bulk export job, at most 31 (default 30)',
    },
    use_bulk_export: {
      type: 'boolean',
      default: true,
      description:
        'Read leads and activities through Bulk Extract; false reads them through REST paging (same streams and STATE)',
    },
    bulk_poll_interval_ms: {
      type: 'integer',
      minimum: 1000,
      description:
        'First wait between job status polls, growing to 4x (default 300,000; Marketo advises 5 minutes)',
    },
    max_export_wait_ms: {
      type: 'integer',
      minimum: 1000,
      description: 'Longest wait for one export job (default 10,800,000: 3 h)',
    },
    request_timeout: {
      type: 'number',
      default: 300,
      description: 'Seconds before an HTTP request times out',
    },
    user_agent: { type: 'string', description: 'User-Agent header sent with every request' },
    endpoint: { type: 'string', description: "singer-io's name for base_url (…mktorest.com/rest)" },
    max_export_days: {
      type: 'integer',
      minimum: 1,
      maximum: 31,
      description: "singer-io's name for export_window_days",
    },
    poll_interval: {
      type: 'number',
      minimum: 1,
      description: 'singer-io: seconds between polls (bulk_poll_interval_ms)',
    },
    job_timeout: {
      type: 'number',
      minimum: 1,
      description: 'singer-io: seconds to wait for a job (max_export_wait_ms)',
    },
    identity: { type: 'string', description: 'singer-io: documented there, unused; ignored' },
  },
  required: ['client_id', 'client_secret', 'start_date'],
};

/** Defaults of the settings singer-io names differently, applied after its names are read. */
export const DEFAULTS = {
  export_window_days: 30,
  bulk_poll_interval_ms: 300_000,
  max_export_wait_ms: 10_800_000,
} as const;

/** singer-io tap-marketo config keys and where their values go here. */
export const SINGER_IO_KEYS: Readonly<Record<string, { key: string; scale?: number }>> = {
  endpoint: { key: 'base_url' },
  max_export_days: { key: 'export_window_days' },
  // singer-io passes its whole config to its client, so these seconds-valued keys work there too.
  poll_interval: { key: 'bulk_poll_interval_ms', scale: 1000 },
  job_timeout: { key: 'max_export_wait_ms', scale: 1000 },
};

/**
 * `https://123-ABC-456.mktorest.com/rest` (singer-io's `endpoint`, as Marketo's admin page shows it) as
 * this tap's base URL: the identity, REST and bulk paths all hang off the host, so `/rest` and trailing
 * slashes go. (Hosts come back lower-cased; they are case-insensitive.)
 */
export function baseUrlFromEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new ConfigError(
      `'${endpoint}' is not a URL; use the REST endpoint from Admin → Integration → Web Services, e.g. https://123-ABC-456.mktorest.com/rest`,
      { setting: 'endpoint' },
    );
  }
  const path = url.pathname
    .replace(/\/+$/, '')
    .replace(/\/rest$/, '')
    .replace(/\/identity$/, '');
  return `${url.origin}${path}`;
}

/**
 * A singer-io config read as this tap's: its keys renamed (values unchanged, seconds scaled to ms),
 * keys of our own kept, `identity` (documented by singer-io, never used) dropped. `base_url` wins over
 * `endpoint` when both are set. Returns the renames so the tap can log them.
 */
export function fromSingerIoConfig(raw: Record<string, unknown>): {
  config: Record<string, unknown>;
  renamed: string[];
} {
  const config: Record<string, unknown> = {};
  const renamed: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const target = SINGER_IO_KEYS[k];
    if (k === 'identity') continue;
    if (!target) {
      config[k] = v;
      continue;
    }
    if (raw[target.key] !== undefined) continue;
    let value: unknown = v;
    if (k === 'endpoint' && typeof v === 'string') value = baseUrlFromEndpoint(v);
    else if (
      target.scale !== undefined &&
      (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)))
    ) {
      value = Math.round(Number(v) * target.scale);
    }
    config[target.key] = value;
    renamed.push(`${k} → ${target.key}`);
  }
  return { config, renamed };
}
