export type { CliIo, ConnectorClass, MessageProcessor } from './cli/run-cli.js';
export { runCli, settingsOf } from './cli/run-cli.js';
export { SingerMap } from './cli/singer-map.js';
export type { Config } from './config.js';
export { loadConfig, parseDotenv, redactConfig, secretValues, validateConfig } from './config.js';
export * from './connector.js';
export * from './errors.js';
export * from './http/index.js';
export { RecordSpans, SpanLookup, scanJson } from './json/json-scan.js';
export {
  ExactNumber,
  isExactNumber,
  numberText,
  parseJson,
  serializeJson,
} from './json/lossless-json.js';
export * from './logging.js';
export * from './maps/index.js';
export * from './protocol/messages.js';
export type { ReadMessage, ReadOptions } from './protocol/reader.js';
export { parseMessage, readLines, readMessages } from './protocol/reader.js';
export { MessageWriter, writeMessage } from './protocol/writer.js';
export * as schema from './schema/builders.js';
export { compileConformer } from './schema/conform.js';
export type { JSONSchema, JSONSchemaType } from './schema/json-schema.js';
export { normalizeTimestamp, toUtcTimestamp } from './schema/timestamps.js';
export type { RecordValidator } from './schema/validator.js';
export { compileSchema, compileValidator } from './schema/validator.js';
export * from './sources/index.js';
export { InvalidIdentifierError, quoteIdentifier } from './sql/identifiers.js';
export type { Breadcrumb, CatalogDocument, CatalogEntry, MetadataEntry } from './tap/catalog.js';
export { Catalog, describeStream, selectSchema } from './tap/catalog.js';
export type { Bookmark, Context, StateValue } from './tap/state.js';
export { compareBookmarkValues, StateManager } from './tap/state.js';
export type { ReplicationMethod, StreamContext } from './tap/stream.js';
export { Stream } from './tap/stream.js';
export type { SyncOptions, SyncSummary } from './tap/tap.js';
export { StreamSyncError, Tap, UnknownStreamError } from './tap/tap.js';
export * from './target/index.js';
