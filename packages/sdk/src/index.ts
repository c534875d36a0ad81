/**
 * The public surface of @singer-ts/sdk: what a connector author needs, on purpose. Internals stay
 * importable inside the SDK only. PostgreSQL sources are at `@singer-ts/sdk/postgres`, SOAP at
 * `@singer-ts/sdk/soap`, type generation at `@singer-ts/sdk/typegen`, test helpers at
 * `@singer-ts/sdk/testing`. The SDK README has a table of every name below.
 */

// Running a connector
export type { CliIo, ConnectorClass, MessageProcessor } from './cli/run-cli.js';
export { runCli } from './cli/run-cli.js';
export { InterruptedError } from './cli/signals.js';
export { SingerMap } from './cli/singer-map.js';
export type { ReconcileIo, ReconcileReport } from './cli/singer-reconcile.js';
export { ReconcileUsageError, runReconcile } from './cli/singer-reconcile.js';
export { ConcurrencyLimit, forEachConcurrently } from './concurrency.js';
export type { Capability, ConnectorInfo, ConnectorKind, TapDescription } from './connector.js';
export { tapInfo } from './connector.js';
// Errors
export * from './errors.js';
export type { HttpTimeouts } from './http/agent.js';
// HTTP: client, auth, paging, errors
export {
  type AccessToken,
  ApiKeyAuthenticator,
  type AuthContext,
  type Authenticator,
  BasicAuthenticator,
  BearerTokenAuthenticator,
  OAuth2Authenticator,
  type OAuth2Options,
  readTokenResponse,
} from './http/auth.js';
// Export jobs, file downloads, CSV files, windows and budgets (bulk APIs: Marketo, Zuora)
export { CallBudget, CallBudgetExhaustedError, type CallBudgetOptions } from './http/call-budget.js';
export { HttpClient, type HttpClientOptions } from './http/client.js';
export { type BodyDecoder, CsvDecoder, JsonLinesDecoder, LineDecoder } from './http/decoders.js';
export { DownloadChecksumError, DownloadError, type DownloadOptions, download } from './http/download.js';
export { type EnvelopeErrorRules, envelopeErrors } from './http/envelope-errors.js';
export {
  HttpBodyInterruptedError,
  HttpClientError,
  HttpConnectionError,
  HttpInvalidBodyError,
  HttpRateLimitedError,
  HttpServerError,
  HttpTimeoutError,
  PaginationLoopError,
  VendorApiError,
} from './http/errors.js';
export type { RecordsPath } from './http/json-records.js';
export { paginate, paginateRecords } from './http/pages.js';
export {
  CursorPaginator,
  LinkHeaderPaginator,
  NextPageTokenPaginator,
  NextUrlPaginator,
  OffsetPaginator,
  PageNumberPaginator,
  Paginator,
  SinglePagePaginator,
  TimeWindowPaginator,
} from './http/paginators.js';
export type { WaitProgressOptions } from './http/progress.js';
export { RateLimiter } from './http/rate-limit.js';
export type { PageInfo, RecordPage, ResumePoint } from './http/record-page.js';
export { isRetryableStatusDefault, type RetryOptions } from './http/retry.js';
export { createHttpClient, type HttpSettings, httpSettings } from './http/settings.js';
export type {
  ErrorBodyParser,
  ErrorVerdict,
  HttpRequest,
  JsonResponse,
  PreparedRequest,
  QueryValue,
  ResponseInfo,
} from './http/types.js';
export { ExactNumber, isExactNumber, numberText, parseJson, serializeJson } from './json/lossless-json.js';
// Logging
export { type LogFormat, Logger, type LogLevel, type Metric } from './logging.js';
// Stream maps
export { createStreamMapper, type StreamMapper } from './maps/index.js';
export { MissingDependencyError } from './optional-dependency.js';
export { packageVersion, SDK_VERSION } from './package-version.js';
export type { ProgressDisplay, ProgressSettings } from './progress/settings.js';
export type { TapStreamSummary } from './progress/tap-progress.js';
export type { TargetStreamSummary } from './progress/target-progress.js';
// Messages, exact numbers, schemas
export type {
  ActivateVersionMessage,
  BatchMessage,
  MessageType,
  RecordMessage,
  SchemaMessage,
  SingerMessage,
  StateMessage,
} from './protocol/messages.js';
export { readMessages } from './protocol/reader.js';
export { InvalidUtf8Error } from './protocol/utf8.js';
export { MessageWriter } from './protocol/writer.js';
export type { ReconcileRow } from './reconcile/compare.js';
export type {
  CountWindow,
  NotComparable,
  SourceCount,
  UncountedRows,
  WarehouseCount,
  WarehouseCountOptions,
  WarehouseRowCounter,
} from './reconcile/counts.js';
export { RunStoppedError } from './run-stop.js';
export * as schema from './schema/builders.js';
export type { JSONSchema, JSONSchemaType } from './schema/json-schema.js';
export { normalizeTimestamp, toUtcTimestamp } from './schema/timestamps.js';
export { compileValidator, type RecordValidator } from './schema/validator.js';
export {
  CsvFormatError,
  type CsvRow,
  type CsvRowBuilder,
  type CsvRowsOptions,
  csvRowBatches,
  csvRows,
} from './sources/csv-rows.js';
export {
  type ConverterOptions,
  type CsvRecordOptions,
  compileCsvRecordPlan,
  compileRecordConverter,
  type RawValue,
  ValueConversionError,
} from './sources/csv-values.js';
export { exactNumber } from './sources/exact-number.js';
export {
  ExportJobCancelledError,
  ExportJobError,
  type ExportJobKind,
  type ExportJobOptions,
  type ExportJobPhase,
  type ExportJobStatus,
  ExportJobTimeoutError,
  type FinishedJob,
  type JobClock,
  realClock,
  runExportJob,
} from './sources/export-job.js';
export { RESTStream } from './sources/rest-stream.js';
export { SQLConnectionError, SQLError } from './sources/sql-errors.js';
export {
  type TimeWindow,
  timeWindows,
  WindowedBookmark,
  type WindowedBookmarkOptions,
  windowTime,
} from './sources/time-windows.js';
export { InvalidIdentifierError, quoteIdentifier } from './sql/identifiers.js';
export type { CatalogDocument, CatalogEntry, MetadataEntry } from './tap/catalog.js';
// Settings
export type { ConfigOf, RecordOf, SettingSchema, Settings, ValueOf } from './tap/settings.js';
export { defineSchema, defineSettings } from './tap/settings.js';
// Taps and streams
export type { Partition } from './tap/state.js';
export type { ReplicationMethod, StreamContext, StreamHost } from './tap/stream.js';
export { Stream } from './tap/stream.js';
export { StreamSyncError } from './tap/sync-run.js';
export type { StreamType, SyncOptions, SyncSummary, TapHttpOptions, TapOptions } from './tap/tap.js';
export { Tap, UnknownStreamError } from './tap/tap.js';
// Targets and SQL targets (target/index.ts is curated by the SQL target work)
export * from './target/index.js';
