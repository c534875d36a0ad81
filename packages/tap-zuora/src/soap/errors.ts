import { SingerError } from '@singer-ts/sdk';
import { SoapFaultError, SoapLoginError, SoapWsdlError } from '@singer-ts/sdk/soap';

/**
 * Zuora answered a SOAP call with a fault (or a result with `success=false`). `fault` is the fault element
 * (`MalformedQueryFault`, `InvalidQueryLocatorFault`, …), `zuoraCode` Zuora's code (`MALFORMED_QUERY`,
 * `INVALID_SESSION`, …) and the message says what to do.
 */
export class ZuoraSoapError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_SOAP';
  readonly fault: string;
  readonly zuoraCode: string;
  readonly operation: string;

  constructor(
    message: string,
    context: { stream?: string; fault: string; zuoraCode: string; operation: string },
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.fault = context.fault;
    this.zuoraCode = context.zuoraCode;
    this.operation = context.operation;
  }
}

/** Login refused (bad username or password, locked user, an IP outside the allow-list): nothing can run. */
export class ZuoraSoapLoginError extends ZuoraSoapError {
  override readonly code: string = 'SINGER_ZUORA_SOAP_LOGIN';
  override readonly exitCode: number = 2;
}

/** A record value that does not read as its schema type (a decimal that is not a number, …). */
export class ZuoraSoapRecordError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_SOAP_RECORD';
}

/** The WSDL cannot be read: nothing can be called. */
export class ZuoraSoapWsdlError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_SOAP_WSDL';
  override readonly exitCode: number = 2;
}

/** The WSDL does not offer the object, or lacks a field the stream cannot do without. */
export class ZuoraSoapObjectError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_SOAP_OBJECT';
}

/** What to do about a Zuora code, appended to the message. */
const ADVICE: Record<string, string> = {
  INVALID_LOGIN: 'check username and password (and that the user may use the API)',
  INVALID_VALUE: 'check username and password, and that this machine is in the tenant’s IP allow-list',
  INVALID_SESSION: 'the session ended and logging in again did not help; check the user is still active',
  MALFORMED_QUERY: 'a selected field cannot be read through SOAP; deselect it or use api_type AQUA',
  INVALID_FIELD: 'a selected field does not exist for this user or WSDL version; deselect it',
  INVALID_TYPE: 'the object is not queryable through SOAP for this tenant; deselect the stream',
  INVALID_QUERY_LOCATOR:
    'the query cursor expired (Zuora drops it after 15 minutes without a call); run again, the bookmark resumes',
  REQUEST_EXCEEDED_LIMIT: 'the tenant’s API request limit is used up; run again later',
  REQUEST_EXCEEDED_RATE:
    'too many concurrent requests on the tenant; run again later or with fewer streams at once',
  LOCK_COMPETITION: 'a temporary lock in Zuora; run again',
  TEMPORARY_ERROR: 'a temporary Zuora error; run again',
  TRANSACTION_TERMINATED: 'the query took too long in Zuora; select fewer fields or use api_type AQUA',
};

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '$value' in value)
    return String((value as { $value: unknown }).$value);
  return undefined;
}

/** Zuora's codes that mean "try again shortly" (rate, concurrency, locks, a passing outage). */
const TRANSIENT = new Set([
  'REQUEST_EXCEEDED_RATE',
  'REQUEST_EXCEEDED_LIMIT',
  'LOCK_COMPETITION',
  'TEMPORARY_ERROR',
  'SERVER_UNAVAILABLE',
]);

/** Whether a fault is one Zuora asks clients to retry. */
export function isTransientZuoraFault(error: SoapFaultError): boolean {
  return TRANSIENT.has(zuoraFault(error).code);
}

/** Zuora's fault element and its FaultCode/FaultMessage, read from the parsed envelope the SDK keeps as cause. */
function zuoraFault(error: SoapFaultError): { fault: string; code: string; message: string } {
  const root = (error.cause as { root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } } })
    ?.root;
  const envelopeFault = root?.Envelope?.Body?.Fault;
  const detail = envelopeFault?.detail;
  if (detail && typeof detail === 'object') {
    for (const [name, value] of Object.entries(detail as Record<string, unknown>)) {
      if (!value || typeof value !== 'object') continue;
      const body = value as Record<string, unknown>;
      const code = text(body.FaultCode);
      if (code) return { fault: name, code, message: text(body.FaultMessage) ?? '' };
    }
  }
  // No Zuora detail: the SOAP faultcode (`fns:INVALID_SESSION`) without its prefix.
  const code = error.faultCode.replace(/^[^:]*:/, '');
  const message = text(envelopeFault?.faultstring) ?? error.message;
  return { fault: 'Fault', code, message };
}

/** `Zuora <what> <failure> <code>: <message>; <what to do>`. */
function failureText(what: string, failure: string, code: string, message: string): string {
  const advice = ADVICE[code];
  return `Zuora ${what} ${failure} ${code}: ${message || '(no message)'}${advice ? `; ${advice}` : ''}`;
}

/**
 * A Zuora error for a failed call: Zuora's fault and code, its message, the stream, and what to do. `redact` (the
 * connection's) takes the login arguments and the session out of Zuora's text, should it ever echo them.
 */
export function zuoraSoapError(
  error: unknown,
  operation: string,
  stream: string | undefined,
  redact: (text: string) => string = (text) => text,
): unknown {
  if (error instanceof SoapWsdlError) {
    return new ZuoraSoapWsdlError(
      `${error.message}; download the tenant's WSDL in Zuora (Billing settings → Download the Zuora WSDL) and set soap_wsdl to its path`,
      stream === undefined ? {} : { stream },
      { cause: error },
    );
  }
  if (!(error instanceof SoapFaultError)) {
    // A connection refused, an HTTP error without a fault: the SDK's error, with the stream it stopped.
    if (error instanceof SingerError && stream !== undefined) error.context.stream ??= stream;
    return error;
  }
  const cause =
    error instanceof SoapLoginError && error.cause instanceof SoapFaultError ? error.cause : error;
  const { fault, code, message } = zuoraFault(cause);
  const login = error instanceof SoapLoginError;
  const what = login ? 'login' : error.operation || operation;
  const text = redact(failureText(what, `failed with ${fault}`, code, message));
  const context = { ...(stream !== undefined ? { stream } : {}), fault, zuoraCode: code, operation: what };
  return login
    ? new ZuoraSoapLoginError(text, context, { cause: error })
    : new ZuoraSoapError(text, context, { cause: error });
}

/** A result saying `success=false` with Zuora's `errors` (`Code`, `Message`), as an error naming the stream. */
export function unsuccessfulResult(
  result: Record<string, unknown>,
  operation: string,
  stream: string,
): ZuoraSoapError | undefined {
  const success = result.success ?? result.Success;
  if (success !== false && success !== 'false') return undefined;
  const errors = result.errors ?? result.Errors;
  const first = (Array.isArray(errors) ? errors[0] : errors) as Record<string, unknown> | undefined;
  const code = text(first?.Code) ?? 'UNKNOWN';
  return new ZuoraSoapError(
    failureText(operation, 'answered success=false with', code, text(first?.Message) ?? ''),
    { stream, fault: 'Error', zuoraCode: code, operation },
  );
}
