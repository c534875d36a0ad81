import type { Logger, StreamHost } from '@singer-ts/sdk';
import type { SoapConnection } from '@singer-ts/sdk/soap';
import { type DataCentre, soapEndpoint } from '../environments.js';
import { ZuoraConfigError } from '../errors.js';
import type { StreamPlan } from '../stream-schema.js';
import { zuoraSoapConnection } from './connection.js';
import { batchSize, type SoapModeConfig } from './settings.js';
import { ZuoraSoapStream } from './stream.js';

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
      ...(config.request_timeout !== undefined ? { timeoutMs: config.request_timeout * 1000 } : {}),
      ...(config.max_attempts !== undefined ? { retry: { maxAttempts: config.max_attempts } } : {}),
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
