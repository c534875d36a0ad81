import { DOMParser } from '@xmldom/xmldom';
import { afterEach, expect, test } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { call, start } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

type Node = { localName: string; textContent: string | null; childNodes: ArrayLike<unknown> };
const parse = (xml: string) =>
  new DOMParser().parseFromString(xml, 'text/xml').documentElement as unknown as Node;
function children(n: Node, name?: string): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i] as Node & { nodeType: number };
    if (c.nodeType === 1 && (!name || c.localName === name)) out.push(c);
  }
  return out;
}
const child = (n: Node, name: string) => children(n, name)[0]!;
const textOf = (n: Node, name: string) => child(n, name)?.textContent ?? '';

test('lists the objects as XML and describes each with types, contexts, options, custom and related objects', async () => {
  em = await start();
  const list = await call(em, 'GET', '/v1/describe');
  expect(list.headers.get('content-type')).toContain('text/xml');
  const names = children(parse(list.text), 'object').map((o) => textOf(o, 'name'));
  expect(names).toEqual(
    expect.arrayContaining(['Account', 'Invoice', 'InvoiceItem', 'PaymentTransactionLog', 'ChargeMetrics']),
  );

  const account = parse((await call(em, 'GET', '/v1/describe/Account')).text);
  const fields = children(child(account, 'fields'), 'field');
  const byName = new Map(fields.map((f) => [textOf(f, 'name'), f]));
  const types = new Set(fields.map((f) => textOf(f, 'type')));
  for (const t of ['text', 'picklist', 'boolean', 'integer', 'decimal', 'date', 'datetime'])
    expect(types).toContain(t);
  // required comes as true/false and True/False.
  const required = new Set(fields.map((f) => textOf(f, 'required')));
  expect(required).toEqual(new Set(['true', 'false', 'True', 'False']));
  const status = byName.get('Status')!;
  expect(children(child(status, 'options'), 'option').map((o) => o.textContent)).toEqual([
    'Draft',
    'Active',
    'Canceled',
  ]);
  expect(textOf(byName.get('Segment__c')!, 'custom')).toBe('true');
  const soapOnly = children(child(byName.get('PasswordHint')!, 'contexts'), 'context').map(
    (c) => c.textContent,
  );
  expect(soapOnly).toEqual(['soap']);
  const related = children(child(account, 'related-objects'), 'object').map((o) => [
    textOf(o, 'name'),
    textOf(o, 'path'),
  ]);
  expect(related).toContainEqual(['BillToContact', 'Account.BillToContact']);
});

test('answers 404 with an XML body for an unknown object, and serves versioned describe paths', async () => {
  em = await start();
  const missing = await call(em, 'GET', '/v1/describe/NoSuchThing');
  expect(missing.status).toBe(404);
  expect(textOf(parse(missing.text), 'code')).toBe('NOT_FOUND');
  expect((await call(em, 'GET', '/v1/84/describe/InvoiceItem')).status).toBe(200);
});

test('objects that describe fine but cannot be exported, and one whose Id is SOAP-only', async () => {
  em = await start();
  expect((await call(em, 'GET', '/v1/describe/ChargeMetrics')).status).toBe(200);
  const probe = await call(em, 'POST', '/v1/batch-query/', {
    format: 'csv',
    version: '1.2',
    name: 'discover',
    partner: 'p',
    project: 'discover',
    queries: [{ name: 'discover', query: 'select * from ChargeMetrics limit 1', type: 'zoqlexport' }],
  });
  expect(probe.status).toBe(200);
  expect(probe.json.errorCode).toBe('90005');
  expect(probe.json.message).toBe('There is a syntax error in one of the queries in the AQuA input');
  expect(typeof probe.json.id).toBe('string');
  expect((await call(em, 'DELETE', `/v1/batch-query/jobs/${probe.json.id}`)).status).toBe(200);
  const bpr = parse((await call(em, 'GET', '/v1/describe/BillingPreviewRun')).text);
  const id = children(child(bpr, 'fields'), 'field').find((f) => textOf(f, 'name') === 'Id')!;
  expect(children(child(id, 'contexts'), 'context').map((c) => c.textContent)).toEqual(['soap']);
});
