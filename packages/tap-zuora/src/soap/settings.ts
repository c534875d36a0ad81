import { ZuoraConfigError } from '../errors.js';

/** Zuora's largest query page (and what `batchSize` 0 means). */
export const MAX_BATCH_SIZE = 2000;

/** The settings SOAP mode reads (the tap declares them). */
export interface SoapModeConfig {
  username?: string | undefined;
  password?: string | undefined;
  soap_wsdl?: string | undefined;
  soap_batch_size?: number | string | undefined;
  /** The HTTP settings every tap shares, which SOAP calls honour too. */
  max_attempts?: number | undefined;
  request_timeout?: number | undefined;
}

/** The settings SOAP mode adds to the tap's, as JSON Schema properties. */
export const SOAP_SETTINGS = {
  soap_wsdl: {
    type: 'string',
    description:
      'SOAP mode: path or URL of the WSDL downloaded from the tenant (default: the service address + ?wsdl)',
  },
  soap_batch_size: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_BATCH_SIZE,
    description: 'SOAP mode: records per query page (QueryOptions batchSize; Zuora default 2,000)',
  },
} as const;

/** `soap_batch_size` as a number (configs may hold it as a string), checked. */
export function batchSize(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_BATCH_SIZE)) {
    throw new ZuoraConfigError(
      `soap_batch_size must be an integer from 1 to ${MAX_BATCH_SIZE}, not ${value}`,
      {
        setting: 'soap_batch_size',
      },
    );
  }
  return n;
}
