import * as soap from 'soap';
import { afterEach, expect, test } from 'vitest';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { type J, start } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

const API = 'http://api.zuora.com/';

// node-soap trims text nodes and turns xs:decimal into a float and xs:dateTime into a Date unless told otherwise:
// a client that must keep values exactly sets preserveWhitespace and keeps those types as text.
const keepText = { decimal: (t: string) => t, dateTime: (t: string) => t, date: (t: string) => t };
async function client(exact = true): Promise<J> {
  return soap.createClientAsync(`${em.soapUrl}?wsdl`, {
    endpoint: em.soapUrl,
    // The parsed WSDL is cached per URL together with its parse options; each client here wants its own.
    disableCache: true,
    ...(exact ? { preserveWhitespace: true, customDeserializer: keepText } : {}),
  });
}

async function login(c: J): Promise<string> {
  const [res] = await c.loginAsync({ username: em.credentials.username, password: em.credentials.password });
  c.clearSoapHeaders();
  c.addSoapHeader({ SessionHeader: { session: res.result.Session } }, '', 'api', API);
  return res.result.Session;
}

test('node-soap reads the WSDL; login then query and queryMore page through with the locator', async () => {
  em = await start({ accounts: 60 });
  const c = await client();
  const session = await login(c);
  expect(session.length).toBeGreaterThan(20);
  c.addSoapHeader({ QueryOptions: { batchSize: 25 } }, '', 'api', API);
  const [first] = await c.queryAsync({
    queryString: 'select Id, Name, CrmId, Balance, UpdatedDate from Account',
  });
  const live = [...em.tenant.rows(objectDef('Account')!)].filter((r) => r.deletedMs === null);
  expect(first.result.size).toBe(live.length);
  expect(first.result.done).toBe(false);
  expect(first.result.records).toHaveLength(25);
  const seen: J[] = [...first.result.records];
  let locator: string = first.result.queryLocator;
  expect(locator).toMatch(/-25$/);
  for (;;) {
    const [more] = await c.queryMoreAsync({ queryLocator: locator });
    seen.push(...(more.result.records ?? []));
    if (more.result.done) break;
    locator = more.result.queryLocator;
  }
  expect(seen.map((r) => r.Id)).toEqual(live.map((r) => r.values.Id));
  // Values arrive exactly as generated, whitespace included.
  expect(seen.map((r) => r.CrmId)).toEqual(live.map((r) => r.values.CrmId));
  expect(seen[0].CrmId).toMatch(/^ .+ {2}$/);
  expect(seen.map((r) => r.Balance)).toEqual(live.map((r) => r.values.Balance));
  expect(seen[0].UpdatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

  const trimming = await client(false);
  await login(trimming);
  const [trimmed] = await trimming.queryAsync({ queryString: 'select Id, CrmId from Account' });
  expect(trimmed.result.records[0].CrmId).toBe(String(live[0]!.values.CrmId).trim());
  const [floats] = await trimming.queryAsync({ queryString: 'select Id, Balance from Account' });
  expect(typeof floats.result.records[0].Balance).toBe('number');
});

test('faults: INVALID_SESSION after the idle timeout, MALFORMED_QUERY, INVALID_QUERY_LOCATOR, bad login', async () => {
  em = await start({ sessionIdleMs: 60_000, locatorIdleMs: 30_000 });
  const c = await client();
  await expect(c.loginAsync({ username: em.credentials.username, password: 'wrong' })).rejects.toMatchObject({
    root: { Envelope: { Body: { Fault: { faultcode: 'fns:INVALID_VALUE' } } } },
  });
  await login(c);
  await expect(c.queryAsync({ queryString: 'select Id from Account order by Id' })).rejects.toMatchObject({
    root: {
      Envelope: { Body: { Fault: { detail: { MalformedQueryFault: { FaultCode: 'MALFORMED_QUERY' } } } } },
    },
  });
  const [page] = await c.queryAsync({ queryString: 'select Id from Account' });
  em.control.advance(31);
  await expect(c.queryMoreAsync({ queryLocator: page.result.queryLocator })).rejects.toMatchObject({
    root: {
      Envelope: {
        Body: { Fault: { detail: { InvalidQueryLocatorFault: { FaultCode: 'INVALID_QUERY_LOCATOR' } } } },
      },
    },
  });
  em.control.advance(61);
  await expect(c.queryAsync({ queryString: 'select Id from Account' })).rejects.toMatchObject({
    root: { Envelope: { Body: { Fault: { faultcode: 'fns:INVALID_SESSION' } } } },
  });
  // A new login works again.
  await login(c);
  const [again] = await c.queryAsync({ queryString: "select Id from Account where Status = 'Active'" });
  expect(again.result.size).toBeGreaterThan(0);
});
