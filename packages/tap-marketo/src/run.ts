import type { JobClock, StreamHost } from '@singer-ts/sdk';
import type { MarketoApi } from './marketo-api.js';

/** The settings after singer-io names and defaults are applied. */
export interface MarketoSettings {
  base_url: string;
  client_id: string;
  client_secret: string;
  start_date: string;
  end_date?: string;
  max_daily_calls: number;
  export_window_days: number;
  use_bulk_export: boolean;
  bulk_poll_interval_ms: number;
  max_export_wait_ms: number;
  request_timeout: number;
  user_agent?: string;
}

/** What the streams share in one run: the API with its budget, the clock, and where windows stop. */
export interface MarketoRun extends StreamHost<unknown> {
  readonly settings: MarketoSettings;
  readonly api: MarketoApi;
  readonly clock: JobClock;
  /** Windows and date ranges end here (end_date, else the run's start), epoch ms. */
  readonly untilMs: number;
}

/** Field name → its catalog inclusion where it differs from `available`. */
export type FieldInclusion = Record<string, 'automatic' | 'unsupported'>;

/** The inclusion of a stream's fields from its facts (always selected, never deliverable). */
export function inclusionOf(automatic: readonly string[], unsupported: Iterable<string>): FieldInclusion {
  const out: FieldInclusion = {};
  for (const name of automatic) out[name] = 'automatic';
  for (const name of unsupported) out[name] = 'unsupported';
  return out;
}
