/**
 * `@singer-ts/sdk/soap`: SOAP sources. Needs the `soap` package (an optional peer dependency of the
 * SDK), so only connectors that speak SOAP install it.
 */
export { exactNumber } from './sources/exact-number.js';
export type {
  CallOptions,
  SoapConnectionOptions,
  SoapLoginOptions,
  SoapSession,
} from './sources/soap-client.js';
export {
  SoapConnection,
  SoapFaultError,
  SoapLoginError,
  SoapRequestError,
  SoapWsdlError,
} from './sources/soap-client.js';
export type { SoapPage } from './sources/soap-stream.js';
export { SOAPStream, SoapPagingError } from './sources/soap-stream.js';
