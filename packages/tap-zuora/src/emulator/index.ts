export type { AquaOptions, JobFault, JobOutcome } from './aqua.js';
export { AQUA_ERRORS } from './aqua-errors.js';
export type { FileFault } from './aqua-http.js';
export { type AuthOptions, type Credentials, DEFAULT_CREDENTIALS } from './auth.js';
export { type Row, Tenant, type TenantOptions, type Value } from './data.js';
export type { LimitOptions } from './limits.js';
export { type FieldDef, type FieldType, OBJECTS, type ObjectDef, objectDef } from './objects.js';
export {
  type EmulatorControl,
  type EmulatorOptions,
  type Fault,
  type RequestLogEntry,
  startZuoraEmulator,
  type ZuoraEmulator,
} from './server.js';
export type { SoapOptions } from './soap.js';
export { SOAP_PATH } from './wsdl.js';
