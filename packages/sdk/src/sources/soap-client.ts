/**
 * One SOAP client per tap, built from a WSDL file or URL on first use and shared by every stream.
 * An optional login operation (Salesforce and Zuora style) yields a session id that travels in a
 * SOAP header on every later call; an expired session is renewed once. A call that fails for a
 * passing reason (HTTP 408/429/5xx without a fault, a dropped connection, a fault the vendor calls
 * temporary) is tried again with backoff, as HTTP requests are. Faults become SoapFaultError with
 * the fault code; secrets (login arguments, the session id) never appear in an error message.
 */
import type { Client, IOptions } from 'soap';
import { type ErrorContext, HttpError, SingerError } from '../errors.js';
import type { RequestTiming } from '../http/client.js';
import {
  AttemptFailure,
  classifyNetworkError,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  withRetries,
} from '../http/retry.js';
import type { Logger } from '../logging.js';
import { importOptional } from '../optional-dependency.js';
import { exactNumber } from './exact-number.js';

/** The server answered with a SOAP fault. */
export class SoapFaultError extends SingerError {
  override readonly code: string = 'SINGER_SOAP_FAULT';
  readonly faultCode: string;
  readonly operation: string;

  constructor(
    message: string,
    context: ErrorContext & { faultCode: string; operation: string },
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.faultCode = context.faultCode;
    this.operation = context.operation;
  }
}

/** The login operation failed (bad credentials, locked user): nothing else can run. */
export class SoapLoginError extends SoapFaultError {
  override readonly code: string = 'SINGER_SOAP_LOGIN';
}

/** The call never produced a SOAP answer: connection refused, timeout, an HTTP error without a fault. */
export class SoapRequestError extends HttpError {
  override readonly code: string = 'SINGER_SOAP_REQUEST';
}

/** The WSDL could not be read or parsed. */
export class SoapWsdlError extends SingerError {
  override readonly code: string = 'SINGER_SOAP_WSDL';
  override readonly exitCode = 2;
}

export interface SoapSession {
  sessionId: string;
  /** A new service address returned by login (Salesforce's `serverUrl`, Zuora's `ServerUrl`). */
  serverUrl?: string | undefined;
}

export interface SoapLoginOptions {
  /** Operation name; `login` by default. */
  operation?: string;
  /** Its arguments, e.g. `{ username, password }`; every string value is treated as a secret. */
  args: Record<string, unknown>;
  /** Reads the session out of the login result; Salesforce's and Zuora's shapes by default. */
  session?: (result: unknown) => SoapSession | undefined;
  /**
   * The SOAP header carrying the session: an XML string or an object for the soap package.
   * By default `<SessionHeader xmlns="<WSDL target namespace>"><sessionId>…</sessionId></SessionHeader>`.
   */
  header?: (sessionId: string, targetNamespace: string) => string | Record<string, unknown>;
  /** Whether a fault means the session expired (then login runs again once); INVALID_SESSION by default. */
  isSessionExpired?: (fault: SoapFaultError) => boolean;
}

export interface SoapConnectionOptions {
  /** A WSDL file path or http(s) URL. */
  wsdl: string;
  /** Overrides the service address the WSDL names. */
  endpoint?: string | undefined;
  login?: SoapLoginOptions | undefined;
  /** Per-call timeout in milliseconds (default 120,000). */
  timeoutMs?: number;
  /** Extra options for the soap package's client. */
  clientOptions?: IOptions;
  logger?: Logger;
  /**
   * Retries of a failed call (login excepted: a service down at the start fails at once); the HTTP
   * client's defaults (5 attempts, backoff from 1 s) unless set. `sleep` replaces the timer in tests.
   */
  retry?: RetryOptions & { sleep?: (ms: number) => Promise<void> };
  /** Faults worth another attempt (a vendor's "temporarily unavailable" codes); none unless set. */
  isTransientFault?: (fault: SoapFaultError) => boolean;
  /**
   * Called after every call (every attempt, logins included) with its timing, as the HTTP client's `onRequest`
   * is: a tap passes its `requestObservers().onRequest`, so SOAP calls count as requests and pages in progress.
   */
  onRequest?: (timing: RequestTiming) => void;
}

export interface CallOptions {
  /** Named in errors. */
  stream?: string;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '$value' in value)
    return String((value as { $value: unknown }).$value);
  return value === undefined || value === null ? undefined : String(value);
}

function defaultSession(result: unknown): SoapSession | undefined {
  const body = ((result as Record<string, unknown> | undefined)?.result ?? result) as
    | Record<string, unknown>
    | undefined;
  const sessionId = textOf(body?.sessionId ?? body?.Session);
  if (!sessionId) return undefined;
  return { sessionId, serverUrl: textOf(body?.serverUrl ?? body?.ServerUrl) };
}

const defaultHeader = (sessionId: string, namespace: string): string =>
  `<SessionHeader xmlns="${xmlEscape(namespace)}"><sessionId>${xmlEscape(sessionId)}</sessionId></SessionHeader>`;

const defaultExpired = (fault: SoapFaultError): boolean => /INVALID_SESSION/i.test(fault.faultCode);

/**
 * xsd numbers through ExactNumber rather than parseFloat, and dates as their text (microseconds and
 * offsets intact, normalized to UTC when the record is emitted) rather than a Date.
 */
const EXACT_DESERIALIZERS: Record<string, (text: string) => unknown> = {
  decimal: exactNumber,
  long: exactNumber,
  integer: exactNumber,
  unsignedLong: exactNumber,
  double: (text) => (Number.isFinite(Number(text)) ? Number(text) : null),
  dateTime: (text) => text,
  date: (text) => text,
};

interface SoapErrorShape extends Error {
  root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
  response?: { status?: number; headers?: Record<string, unknown> };
  code?: string;
}

/** A Retry-After in seconds, as milliseconds (an HTTP date is left to the backoff). */
function retryAfterMs(error: SingerError): number | undefined {
  const header = (error.cause as SoapErrorShape | undefined)?.response?.headers?.['retry-after'];
  const seconds = Number(header);
  return header !== undefined && header !== '' && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : undefined;
}

export class SoapConnection {
  private clientPromise: Promise<Client> | undefined;
  private session: SoapSession | undefined;
  private headerIndex: number | undefined;
  /** Counts logins, so a call that failed on a session already replaced does not log in again. */
  private generation = 0;
  /** The login under way after a session expired, which every stream of the tap waits for. */
  private renewal: Promise<void> | undefined;
  private readonly secrets: string[];
  private readonly retry: ResolvedRetryOptions;

  constructor(readonly options: SoapConnectionOptions) {
    this.retry = resolveRetryOptions(options.retry);
    this.secrets = Object.values(options.login?.args ?? {}).filter(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
  }

  /** The shared client, created (and logged in) on first use. */
  client(): Promise<Client> {
    this.clientPromise ??= this.createClient();
    // A failed start is not cached, so a later call may try again.
    this.clientPromise.catch(() => {
      this.clientPromise = undefined;
    });
    return this.clientPromise;
  }

  /**
   * Calls an operation; a session that expired is renewed once and the call repeated, and a call that
   * failed for a passing reason is tried again (see `retry`).
   */
  async call<T = unknown>(
    operation: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> {
    const client = await this.client();
    const sleep = this.options.retry?.sleep;
    try {
      return await withRetries(
        async (attempt) => {
          try {
            return await this.callOnce<T>(client, operation, args, options, attempt);
          } catch (error) {
            throw this.transientFailure(error) ?? error;
          }
        },
        this.retry,
        {
          onRetry: (failure, delayMs, nextAttempt) =>
            this.options.logger?.warn(
              `SOAP ${operation} failed (${failure.message}); attempt ${nextAttempt} of ${this.retry.maxAttempts} in ${delayMs} ms`,
              options.stream ? { stream: options.stream } : {},
            ),
          ...(sleep ? { sleep: (ms: number) => sleep(ms) } : {}),
        },
      );
    } catch (error) {
      // The last attempt's own error, not the retry loop's wrapper.
      throw error instanceof AttemptFailure && error.cause instanceof Error ? error.cause : error;
    }
  }

  /** A failure worth another attempt, wrapping the error a last attempt would throw. */
  private transientFailure(error: unknown): AttemptFailure | undefined {
    if (error instanceof SoapFaultError) {
      if (error instanceof SoapLoginError || !this.options.isTransientFault?.(error)) return undefined;
      return new AttemptFailure('vendor', error.message, {
        retryable: true,
        vendorCode: error.faultCode,
        cause: error,
      });
    }
    if (!(error instanceof SoapRequestError)) return undefined;
    const status = error.context.status as number | undefined;
    if (status !== undefined) {
      if (!this.retry.isRetryableStatus(status)) return undefined;
      const after = retryAfterMs(error);
      return new AttemptFailure('status', error.message, {
        retryable: true,
        status,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
        cause: error,
      });
    }
    const network = classifyNetworkError(error.cause);
    return network?.retryable
      ? new AttemptFailure(network.kind, error.message, { retryable: true, cause: error })
      : undefined;
  }

  private async callOnce<T>(
    client: Client,
    operation: string,
    args: Record<string, unknown>,
    options: CallOptions,
    attempt: number,
  ): Promise<T> {
    // While the session is being renewed the client has no session header: wait instead of failing.
    if (this.renewal) await this.renewal.catch(() => undefined);
    const generation = this.generation;
    try {
      return (await this.invoke(client, operation, args, options, attempt)) as T;
    } catch (error) {
      const login = this.options.login;
      const expired = login?.isSessionExpired ?? defaultExpired;
      if (!(login && error instanceof SoapFaultError && expired(error))) throw error;
      await this.renewSession(client, generation, options.stream);
      return (await this.invoke(client, operation, args, options, attempt)) as T;
    }
  }

  /**
   * Logs in again after a call of session `generation` was refused: once for all the calls that fail
   * together (streams in parallel), and not at all when another call has renewed the session since.
   */
  private renewSession(client: Client, generation: number, stream: string | undefined): Promise<void> {
    if (this.generation !== generation) return Promise.resolve();
    if (!this.renewal) {
      this.options.logger?.info('SOAP session expired; logging in again', stream ? { stream } : {});
      this.renewal = this.login(client).finally(() => {
        this.renewal = undefined;
      });
    }
    return this.renewal;
  }

  /** Hides the login arguments and the session id in text that may reach a log or an error. */
  redact(text: string): string {
    let out = text;
    for (const secret of [...this.secrets, ...(this.session ? [this.session.sessionId] : [])]) {
      if (secret.length >= 4) out = out.split(secret).join('***');
    }
    return out;
  }

  private async createClient(): Promise<Client> {
    let client: Client;
    try {
      // Loaded on first use: the soap package is large and most connectors never speak SOAP.
      const { createClientAsync } = await importOptional(
        'soap',
        'SOAP access (@singer-ts/sdk/soap)',
        () => import('soap'),
      );
      client = await createClientAsync(
        this.options.wsdl,
        {
          ...this.options.clientOptions,
          customDeserializer: { ...EXACT_DESERIALIZERS, ...this.options.clientOptions?.customDeserializer },
        },
        this.options.endpoint,
      );
    } catch (error) {
      throw new SoapWsdlError(
        `cannot load the WSDL ${this.options.wsdl}: ${this.redact((error as Error).message ?? String(error))}`,
        {},
        { cause: error },
      );
    }
    if (this.options.login) await this.login(client);
    return client;
  }

  private async login(client: Client): Promise<void> {
    const login = this.options.login!;
    const operation = login.operation ?? 'login';
    if (this.headerIndex !== undefined) {
      client.clearSoapHeaders();
      this.headerIndex = undefined;
    }
    let result: unknown;
    try {
      result = await this.invoke(client, operation, login.args, {}, 1);
    } catch (error) {
      if (error instanceof SoapFaultError) {
        throw new SoapLoginError(
          `login failed: ${error.message}; check the credentials in the config`,
          { faultCode: error.faultCode, operation },
          { cause: error },
        );
      }
      throw error;
    }
    const session = (login.session ?? defaultSession)(result);
    if (!session) {
      throw new SoapLoginError(`login (${operation}) returned no session id`, {
        faultCode: 'NO_SESSION',
        operation,
      });
    }
    this.session = session;
    this.generation += 1;
    this.options.logger?.addSecrets([session.sessionId]);
    if (session.serverUrl && !this.options.endpoint) client.setEndpoint(session.serverUrl);
    const namespace = String(
      (client.wsdl.definitions as { $targetNamespace?: string }).$targetNamespace ?? '',
    );
    this.headerIndex = client.addSoapHeader((login.header ?? defaultHeader)(session.sessionId, namespace));
  }

  private async invoke(
    client: Client,
    operation: string,
    args: Record<string, unknown>,
    options: CallOptions,
    attempt: number,
  ): Promise<unknown> {
    const method = (client as unknown as Record<string, unknown>)[`${operation}Async`];
    const context = options.stream !== undefined ? { stream: options.stream } : {};
    if (typeof method !== 'function') {
      throw new SoapWsdlError(`the WSDL ${this.options.wsdl} has no operation '${operation}'`, context);
    }
    const started = performance.now();
    try {
      const [result] = (await method.call(client, args, { timeout: this.options.timeoutMs ?? 120_000 })) as [
        unknown,
      ];
      this.report({ operation, attempt, context }, started, 200);
      return result;
    } catch (error) {
      const failure = this.toError(error as SoapErrorShape, operation, context);
      // A fault arrives in an HTTP 500 answer; no status means no answer arrived.
      const status =
        (error as SoapErrorShape).response?.status ?? (failure instanceof SoapFaultError ? 500 : undefined);
      this.report({ operation, attempt, context }, started, status);
      throw failure;
    }
  }

  private report(
    call: { operation: string; attempt: number; context: ErrorContext },
    started: number,
    status: number | undefined,
  ): void {
    this.options.onRequest?.({
      method: 'POST',
      path: call.operation,
      endpoint: call.operation,
      status,
      durationMs: performance.now() - started,
      ok: status === 200,
      attempt: call.attempt,
      context: call.context,
    });
  }

  private toError(error: SoapErrorShape, operation: string, context: ErrorContext): SingerError {
    const fault = error.root?.Envelope?.Body?.Fault;
    if (fault) {
      const faultCode =
        textOf(fault.faultcode) ??
        textOf((fault.Code as { Value?: unknown } | undefined)?.Value) ??
        'UNKNOWN';
      const faultString =
        textOf(fault.faultstring) ?? textOf((fault.Reason as { Text?: unknown } | undefined)?.Text) ?? '';
      return new SoapFaultError(
        this.redact(`${operation} returned SOAP fault ${faultCode}: ${faultString}`),
        { ...context, faultCode, operation },
        { cause: error },
      );
    }
    const status = error.response?.status;
    const reason = status !== undefined ? `HTTP ${status}` : (error.code ?? error.message ?? String(error));
    return new SoapRequestError(
      this.redact(`${operation} failed: ${reason}`),
      { ...context, ...(status !== undefined ? { status } : {}), operation },
      { cause: error },
    );
  }
}
