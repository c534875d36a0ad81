/** Failures of a SQL target's table plan: each names the stream (and the property) and what to do. */
import { SingerError } from '../errors.js';

/** A SCHEMA whose `key_properties` names a property its schema does not have. */
export class KeyPropertyNotInSchemaError extends SingerError {
  override readonly code = 'SINGER_KEY_PROPERTY_NOT_IN_SCHEMA';
}

/**
 * Two streams whose names normalise to the same table (`Users` and `users`). Their rows are never
 * merged into one table: the second stream's SCHEMA fails, naming both streams.
 */
export class TableNameCollisionError extends SingerError {
  override readonly code = 'SINGER_TABLE_NAME_COLLISION';
}
