export type { ExpressionSite } from './expression.js';
export { type MapperConfig, NULL_STRING, type StreamMapDefinition } from './map-config.js';
export { createStreamMapper, type StreamMapper, type StreamMapperOptions } from './mapper.js';
export {
  type HashKey,
  hmacSha256,
  MIN_PSEUDONYMIZE_KEY_BYTES,
  md5,
  pseudonymize,
  sha256,
} from './pseudonymize.js';
export { mapperSettingsSchema } from './settings.js';
