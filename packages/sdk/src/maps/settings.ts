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
    faker_config: {
      type: 'object',
      description:
        "For fake.* in stream maps (needs the optional package @faker-js/faker): 'seed' makes the values repeatable, 'locale' is a locale name or a list (en_US, en_GB, …). Values differ from Python Faker's.",
      properties: {
        seed: { type: ['integer', 'string'] },
        locale: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      },
    },
    flattening_enabled: {
      type: 'boolean',
      description:
        'Flatten nested objects into top-level properties named parent__child (schema-flattening).',
    },
    flattening_max_depth: {
      type: 'integer',
      minimum: 0,
      description: 'How many levels of nested objects to flatten; required when flattening_enabled is true.',
    },
    flattening_separator: {
      type: 'string',
      description: "What joins the parts of a flattened name; '__' by default.",
    },
    flattening_max_key_length: {
      type: 'integer',
      minimum: 1,
      description: 'Flattened names this long or longer get their parent parts abbreviated; 255 by default.',
    },
  },
};

/**
 * The capabilities the map stage gives every connector whose settings include the mapper's:
 * `stream-maps` and `schema-flattening`, added to what the connector declares (once each).
 */
export function withMapperCapabilities<T extends string>(declared: readonly T[], settings: JSONSchema): T[] {
  const properties = settings.properties ?? {};
  const added = [
    ...(Object.hasOwn(properties, 'stream_maps') ? ['stream-maps'] : []),
    ...(Object.hasOwn(properties, 'flattening_enabled') ? ['schema-flattening'] : []),
  ] as T[];
  return [...new Set([...declared, ...added])];
}
