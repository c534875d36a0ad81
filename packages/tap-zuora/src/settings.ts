import { type ConfigOf, defineSettings } from '@singer-ts/sdk';
import { ENVIRONMENTS } from './environments.js';
import { ZuoraConfigError } from './errors.js';
import { SOAP_SETTINGS } from './soap/settings.js';

/**
 * The tap's settings (also `TAP_ZUORA_*` environment variables). singer-io/tap-zuora's keys keep their
 * meaning: `username`/`password` with `auth_type` (`BASIC`: legacy API-key headers, `OAUTH`: they are the
 * OAuth client id and secret), `api_type` (`AQUA` | `REST`), `sandbox`/`european` (it writes them as the strings
 * "true"/"false", which the SDK reads as booleans), `partner_id`.
 */
export const SETTINGS = defineSettings(
  {
    base_url: {
      type: 'string',
      description: 'The REST host, e.g. https://rest.eu.zuora.com (or an emulator); wins over environment',
    },
    environment: {
      type: 'string',
      enum: Object.keys(ENVIRONMENTS),
      description: 'The Zuora data centre (us-production, eu-sandbox, …) when base_url is not set',
    },
    sandbox: {
      type: 'boolean',
      description:
        'singer-io: a sandbox tenant (hosts probed in its order when neither base_url nor environment is set)',
    },
    european: { type: 'boolean', description: 'singer-io: an EU tenant' },
    client_id: { type: 'string', description: 'OAuth client id (Settings → Administration → Manage Users)' },
    client_secret: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description: 'OAuth client secret',
    },
    username: {
      type: 'string',
      description:
        'API user for legacy auth and SOAP login (singer-io: the OAuth client id with auth_type OAUTH)',
    },
    password: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description: 'Password of that user (singer-io: the OAuth client secret with auth_type OAUTH)',
    },
    auth_type: {
      type: 'string',
      enum: ['BASIC', 'OAUTH'],
      description: 'singer-io: how username/password are used; ignored when client_id is set',
    },
    start_date: {
      type: 'string',
      format: 'date-time',
      description: 'Where incremental streams start when STATE has no bookmark',
    },
    api_type: {
      type: 'string',
      enum: ['AQUA', 'REST', 'SOAP'],
      default: 'AQUA',
      description:
        'AQUA: AQuA batch queries (deleted records too); REST: the Export object; SOAP: query/queryMore',
    },
    partner_id: {
      type: 'string',
      description: 'AQuA partner id issued by Zuora (stateful sessions; required with api_type AQUA)',
    },
    poll_interval_ms: {
      type: 'integer',
      minimum: 100,
      default: 15_000,
      description: 'First wait between job status polls; grows 1.5x per poll up to 4x',
    },
    max_job_wait_ms: {
      type: 'integer',
      minimum: 1000,
      default: 43_200_000,
      description: 'Longest wait for one export job to finish (12 h, as singer-io)',
    },
    ...SOAP_SETTINGS,
  },
  { required: ['start_date'] },
);

export type ZuoraConfig = ConfigOf<typeof SETTINGS>;

/** How requests are authenticated, decided once from the config. */
export type Credentials =
  | { kind: 'oauth'; clientId: string; clientSecret: string }
  | { kind: 'legacy'; username: string; password: string };

/**
 * The credentials a config gives: `client_id` + `client_secret`; singer-io's `auth_type: OAUTH` with
 * `username` + `password` as the client; otherwise `username` + `password` as legacy API keys.
 */
export function credentialsOf(config: ZuoraConfig): Credentials {
  if (config.client_id || config.client_secret) {
    if (!config.client_id || !config.client_secret) {
      throw new ZuoraConfigError('set both client_id and client_secret (an OAuth client of the tenant)', {
        setting: config.client_id ? 'client_secret' : 'client_id',
      });
    }
    return { kind: 'oauth', clientId: config.client_id, clientSecret: config.client_secret };
  }
  if (!config.username || !config.password) {
    throw new ZuoraConfigError(
      'no credentials: set client_id and client_secret (OAuth), or username and password',
      { setting: config.username ? 'password' : 'client_id' },
    );
  }
  if (config.auth_type === 'OAUTH')
    return { kind: 'oauth', clientId: config.username, clientSecret: config.password };
  return { kind: 'legacy', username: config.username, password: config.password };
}

/** AQuA stateful sessions need a partner id, as in singer-io/tap-zuora. */
export function checkApiSettings(config: ZuoraConfig): void {
  if (config.api_type === 'AQUA' && !config.partner_id) {
    throw new ZuoraConfigError(
      'api_type AQUA needs partner_id (issued by Zuora Global Support); or use api_type REST',
      { setting: 'partner_id' },
    );
  }
}
