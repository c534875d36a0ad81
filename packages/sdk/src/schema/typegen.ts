/**
 * Record types from stream schemas, generated at build time with json-schema-to-typescript, so a
 * connector author works with typed records that cannot drift from the schemas the tap emits.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importOptional } from '../optional-dependency.js';
import type { JSONSchema } from './json-schema.js';

export function recordTypeName(stream: string): string {
  const words = stream.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}Record`;
}

/** TypeScript source declaring one `<Stream>Record` interface per stream. */
export async function generateRecordTypes(streams: { name: string; schema: JSONSchema }[]): Promise<string> {
  const { compile } = await importOptional(
    'json-schema-to-typescript',
    'singer-typegen',
    () => import('json-schema-to-typescript'),
  );
  const parts = ['/* Generated from the stream schemas by singer-typegen; do not edit. */', ''];
  for (const { name, schema } of [...streams].sort((a, b) => a.name.localeCompare(b.name))) {
    const { title: _title, $schema: _schema, ...rest } = schema;
    const source = await compile(
      { ...rest, title: recordTypeName(name) } as Parameters<typeof compile>[0],
      recordTypeName(name),
      {
        bannerComment: '',
        additionalProperties: false,
        strictIndexSignatures: true,
        format: true,
      },
    );
    parts.push(source.trim(), '');
  }
  return parts.join('\n');
}

/** Reads every `<stream>.json` in a folder and writes the generated types to `outFile`. */
export async function generateRecordTypesFromFolder(schemasDir: string, outFile: string): Promise<void> {
  const streams = readdirSync(schemasDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({
      name: basename(file, '.json'),
      schema: JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as JSONSchema,
    }));
  writeFileSync(outFile, await generateRecordTypes(streams));
}
