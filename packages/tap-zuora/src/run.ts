import type { JobClock, StreamHost } from '@singer-ts/sdk';
import type { DataCentre } from './environments.js';
import type { ZuoraConfig } from './settings.js';
import type { ZuoraApi } from './zuora-api.js';

/** What every stream of one run shares: the config, the API, the data centre and the clock. */
export interface ZuoraRun extends StreamHost<ZuoraConfig> {
  readonly api: ZuoraApi;
  readonly clock: JobClock;
  /** The data centre in use (its time zone reads AQuA `incrementalTime`). */
  dataCentre(): DataCentre;
  /** Whether the run's catalog selects a property of a stream (Meltano's rules: automatic, selected, default). */
  isPropertySelected(stream: string, property: string): boolean;
}
