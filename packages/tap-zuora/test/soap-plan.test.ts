import { expect, test } from 'vitest';
import type { DescribedObject } from '../src/describe-xml.js';
import { zoqlCountQuery } from '../src/query.js';
import { sessionHeaders, zuoraSoapConnection } from '../src/soap/connection.js';
import { soapQuery, soapSelectList, soapStreamPlan } from '../src/soap/plan.js';
import { ZuoraSoapStream } from '../src/soap/stream.js';
import { streamFromDescribe } from '../src/stream-schema.js';
import { capturingLogger, context } from './soap-support.js';

const field = (name: string, type: string, contexts = ['soap', 'export']) => ({
  name,
  label: name,
  type,
  required: false,
  custom: name.endsWith('__c'),
  contexts,
  options: [],
});

const invoice: DescribedObject = {
  name: 'Invoice',
  label: 'Invoice',
  fields: [
    field('Id', 'text'),
    field('AccountId', 'text'),
    field('Amount', 'decimal'),
    field('Body', 'text', ['soap']),
    field('TemplateId', 'text', ['export']),
    field('Formula', 'formula'),
    field('UpdatedDate', 'datetime'),
  ],
  related: [
    { name: 'Account', object: 'Account' },
    { name: 'BillToContact', object: 'Contact' },
  ],
};

/** What the WSDL would declare for Invoice: its soap-context fields. */
const soapFields = new Set(invoice.fields.filter((f) => f.contexts.includes('soap')).map((f) => f.name));

test('SOAP reads joined ids from the own field, and marks what ZOQL cannot read unsupported', () => {
  const discovered = streamFromDescribe(invoice, { api: 'SOAP' })!;
  const plan = soapStreamPlan(discovered, soapFields);
  // Same stream, schema and key as every mode discovers.
  expect(plan.schema).toEqual(discovered.schema);
  expect(plan.replicationKey).toBe('UpdatedDate');
  const byName = Object.fromEntries(plan.properties.map((p) => [p.property, p]));
  expect(byName.AccountId).toMatchObject({
    query: 'AccountId',
    inclusion: 'available',
    joinedObject: 'Account',
  });
  expect(byName.BillToContactId).toMatchObject({ query: 'BillToContact.Id', inclusion: 'unsupported' });
  expect(byName.TemplateId?.inclusion).toBe('unsupported');
  expect(byName.Formula?.inclusion).toBe('unsupported');
  expect(byName.Body).toBeUndefined();
  expect(soapSelectList(plan, undefined)).toEqual(['Id', 'AccountId', 'Amount', 'UpdatedDate']);
  expect(soapSelectList(plan, new Set(['Amount', 'TemplateId', 'BillToContactId']))).toEqual([
    'Id',
    'Amount',
    'UpdatedDate',
  ]);
});

test('ZOQL: no order by, the bookmark as a UTC literal in whole seconds (>=, never later than the bookmark)', () => {
  const plan = soapStreamPlan(streamFromDescribe(invoice, { api: 'SOAP' })!, soapFields);
  expect(soapQuery(plan, ['Id', 'Amount'], undefined)).toBe('select Id, Amount from Invoice');
  expect(soapQuery(plan, ['Id'], '2024-05-01T12:30:15.987654+02:00')).toBe(
    "select Id from Invoice where UpdatedDate >= '2024-05-01T10:30:15Z'",
  );
  const full = { ...plan, replicationKey: null };
  expect(soapQuery(full, ['Id'], '2024-05-01T00:00:00Z')).toBe('select Id from Invoice');
});

test('the session header carries the session escaped, and QueryOptions only when a page size is set', () => {
  expect(sessionHeaders('a<b&c', undefined)).toBe(
    '<zns:SessionHeader xmlns:zns="http://api.zuora.com/"><zns:session>a&#60;b&#38;c</zns:session></zns:SessionHeader>',
  );
  expect(sessionHeaders('s', 500)).toContain(
    '<zns:QueryOptions xmlns:zns="http://api.zuora.com/"><zns:batchSize>500</zns:batchSize></zns:QueryOptions>',
  );
});

test('selected properties SOAP cannot read (a catalog saved in AQuA mode) are named in a warning', () => {
  const plan = soapStreamPlan(streamFromDescribe(invoice, { api: 'SOAP' })!, soapFields);
  const captured = capturingLogger();
  const stream = new ZuoraSoapStream(
    { config: {}, logger: captured.logger },
    {
      plan,
      // Never called: building the query needs no connection.
      connection: zuoraSoapConnection({ username: 'u', password: 'p', endpoint: 'http://127.0.0.1:9/soap' }),
      selectedProperties: () => new Set(['Amount', 'BillToContactId', 'TemplateId']),
    },
  );
  expect(stream.queryArgs(context('2024-01-01T00:00:00Z'))).toEqual({
    queryString: "select Id, Amount, UpdatedDate from Invoice where UpdatedDate >= '2024-01-01T00:00:00Z'",
  });
  const log = captured.lines.join('\n');
  expect(log).toMatch(/SOAP cannot read/);
  expect(log).toContain('BillToContactId');
  expect(log).toContain('TemplateId');
  expect(log).not.toContain('"Amount"');
});

test('the count query bounds the replication key by the bookmark’s whole second, never leaving out a row at it', () => {
  const plan = soapStreamPlan(streamFromDescribe(invoice, { api: 'SOAP' })!, soapFields);
  expect(zoqlCountQuery(plan, undefined)).toBe('select Id from Invoice');
  expect(zoqlCountQuery(plan, '2024-05-01T10:00:00Z')).toBe(
    "select Id from Invoice where UpdatedDate < '2024-05-01T10:00:01Z'",
  );
  expect(zoqlCountQuery(plan, '2024-05-01T12:00:59.5+02:00')).toBe(
    "select Id from Invoice where UpdatedDate < '2024-05-01T10:01:00Z'",
  );
  expect(zoqlCountQuery({ ...plan, replicationKey: null }, '2024-05-01T10:00:00Z')).toBe(
    'select Id from Invoice',
  );
});
