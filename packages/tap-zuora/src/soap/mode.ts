import type { Logger, StreamHost } from '@singer-ts/sdk';
import type { SoapConnection } from '@singer-ts/sdk/soap';
import { type DataCentre, soapEndpoint } from '../environments.js';
import { ZuoraConfigError } from '../errors.js';
import type { StreamPlan } from '../stream-schema.js';
import { MAX_BATCH_SIZE, zuoraSoapConnection } from './connection.js';
import { ZuoraSoapStream } from './stream.js';

/** The settings SOAP mode reads (the tap declares them). */
export interface SoapModeConfig {
  username?: string | undefined;
  password?: string | undefined;
  soap_wsdl?: string | undefined;
  soap_batch_size?: number | string | undefined;
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

function batchSize(value: number | string | undefined): number | undefined {
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

/**
 * What the tap needs for `api_type: SOAP`: one logged-in connection to the data centre's SOAP service, shared by
 * every stream, and a stream per Zuora object. The connection logs in on the first query, not before.
 */
export class SoapMode {
  readonly connection: SoapConnection;

  constructor(config: SoapModeConfig, dataCentre: DataCentre, logger: Logger) {
    if (!config.username || !config.password) {
      throw new ZuoraConfigError(
        'api_type SOAP logs in with username and password (an API user of the tenant); set both',
        { setting: config.username ? 'password' : 'username' },
      );
    }
    this.connection = zuoraSoapConnection({
      username: config.username,
      password: config.password,
      endpoint: soapEndpoint(dataCentre),
      wsdl: config.soap_wsdl || undefined,
      batchSize: batchSize(config.soap_batch_size),
      logger,
    });
  }

  /** The stream for one object; `isSelected` answers for its properties from the run's catalog. */
  stream<C>(
    host: StreamHost<C>,
    plan: StreamPlan,
    isSelected?: (property: string) => boolean,
  ): ZuoraSoapStream<C> {
    return new ZuoraSoapStream(host, {
      plan,
      connection: this.connection,
      ...(isSelected
        ? {
            selectedProperties: () =>
              new Set(plan.properties.map((p) => p.property).filter((property) => isSelected(property))),
          }
        : {}),
    });
  }
}
