export { ACTIVITY_TYPES, type ActivityType, activityTypesResult } from './activity-types.js';
export type { BulkLimits, JobOutcome, JobStatus } from './bulk-jobs.js';
export { centralDay, nextCentralMidnight } from './clock.js';
export { type Activity, Dataset, type DatasetOptions } from './dataset.js';
export { ERROR_MESSAGES } from './envelope.js';
export type { ExportFormat } from './export-files.js';
export type { ExportFeatures } from './export-spec.js';
export type { Fault } from './faults.js';
export { type Cell, describeResult, LEAD_FIELDS, type LeadField, type MarketoDataType } from './fields.js';
export { type ApiClient, DEFAULT_CLIENTS } from './identity.js';
export {
  type EmulatorControl,
  type MarketoEmulator,
  type MarketoEmulatorOptions,
  type RequestLogEntry,
  startMarketoEmulator,
} from './server.js';
