/**
 * `@singer-ts/sdk/postgres`: PostgreSQL sources. Needs the `pg` package (an optional peer
 * dependency of the SDK), so only connectors that read PostgreSQL install it.
 */
export type { ColumnType } from './sources/pg-types.js';
export { columnSchema, pgTimestamp, SESSION_SETTINGS, singerTypeParsers } from './sources/pg-types.js';
export type { ColumnInfo, DiscoverOptions, TableInfo } from './sources/sql-discovery.js';
export { discoverTables } from './sources/sql-discovery.js';
export { SQLConnectionError, SQLError, toSQLError } from './sources/sql-errors.js';
export type { SQLStreamOptions } from './sources/sql-stream.js';
export { connectPostgres, SQLStream } from './sources/sql-stream.js';
