import { existsSync, readFileSync } from 'node:fs';
import type { JSONSchema } from '@singer-ts/sdk';
import type { StreamFacts } from './catalogue.js';

/**
 * The schema file of a stream with a fixed schema. schemas/ sits beside src/ and dist/ (one level up
 * from a module) and two levels up from the bundle in dist/bundle/.
 */
export function staticSchema(stream: StreamFacts): JSONSchema {
  if (stream.schemaFile === null)
    throw new Error(`stream '${stream.name}' has a discovered schema, not a file`);
  const candidates = ['../schemas/', '../../schemas/'].map(
    (dir) => new URL(`${dir}${stream.schemaFile}`, import.meta.url),
  );
  const found = candidates.find((url) => existsSync(url));
  if (found === undefined) throw new Error(`schema file ${stream.schemaFile} is missing from the package`);
  return JSON.parse(readFileSync(found, 'utf8')) as JSONSchema;
}
