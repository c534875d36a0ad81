export { PostgresConnector } from './connector.js';
export { postgresSettingsFrom, SETTINGS } from './settings.js';
export { PostgresSink } from './sink.js';
export { TargetPostgres } from './target.js';
