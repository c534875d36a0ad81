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
import { SDK_VERSION } from '../package-version.js';
import { mapMessage } from '../protocol/map-message.js';
import { readMessages } from '../protocol/reader.js';
import { MessageWriter } from '../protocol/writer.js';

export class SingerMap {
  static info: ConnectorInfo = {
    name: 'singer-map',
    version: SDK_VERSION,
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
      for (const out of mapMessage(this.mapper, message, { batches: 'map' })) {
        const pending = writer.write(out);
        if (pending) await pending;
      }
    }
    this.mapper.flushMetrics();
    await writer.flush();
  }
}
