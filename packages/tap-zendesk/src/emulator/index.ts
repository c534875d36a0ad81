export { type Credentials, DEFAULT_CREDENTIALS } from './auth.js';
export type { Fault } from './control.js';
export type { Features, Plan } from './routes.js';
export {
  type EmulatorControl,
  type EmulatorOptions,
  type MutationOptions,
  type RateLimitOptions,
  type RequestLogEntry,
  startZendeskEmulator,
  type ZendeskEmulator,
} from './server.js';
export { Tenant, type TenantOptions } from './tenant.js';
