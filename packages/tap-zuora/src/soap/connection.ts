import type { Logger } from '@singer-ts/sdk';
import { SoapConnection, type SoapConnectionOptions } from '@singer-ts/sdk/soap';
import { isTransientZuoraFault } from './errors.js';

/** Zuora's call namespace: the SessionHeader and QueryOptions headers live in it. */
export const ZUORA_API_NAMESPACE = 'http://api.zuora.com/';

export interface ZuoraSoapSettings {
  username: string;
  password: string;
  /** The SOAP service address, `https://{ui host}/apps/services/a/{wsdl version}`. */
  endpoint: string;
  /**
   * A WSDL file path or URL (the one downloaded from the tenant). Default `{endpoint}?wsdl`; a given WSDL is
   * only read for its types: calls go to `endpoint`, so the configured data centre wins over the file's address.
   */
  wsdl?: string | undefined;
  /** Records per query page (1–2,000); Zuora's default 2,000 when unset. */
  batchSize?: number | undefined;
  /** Per-call timeout in milliseconds. */
  timeoutMs?: number | undefined;
  logger?: Logger | undefined;
  /** Retries of failed calls (HTTP 429/5xx, dropped connections, Zuora's temporary faults); SDK defaults. */
  retry?: SoapConnectionOptions['retry'];
  /** Each call's timing, for the tap's progress lines and summary. */
  onRequest?: SoapConnectionOptions['onRequest'];
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The headers every call after login carries: `SessionHeader/session` and, when a page size is asked for,
 * `QueryOptions/batchSize`. One XML string, because the SDK re-adds it whole after each login.
 */
export function sessionHeaders(session: string, batchSize: number | undefined): string {
  const ns = ZUORA_API_NAMESPACE;
  const options =
    batchSize === undefined
      ? ''
      : `<zns:QueryOptions xmlns:zns="${ns}"><zns:batchSize>${batchSize}</zns:batchSize></zns:QueryOptions>`;
  return `<zns:SessionHeader xmlns:zns="${ns}"><zns:session>${escapeXml(session)}</zns:session></zns:SessionHeader>${options}`;
}

/**
 * The soap package trims text and turns xs:int, xs:decimal, xs:boolean and dates into JavaScript values. Every
 * value is kept as the text Zuora sent instead (whitespace included), and typed afterwards from the stream's
 * Describe types, so what reaches the record is exactly what the tenant holds.
 */
const KEEP_TEXT = Object.fromEntries(
  [
    'int',
    'integer',
    'long',
    'short',
    'byte',
    'decimal',
    'double',
    'float',
    'boolean',
    'bool',
    'date',
    'dateTime',
    'time',
  ].map((type) => [type, (text: string) => text]),
);

/** One logged-in SOAP connection for all of a tap's SOAP streams; the session is renewed on INVALID_SESSION. */
export function zuoraSoapConnection(settings: ZuoraSoapSettings): SoapConnection {
  return new SoapConnection({
    wsdl: settings.wsdl ?? `${settings.endpoint}?wsdl`,
    // With the endpoint's own WSDL, login's ServerUrl (where Zuora wants later calls) is followed.
    endpoint: settings.wsdl === undefined ? undefined : settings.endpoint,
    login: {
      args: { username: settings.username, password: settings.password },
      header: (session) => sessionHeaders(session, settings.batchSize),
    },
    ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
    clientOptions: {
      preserveWhitespace: true,
      customDeserializer: KEEP_TEXT,
      // Each connection parses its WSDL with its own options: a cached parse may carry another client's.
      disableCache: true,
    },
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.retry ? { retry: settings.retry } : {}),
    isTransientFault: isTransientZuoraFault,
    ...(settings.onRequest ? { onRequest: settings.onRequest } : {}),
  });
}
