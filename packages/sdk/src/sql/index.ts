/**
 * `@singer-ts/sdk/sql`: the SQL target interface. A SQL target is a SQLConnector (dialect: quoting,
 * type mapping, DDL and merge statements; transport: sessions and transactions) and a SQLTableSink
 * subclass (row encoding and the load statement); the flow between them is the SDK's.
 */
export type { RowChanges } from '../progress/load-counts.js';
export type { BatchKey } from './batch-keys.js';
export { keptRows, keyPart } from './batch-keys.js';
export type {
  ColumnClass,
  ColumnDefinition,
  DatabaseFault,
  ExistingTable,
  SQLSession,
  TableName,
} from './connector.js';
export { SQLConnector } from './connector.js';
export { KeyPropertyNotInSchemaError, TableNameCollisionError, TableTooWideError } from './errors.js';
export { InvalidIdentifierError, quoteIdentifier } from './identifiers.js';
export type { RowGroup } from './row-bytes.js';
export { CHUNK_BYTES, EncodedRows, RowWriter } from './row-bytes.js';
export { countStreamRows } from './row-count.js';
export { PropertySourceText } from './source-text.js';
export type { ColumnChange, TablePlan } from './table-plan.js';
export { planTable, widenedClass } from './table-plan.js';
export type { LoadRows, SQLTableSinkOptions } from './table-sink.js';
export { SQLTableSink } from './table-sink.js';
