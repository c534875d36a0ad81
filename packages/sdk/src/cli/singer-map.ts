/**
 * `singer-map`: applies stream maps, pseudonymization, nulling and dropping to a Singer stream
 * between a tap and a target (`tap | singer-map --config m.json | target`). STATE passes unchanged.
 */
import type { Writable } from 'node:stream';
import type { Config } from '../config.js';
import type { ConnectorInfo } from '../connector.js';
import type { Logger } from '../logging.js';
import { createStreamMapper, type StreamMapper } from '../maps/mapper.js';
import { mapperSettingsSchema } from '../maps/settings.js';
import type { SingerMessage } from '../protocol/messages.js';
import { readMessages } from '../protocol/reader.js';
import { MessageWriter } from '../protocol/writer.js';

export class SingerMap {
  static info: ConnectorInfo = {
    name: 'singer-map',
    version: '0.1.0',
    description: 'Applies stream maps and pseudonymization to a Singer stream on stdin, writing it to stdout',
    kind: 'mapper',
    capabilities: ['stream-maps', 'about'],
    settings: { type: 'object', properties: {} },
  };
  static sharedSettings = mapperSettingsSchema;

  private readonly mapper: StreamMapper;

  constructor(options: { config: Config; logger: Logger }) {
    this.mapper = createStreamMapper(options.config, { logger: options.logger });
  }

  async run(input: AsyncIterable<Buffer | string | Uint8Array>, output: Writable): Promise<void> {
    const writer = new MessageWriter(output);
    for await (const { message } of readMessages(input)) {
      for (const out of this.map(message)) {
        const pending = writer.write(out);
        if (pending) await pending;
      }
    }
    this.mapper.flushMetrics();
    await writer.flush();
  }

  private map(message: SingerMessage): SingerMessage[] {
    switch (message.type) {
      case 'SCHEMA':
        return this.mapper.mapSchema(message);
      case 'RECORD':
        return this.mapper.mapRecord(message);
      case 'ACTIVATE_VERSION':
        return this.mapper.mapActivateVersion(message);
      case 'BATCH':
        return this.mapper.mapBatch(message);
      default:
        return [message];
    }
  }
}
