/**
 * `@singer-ts/sdk/typegen` (and the `singer-typegen` bin): record interfaces generated from stream
 * schemas. Needs `json-schema-to-typescript` (an optional peer dependency of the SDK), a build-time
 * tool only.
 */
export { generateRecordTypes, generateRecordTypesFromFolder, recordTypeName } from './schema/typegen.js';
