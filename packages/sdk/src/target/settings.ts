/** Settings every target accepts (batching, validation, metadata, load method), read from config. */
import type { InvalidUtf8Mode } from '../protocol/utf8.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { DEFAULT_BATCH_LIMITS } from './batcher.js';

export type LoadMethod = 'upsert' | 'append-only' | 'overwrite';

export interface TargetSettings {
  batchSizeRows: number;
  batchSizeBytes: number;
  batchMaxAgeMs: number;
  validateRecords: boolean;
  addRecordMetadata: boolean;
  hardDelete: boolean;
  loadMethod: LoadMethod;
  /** Loads running at once across streams. */
  parallelism: number;
  /** Input that is not UTF-8: fail naming the line, or store U+FFFD and count it. */
  invalidUtf8: InvalidUtf8Mode;
}

/** JSON Schema of the shared settings, merged into each target's own by the CLI. */
export const TARGET_SETTINGS: JSONSchema = {
  type: 'object',
  properties: {
    batch_size_rows: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_BATCH_LIMITS.maxRows,
      description: 'Rows per batch; a stream is loaded when its buffer reaches this many rows.',
    },
    batch_size_bytes: {
      type: 'integer',
      minimum: 1024,
      default: DEFAULT_BATCH_LIMITS.maxBytes,
      description: 'Bytes of buffered rows per stream that trigger a load; bounds memory.',
    },
    batch_max_age_ms: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_BATCH_LIMITS.maxAgeMs,
      description: 'Longest time a record waits in a buffer before its batch is loaded.',
    },
    validate_records: {
      type: 'boolean',
      default: true,
      description: 'Validate each record against its stream schema; turn off for speed.',
    },
    add_record_metadata: {
      type: 'boolean',
      default: true,
      description: 'Add _sdc_* metadata columns (needed for ACTIVATE_VERSION).',
    },
    hard_delete: {
      type: 'boolean',
      default: false,
      description:
        'Delete rows (instead of setting _sdc_deleted_at) on ACTIVATE_VERSION and deleted records.',
    },
    load_method: {
      type: 'string',
      enum: ['upsert', 'append-only', 'overwrite'],
      default: 'upsert',
      description: 'upsert by key properties, append every record, or replace the table on each run.',
    },
    parallelism: {
      type: 'integer',
      minimum: 1,
      default: 4,
      description: 'Batches loaded at once across streams.',
    },
    invalid_utf8: {
      type: 'string',
      enum: ['fail', 'replace'],
      default: 'fail',
      description:
        'Input bytes that are not UTF-8 (the Singer protocol is UTF-8): fail naming the line, or store them as U+FFFD, counted in a warning and the invalid_utf8_lines METRIC.',
    },
  },
};

export function targetSettingsFrom(config: Record<string, unknown>): TargetSettings {
  const int = (key: string, fallback: number): number => {
    const value = config[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const value = config[key];
    return typeof value === 'boolean' ? value : fallback;
  };
  const method = config.load_method;
  return {
    batchSizeRows: int('batch_size_rows', DEFAULT_BATCH_LIMITS.maxRows),
    batchSizeBytes: int('batch_size_bytes', DEFAULT_BATCH_LIMITS.maxBytes),
    batchMaxAgeMs: int('batch_max_age_ms', DEFAULT_BATCH_LIMITS.maxAgeMs),
    validateRecords: bool('validate_records', true),
    addRecordMetadata: bool('add_record_metadata', true),
    hardDelete: bool('hard_delete', false),
    loadMethod: method === 'append-only' || method === 'overwrite' ? method : 'upsert',
    parallelism: int('parallelism', 4),
    invalidUtf8: config.invalid_utf8 === 'replace' ? 'replace' : 'fail',
  };
}
