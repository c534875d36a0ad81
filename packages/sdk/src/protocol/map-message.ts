/**
 * The one place a stream mapper meets a message: SCHEMA, RECORD, ACTIVATE_VERSION (and BATCH, for
 * a mapper that passes batch files on) become zero, one or several messages; STATE passes unchanged.
 */
import type { StreamMapper } from '../maps/mapper.js';
import type { SingerMessage } from './messages.js';

export function mapMessage(
  mapper: StreamMapper,
  message: SingerMessage,
  options: { batches: 'map' | 'pass' },
): SingerMessage[] {
  switch (message.type) {
    case 'SCHEMA':
      return mapper.mapSchema(message);
    case 'RECORD':
      return mapper.mapRecord(message);
    case 'ACTIVATE_VERSION':
      return mapper.mapActivateVersion(message);
    case 'BATCH':
      return options.batches === 'map' ? mapper.mapBatch(message) : [message];
    default:
      return [message];
  }
}
