import type { Logger, StreamHost } from '@singer-ts/sdk';
import type { SoapConnection, SoapConnectionOptions } from '@singer-ts/sdk/soap';
import { type DataCentre, soapEndpoint } from '../environments.js';
import { ZuoraConfigError } from '../errors.js';
import type { StreamPlan } from '../stream-schema.js';
import { zuoraSoapConnection } from './connection.js';
import { zuoraSoapError } from './errors.js';
import { soapStreamPlan } from './plan.js';
import { batchSize, type SoapModeConfig } from './settings.js';
import { ZuoraSoapStream } from './stream.js';
import { wsdlObjectFields } from './wsdl-fields.js';

/** Why discovery lists an object as unsupported in SOAP mode. */
export const NOT_IN_WSDL = 'the WSDL declares no such object for this user (not readable through SOAP)';

/**
 * What the tap needs for `api_type: SOAP`: one logged-in connection to the data centre's SOAP service, shared by
 * every stream, the discovered plans as SOAP reads them, and a stream per Zuora object. The connection logs in on
 * first use (discovery's first object, or the first query).
 */
export class SoapMode {
  readonly connection: SoapConnection;

  constructor(
    config: SoapModeConfig,
    dataCentre: DataCentre,
    logger: Logger,
    onRequest?: SoapConnectionOptions['onRequest'],
  ) {
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
      ...(onRequest ? { onRequest } : {}),
    });
  }

  /**
   * A discovered plan as SOAP reads it, from the WSDL's type for the object (what this user may read through
   * SOAP): fields it lacks are unsupported, and an object it lacks is listed unavailable, as AQuA's probe does.
   */
  async discoveryPlan(plan: StreamPlan): Promise<StreamPlan> {
    let fields: ReadonlySet<string> | undefined;
    try {
      fields = wsdlObjectFields(await this.connection.client(), plan.stream);
    } catch (error) {
      throw zuoraSoapError(error, 'login', undefined, (text) => this.connection.redact(text));
    }
    return fields ? soapStreamPlan(plan, fields) : { ...plan, unavailable: NOT_IN_WSDL };
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
