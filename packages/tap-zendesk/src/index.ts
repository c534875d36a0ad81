export { apiBaseUrl, createZendeskClients, parseZendeskError } from './client.js';
export type { ZendeskConfig } from './config.js';
export type * from './records.js';
export { TapZendesk } from './tap.js';
