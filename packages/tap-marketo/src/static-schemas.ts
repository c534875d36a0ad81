import { readFileSync } from 'node:fs';
import type { JSONSchema } from '@singer-ts/sdk';
import type { StreamFacts } from './catalogue.js';

/** The schema file of a stream with a fixed schema (schemas/ sits beside dist/ and src/, two levels up in the bundle too). */
export function staticSchema(stream: StreamFacts): JSONSchema {
  if (stream.schemaFile === null)
    throw new Error(`stream '${stream.name}' has a discovered schema, not a file`);
  return JSON.parse(
    readFileSync(new URL(`../schemas/${stream.schemaFile}`, import.meta.url), 'utf8'),
  ) as JSONSchema;
}
