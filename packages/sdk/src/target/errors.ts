/** Failures specific to loading: each names the stream, and the batch and column when known. */
import { LoadError, SingerError } from '../errors.js';

/** A RECORD whose key property is missing or null: it could not be upserted or de-duplicated. */
export class MissingKeyPropertiesError extends SingerError {
  override readonly code = 'SINGER_RECORD_MISSING_KEY';
}

/** A SCHEMA that changes a stream's key properties, or a table whose primary key differs from them. */
export class KeyPropertiesChangedError extends SingerError {
  override readonly code = 'SINGER_KEY_PROPERTIES_CHANGED';
}

/**
 * A BATCH message this target cannot read: a format other than jsonl, a compression other than gzip
 * or none, a file not on the local filesystem. The tap's batch_config must change.
 */
export class UnsupportedBatchEncodingError extends SingerError {
  override readonly code = 'SINGER_BATCH_UNSUPPORTED';
}

/** A BATCH file that cannot be opened or read, or a line of it that is not a record object. */
export class BatchFileError extends SingerError {
  override readonly code = 'SINGER_BATCH_FILE';
}

/** The database rejected a batch; `context` holds stream, batch, column and the input line. */
export class BatchLoadError extends LoadError {
  override describe(): string {
    const { stream, batch, column, line } = this.context;
    const where: string[] = [];
    if (stream !== undefined) where.push(`stream '${stream}'`);
    if (batch !== undefined) where.push(`batch ${String(batch)}`);
    if (column !== undefined) where.push(`column '${String(column)}'`);
    if (line !== undefined) where.push(`line ${line}`);
    return `${this.code}: ${where.length > 0 ? `${where.join(', ')}: ` : ''}${this.message}`;
  }
}
