/**
 * The mapper's settings as JSON Schema, for every connector to merge into its own settings schema:
 * `properties: { ...own, ...mapperSettingsSchema.properties }`.
 */
import type { JSONSchema } from '../schema/json-schema.js';

const pathLists = (what: string): JSONSchema => ({
  type: 'object',
  description: `Per stream name (or glob pattern such as "*"), property names or dotted paths (requester.email) to ${what}.`,
  additionalProperties: { type: 'array', items: { type: 'string' } },
});

export const mapperSettingsSchema: JSONSchema = {
  type: 'object',
  properties: {
    pseudonymize: pathLists('replace by their keyed HMAC-SHA256 (hex), using pseudonymize_key'),
    nullify: pathLists('set to null'),
    drop: pathLists('remove from records and schemas'),
    pseudonymize_key: {
      type: 'string',
      secret: true,
      writeOnly: true,
      description:
        'Secret key (at least 16 bytes) for pseudonymize and hmac_sha256(); the same key gives the same hashes, so joins keep working.',
    },
    stream_maps: {
      type: 'object',
      description:
        'Meltano stream maps: per stream, property → expression or null, and __alias__, __source__, __filter__, __else__, __key_properties__.',
    },
    stream_map_config: {
      type: 'object',
      description: "Values stream-map expressions can read as config['name'].",
    },
  },
};
