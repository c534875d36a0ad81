export * from './connector.js';
export * from './errors.js';
export * from './logging.js';
export {
  ExactNumber,
  isExactNumber,
  numberText,
  parseJson,
  serializeJson,
} from './protocol/lossless-json.js';
export * from './protocol/messages.js';
export type { ReadMessage, ReadOptions } from './protocol/reader.js';
export { parseMessage, readLines, readMessages } from './protocol/reader.js';
export { MessageWriter, writeMessage } from './protocol/writer.js';
export type { JSONSchema, JSONSchemaType } from './schema/json-schema.js';
