import { ZuoraConfigError } from './errors.js';

/**
 * Zuora data centres: the REST host (`/v1`, `/oauth/token`, AQuA) and the UI host that serves SOAP
 * (`/apps/services/a/<wsdl>`). Credentials belong to one data centre; any other answers 401.
 */
export interface DataCentre {
  rest: string;
  ui: string;
  /** US data centres read AQuA `incrementalTime` as Pacific time, EU ones as UTC (APAC: assumed UTC). */
  incrementalTimeZone: 'America/Los_Angeles' | 'UTC';
}

const us = (rest: string, ui: string): DataCentre => ({
  rest: `https://${rest}`,
  ui: `https://${ui}`,
  incrementalTimeZone: 'America/Los_Angeles',
});
const utc = (rest: string, ui: string): DataCentre => ({
  rest: `https://${rest}`,
  ui: `https://${ui}`,
  incrementalTimeZone: 'UTC',
});

/** Values of the `environment` setting. */
export const ENVIRONMENTS = {
  'us-production': us('rest.na.zuora.com', 'na.zuora.com'),
  'us-cloud-2-production': us('rest.zuora.com', 'www.zuora.com'),
  'us-sandbox': us('rest.sandbox.na.zuora.com', 'sandbox.na.zuora.com'),
  'us-cloud-2-sandbox': us('rest.apisandbox.zuora.com', 'apisandbox.zuora.com'),
  'us-developer-sandbox': us('rest.test.zuora.com', 'test.zuora.com'),
  'us-central-sandbox': us('rest.test.zuora.com', 'test.zuora.com'),
  'us-performance-test': us('rest.pt1.zuora.com', 'pt1.zuora.com'),
  'eu-production': utc('rest.eu.zuora.com', 'eu.zuora.com'),
  'eu-sandbox': utc('rest.sandbox.eu.zuora.com', 'sandbox.eu.zuora.com'),
  'eu-central-sandbox': utc('rest.test.eu.zuora.com', 'test.eu.zuora.com'),
  'ap-production': utc('rest.ap.zuora.com', 'ap.zuora.com'),
  'ap-central-sandbox': utc('rest.test.ap.zuora.com', 'test.ap.zuora.com'),
} as const satisfies Record<string, DataCentre>;

export type Environment = keyof typeof ENVIRONMENTS;

/** The WSDL version the singer-io tap sends (`X-Zuora-WSDL-Version`) and whose SOAP endpoint it would use. */
export const WSDL_VERSION = '91.0';

export function soapEndpoint(dc: DataCentre): string {
  return `${dc.ui}/apps/services/a/${WSDL_VERSION}`;
}

/**
 * The hosts singer-io/tap-zuora probes for its `sandbox`/`european` flags, in its order; it takes the first
 * that does not answer 401, so a wrong password there reads as "no data centre found".
 */
export function singerCandidates(sandbox: boolean, european: boolean): DataCentre[] {
  if (european) return [sandbox ? ENVIRONMENTS['eu-sandbox'] : ENVIRONMENTS['eu-production']];
  return sandbox
    ? [ENVIRONMENTS['us-sandbox'], ENVIRONMENTS['us-cloud-2-sandbox']]
    : [ENVIRONMENTS['us-production'], ENVIRONMENTS['us-cloud-2-production']];
}

/** Settings as configs hold them: the singer-io tap's flags are the strings "true"/"false". */
export interface HostSettings {
  base_url?: string | undefined;
  environment?: string | undefined;
  sandbox?: boolean | string | undefined;
  european?: boolean | string | undefined;
}

export function flag(value: boolean | string | undefined, setting: string): boolean {
  if (value === undefined || value === true || value === false) return value === true;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw new ZuoraConfigError(
    `${setting} must be true or false (or the strings "true"/"false"), not "${value}"`,
    {
      setting,
    },
  );
}

/**
 * Where to connect, most specific first: `base_url` (one host, e.g. the emulator; with `environment` too, that
 * data centre's time zone), `environment` (one data centre), or the singer-io flags (candidates probed in order).
 * Returns the candidate data centres.
 */
export function resolveDataCentres(s: HostSettings): DataCentre[] {
  const named = s.environment ? (ENVIRONMENTS as Record<string, DataCentre>)[s.environment] : undefined;
  if (s.environment && !named) {
    throw new ZuoraConfigError(
      `unknown environment "${s.environment}"; use one of ${Object.keys(ENVIRONMENTS).join(', ')} or set base_url`,
      { setting: 'environment' },
    );
  }
  if (s.base_url) {
    const base = s.base_url.replace(/\/+$/, '');
    if (!/^https?:\/\//.test(base)) {
      throw new ZuoraConfigError(`base_url must start with http:// or https://, not "${s.base_url}"`, {
        setting: 'base_url',
      });
    }
    // The host says the zone for Zuora's own hosts; for another (a proxy, the emulator) `environment` may say it.
    const european = /\.eu\.|\.ap\./.test(base);
    const zone = named?.incrementalTimeZone ?? (european ? 'UTC' : 'America/Los_Angeles');
    return [{ rest: base, ui: base, incrementalTimeZone: zone }];
  }
  if (named) return [named];
  return singerCandidates(flag(s.sandbox, 'sandbox'), flag(s.european, 'european'));
}
