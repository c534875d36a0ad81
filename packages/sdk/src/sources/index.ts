export { exactNumber } from './exact-number.js';
export type { ColumnType } from './pg-types.js';
export { columnSchema, pgTimestamp, SESSION_SETTINGS, singerTypeParsers } from './pg-types.js';
export type { HttpSettings, RESTStreamOptions } from './rest-stream.js';
export { createHttpClient, httpSettingsSchema, RESTStream } from './rest-stream.js';
export type {
  CallOptions,
  SoapConnectionOptions,
  SoapLoginOptions,
  SoapSession,
} from './soap-client.js';
export {
  SoapConnection,
  SoapFaultError,
  SoapLoginError,
  SoapRequestError,
  SoapWsdlError,
} from './soap-client.js';
export type { SoapPage } from './soap-stream.js';
export { SOAPStream, SoapPagingError } from './soap-stream.js';
export type { ColumnInfo, DiscoverOptions, TableInfo } from './sql-discovery.js';
export { discoverTables } from './sql-discovery.js';
export type { SQLStreamOptions } from './sql-stream.js';
export {
  connectPostgres,
  SQLConnectionError,
  SQLError,
  SQLStream,
  toSQLError,
} from './sql-stream.js';
