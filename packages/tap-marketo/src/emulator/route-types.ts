import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BulkJobs } from './bulk-jobs.js';
import type { Dataset } from './dataset.js';
import type { SuccessBody } from './envelope.js';
import type { ExportFeatures } from './export-spec.js';
import type { ApiClient } from './identity.js';
import type { DailyUsage } from './limits.js';

/** What handlers share: the data, the job queue, the usage counters and the subscription's switches. */
export interface RouteEnv {
  data: Dataset;
  jobs: BulkJobs;
  usage: DailyUsage;
  features: ExportFeatures;
}

/** One authenticated API call. */
export interface Call {
  env: RouteEnv;
  client: ApiClient;
  now: number;
  /** Query parameters (or the form body of a POST with `_method=GET`). */
  query: URLSearchParams;
  /** The JSON body of a POST ({} otherwise). */
  body: Record<string, unknown>;
  /** Capture groups of the route's pattern. */
  params: string[];
  req: IncomingMessage;
  res: ServerResponse;
  /** A truncate fault: bytes of the body to send before the connection is cut. */
  cutAfter?: number;
}

/** A JSON result for the envelope, or `streamed` when the handler wrote the response itself. */
export type Handler = (call: Call) => SuccessBody | 'streamed' | Promise<SuccessBody | 'streamed'>;

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** The role permission the call needs (603 without it). */
  permission?: 'readLead' | 'readActivity' | 'readAssets';
  handler: Handler;
}
