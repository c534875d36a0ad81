import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoapFaultError } from '@singer-ts/sdk/soap';
import { afterEach, expect, test } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { zuoraSoapConnection } from '../src/soap/connection.js';
import {
  isTransientZuoraFault,
  ZuoraSoapError,
  ZuoraSoapLoginError,
  zuoraSoapError,
} from '../src/soap/errors.js';
import { ZuoraSoapStream } from '../src/soap/stream.js';
import { start } from './helpers.js';
import { capturingLogger, collect, context, soapPlan, soapSettings, soapStream } from './soap-support.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

async function failure(promise: Promise<unknown>): Promise<ZuoraSoapError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZuoraSoapError);
  return error as ZuoraSoapError;
}

test('a MalformedQueryFault fails the stream with Zuora code and message, naming the stream', async () => {
  em = await start({ accounts: 10 });
  // A WSDL downloaded with a custom field the tenant has since deleted: the query names a field Zuora rejects.
  const wsdl = (await (await fetch(`${em.soapUrl}?wsdl`)).text()).replace(
    '<element minOccurs="0" name="Notes"',
    '<element minOccurs="0" name="Gone__c" nillable="true" type="string"/><element minOccurs="0" name="Notes"',
  );
  expect(wsdl).toContain('Gone__c');
  const dir = await mkdtemp(join(tmpdir(), 'tap-zuora-soap-'));
  try {
    await writeFile(join(dir, 'zuora.91.0.wsdl'), wsdl);
    const plan = await soapPlan(em, 'Account');
    plan.properties.push({ property: 'Gone__c', type: 'text', query: 'Gone__c', inclusion: 'available' });
    plan.schema = {
      ...plan.schema,
      properties: { ...plan.schema.properties, Gone__c: { type: ['string', 'null'] } },
    };
    const captured = capturingLogger();
    const connection = zuoraSoapConnection({ ...soapSettings(em), wsdl: join(dir, 'zuora.91.0.wsdl') });
    const stream = new ZuoraSoapStream({ config: {}, logger: captured.logger }, { plan, connection });
    const error = await failure(collect(stream));
    expect(error.code).toBe('SINGER_ZUORA_SOAP');
    expect(error.fault).toBe('MalformedQueryFault');
    expect(error.zuoraCode).toBe('MALFORMED_QUERY');
    expect(error.operation).toBe('query');
    expect(error.context.stream).toBe('Account');
    expect(error.describe()).toMatch(
      /^SINGER_ZUORA_SOAP: stream 'Account': Zuora query failed with MalformedQueryFault MALFORMED_QUERY: .*Gone__c.*; .*deselect/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an object the WSDL does not declare, or whose key it lacks, fails naming the stream', async () => {
  em = await start({ accounts: 5 });
  const plan = await soapPlan(em, 'Account');
  const connection = zuoraSoapConnection(soapSettings(em));
  const logger = capturingLogger().logger;
  const missing = new ZuoraSoapStream(
    { config: {}, logger },
    { plan: { ...plan, stream: 'Fulfillment' }, connection },
  );
  await expect(collect(missing)).rejects.toMatchObject({
    code: 'SINGER_ZUORA_SOAP_OBJECT',
    context: { stream: 'Fulfillment' },
    message: expect.stringContaining('declares no object Fulfillment'),
  });
  const rk = {
    ...plan,
    replicationKey: 'UpdatedOn',
    properties: [
      ...plan.properties,
      { property: 'UpdatedOn', type: 'datetime', query: 'UpdatedOn', inclusion: 'automatic' as const },
    ],
  };
  await expect(
    collect(new ZuoraSoapStream({ config: {}, logger }, { plan: rk, connection })),
  ).rejects.toMatchObject({
    code: 'SINGER_ZUORA_SOAP_OBJECT',
    context: { stream: 'Account' },
    message: expect.stringContaining('lacks UpdatedOn'),
  });
});

test('an expired query locator (InvalidQueryLocatorFault) names the stream and says to run again', async () => {
  em = await start({ accounts: 60, locatorIdleMs: 30_000 });
  const { stream } = await soapStream(em, 'Account', { batchSize: 20 });
  const iterator = stream.getRecords(context())[Symbol.asyncIterator]();
  for (let i = 0; i < 20; i++) await iterator.next();
  em.control.advance(31);
  const error = await failure(iterator.next());
  expect(error.fault).toBe('InvalidQueryLocatorFault');
  expect(error.zuoraCode).toBe('INVALID_QUERY_LOCATOR');
  expect(error.operation).toBe('queryMore');
  expect(error.describe()).toContain("stream 'Account'");
  expect(error.message).toContain('run again');
});

test('a refused login is a LoginFault error: code, message, what to check; the password never shown', async () => {
  em = await start({ accounts: 5 });
  const { stream } = await soapStream(em, 'Invoice', { password: 'Wr0ng-password!' });
  const error = await failure(collect(stream));
  expect(error).toBeInstanceOf(ZuoraSoapLoginError);
  expect(error.code).toBe('SINGER_ZUORA_SOAP_LOGIN');
  expect(error.exitCode).toBe(2);
  expect(error.fault).toBe('LoginFault');
  expect(error.zuoraCode).toBe('INVALID_VALUE');
  expect(error.describe()).toMatch(
    /stream 'Invoice'.*Zuora login failed with LoginFault INVALID_VALUE: Invalid login.*username and password/,
  );
  expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain('Wr0ng-password!');
});

test('a result with success=false is an error with Zuora code and message, naming the stream', async () => {
  em = await start({ accounts: 5 });
  const { stream } = await soapStream(em, 'Account');
  expect(() =>
    stream.parsePage({
      result: {
        success: 'false',
        errors: { Code: 'INVALID_FIELD', Message: 'invalid field for query: Gone__c' },
      },
    }),
  ).toThrow(
    expect.objectContaining({
      code: 'SINGER_ZUORA_SOAP',
      zuoraCode: 'INVALID_FIELD',
      context: expect.objectContaining({ stream: 'Account' }),
      message: expect.stringContaining('invalid field for query: Gone__c'),
    }),
  );
});

test('a value that does not read as its Describe type fails naming stream and field', async () => {
  em = await start({ accounts: 5 });
  const { stream } = await soapStream(em, 'Account');
  expect(() => stream.parseRecord({ Id: 'x', Balance: '12,50' })).toThrow(
    expect.objectContaining({
      code: 'SINGER_ZUORA_SOAP_RECORD',
      context: { stream: 'Account', field: 'Balance' },
    }),
  );
  expect(() => stream.parseRecord({ Id: 'x', Surprise: 'y' })).toThrow(
    expect.objectContaining({ context: { stream: 'Account', field: 'Surprise' } }),
  );
});

test('an unreachable SOAP endpoint is a clear error, not a hang', async () => {
  em = await start({ accounts: 5 });
  const url = em.soapUrl;
  await em.close();
  em = undefined;
  const captured = capturingLogger();
  const stream = new ZuoraSoapStream(
    { config: {}, logger: captured.logger },
    {
      plan: {
        stream: 'Account',
        keyProperties: ['Id'],
        replicationKey: null,
        replicationMethod: 'FULL_TABLE',
        schema: { type: 'object' },
        properties: [],
      },
      connection: zuoraSoapConnection({ username: 'u', password: 'secret-pw', endpoint: url }),
    },
  );
  const error = await collect(stream).then(
    () => undefined,
    (e: unknown) => e as Error & { code: string },
  );
  expect(error?.code).toBe('SINGER_ZUORA_SOAP_WSDL');
  expect(error?.message).toContain('set soap_wsdl');
  expect((error as unknown as { describe(): string }).describe()).toContain("stream 'Account'");
  expect(error?.message).toContain(url);
});

test("Zuora's try-again codes are transient (retried by the connection); others are not", () => {
  const fault = (code: string, faultcode = `fns:${code}`) =>
    new SoapFaultError(
      `query returned SOAP fault ${faultcode}`,
      { faultCode: faultcode, operation: 'query' },
      {
        cause: {
          root: {
            Envelope: {
              Body: {
                Fault: {
                  faultcode,
                  detail: { UnexpectedErrorFault: { FaultCode: code, FaultMessage: 'm' } },
                },
              },
            },
          },
        },
      },
    );
  for (const code of [
    'REQUEST_EXCEEDED_RATE',
    'REQUEST_EXCEEDED_LIMIT',
    'LOCK_COMPETITION',
    'TEMPORARY_ERROR',
    'SERVER_UNAVAILABLE',
  ])
    expect(isTransientZuoraFault(fault(code)), code).toBe(true);
  for (const code of [
    'MALFORMED_QUERY',
    'INVALID_SESSION',
    'TRANSACTION_TERMINATED',
    'INVALID_QUERY_LOCATOR',
  ])
    expect(isTransientZuoraFault(fault(code)), code).toBe(false);
  // Without a detail element, the faultcode itself.
  expect(
    isTransientZuoraFault(new SoapFaultError('x', { faultCode: 'fns:LOCK_COMPETITION', operation: 'query' })),
  ).toBe(true);
});

test('a fault text that echoes the password is redacted before it reaches the error', () => {
  const connection = zuoraSoapConnection({
    username: 'api.user',
    password: 'S3cret-Passw0rd',
    endpoint: 'http://127.0.0.1:9/soap',
  });
  const fault = new SoapFaultError(
    'query returned SOAP fault fns:INVALID_VALUE',
    { faultCode: 'fns:INVALID_VALUE', operation: 'query' },
    {
      cause: {
        root: {
          Envelope: {
            Body: {
              Fault: {
                detail: {
                  InvalidValueFault: {
                    FaultCode: 'INVALID_VALUE',
                    FaultMessage: "value 'S3cret-Passw0rd' is invalid",
                  },
                },
              },
            },
          },
        },
      },
    },
  );
  const error = zuoraSoapError(fault, 'query', 'Account', (t) => connection.redact(t)) as ZuoraSoapError;
  expect(error.message).toContain("value '***' is invalid");
  expect(error.message).not.toContain('S3cret-Passw0rd');
});
