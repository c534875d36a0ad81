export { apiOrigin, parseZendeskError, zendeskHttpOptions } from './client.js';
export type { ZendeskConfig } from './config.js';
export type * from './records.js';
export { TapZendesk } from './tap.js';
