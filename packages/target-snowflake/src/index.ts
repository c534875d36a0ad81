export { SnowflakeConnector, type SnowflakeSession } from './connector.js';
export { SETTINGS, snowflakeSettingsFrom } from './settings.js';
export { SnowflakeSink } from './sink.js';
export { TargetSnowflake } from './target.js';
