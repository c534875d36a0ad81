export type { BatchRecord } from './batch-files.js';
export { readBatchRecords } from './batch-files.js';
export type { Batch, BatchLimits } from './batcher.js';
export { Batcher, DEFAULT_BATCH_LIMITS } from './batcher.js';
export type { LogicalType } from './column-types.js';
export { logicalTypeOf } from './column-types.js';
export {
  BatchFileError,
  BatchLoadError,
  KeyPropertiesChangedError,
  MissingKeyPropertiesError,
  UnsupportedBatchEncodingError,
} from './errors.js';
export type { TableLocationRules } from './naming.js';
export {
  columnNameFor,
  columnNamesFor,
  qualifiedName,
  snakeCase,
  TableNameRegistry,
  tableLocationFor,
  tableNameFor,
  truncateIdentifier,
} from './naming.js';
export type { LoadMethod, TargetSettings } from './settings.js';
export { TARGET_SETTINGS, targetSettingsFrom } from './settings.js';
export type { PreparedRow, RecordContext, SinkOptions } from './sink.js';
export { Sink } from './sink.js';
export type { MetadataColumn, SQLColumn, SQLSinkOptions } from './sql-sink.js';
export { METADATA_COLUMNS, SQLSink } from './sql-sink.js';
export type { TargetConfig, TargetOptions, TargetRunSummary } from './target.js';
export { Target } from './target.js';
export { StateWatermark } from './watermark.js';
