import { Readable } from 'node:stream';
import { ExactNumber } from '@singer-ts/sdk';
import { describe, expect, test } from 'vitest';
import { csvRecords, headerToProperty } from '../src/csv-records.js';
import { parseObject, parseObjectList } from '../src/describe-xml.js';
import { ENVIRONMENTS, resolveDataCentres, singerCandidates, soapEndpoint } from '../src/environments.js';
import { ZuoraConfigError, ZuoraCsvError, ZuoraDescribeError } from '../src/errors.js';
import { aquaJobBody, exportQuery, incrementalTime, selectList, zoqlDateTime } from '../src/query.js';
import { streamFromDescribe } from '../src/stream-schema.js';

const DESCRIBE = `<?xml version="1.0" encoding="UTF-8"?>
<object href="https://rest.na.zuora.com/v1/describe/Invoice">
  <name>Invoice</name><label>Invoice</label>
  <fields>
    <field><name>Id</name><label>ID</label><required>True</required><custom>false</custom><type>text</type>
      <contexts><context>soap</context><context>export</context></contexts></field>
    <field><name>Amount</name><label>Amount</label><required>false</required><custom>false</custom><type>decimal</type>
      <contexts><context>soap</context><context>export</context></contexts></field>
    <field><name>TemplateId</name><label>Template</label><required>false</required><custom>false</custom><type>text</type>
      <contexts><context>export</context></contexts></field>
    <field><name>Body</name><label>Body</label><required>false</required><custom>false</custom><type>text</type>
      <contexts><context>soap</context></contexts></field>
    <field><name>Score__c</name><label>Score</label><required>FALSE</required><custom>true</custom><type>formula</type>
      <contexts><context>export</context></contexts></field>
    <field><name>InvoiceDate</name><label>Invoice Date</label><required>true</required><custom>false</custom><type>date</type>
      <contexts><context>export</context></contexts></field>
    <field><name>UpdatedDate</name><label>Updated</label><required>false</required><custom>false</custom><type>datetime</type>
      <contexts><context>export</context></contexts></field>
    <field><name>Status</name><label>Status</label><required>false</required><custom>false</custom><type>picklist</type>
      <options><option>Draft</option><option>Posted</option></options>
      <contexts><context>export</context></contexts></field>
  </fields>
  <related-objects>
    <object href="https://rest.na.zuora.com/v1/describe/Account"><name>Account</name><label>Account</label></object>
    <object href="https://rest.na.zuora.com/v1/describe/SubscriptionStatusHistory"><name>SubscriptionStatusHistory</name></object>
  </related-objects>
</object>`;

describe('Describe XML', () => {
  test('reads fields, contexts, options, mixed-case required and related objects', () => {
    const o = parseObject(DESCRIBE, 'Invoice');
    expect(o.fields.map((f) => f.name)).toEqual([
      'Id',
      'Amount',
      'TemplateId',
      'Body',
      'Score__c',
      'InvoiceDate',
      'UpdatedDate',
      'Status',
    ]);
    expect(o.fields.find((f) => f.name === 'Id')!.required).toBe(true);
    expect(o.fields.find((f) => f.name === 'Score__c')).toMatchObject({
      required: false,
      custom: true,
      type: 'formula',
    });
    expect(o.fields.find((f) => f.name === 'Status')!.options).toEqual(['Draft', 'Posted']);
    expect(o.related).toEqual([
      { name: 'Account', object: 'Account' },
      { name: 'SubscriptionStatusHistory', object: 'SubscriptionStatusHistory' },
    ]);
    expect(
      parseObjectList(
        '<objects><object><name>Account</name></object><object><name>Invoice</name></object></objects>',
      ),
    ).toEqual(['Account', 'Invoice']);
  });

  test('a body that is not Describe XML fails naming the object', () => {
    expect(() => parseObject('{"success": false}', 'Invoice')).toThrow(ZuoraDescribeError);
    expect(() => parseObject('<error><code>NOT_FOUND</code></error>', 'Nope')).toThrow(/expected <object>/);
  });
});

describe('stream schema from Describe', () => {
  test('AQuA: export fields only, joined ids, Deleted, automatic keys, unsupported types kept but marked', () => {
    const plan = streamFromDescribe(parseObject(DESCRIBE, 'Invoice'), {
      api: 'AQUA',
      deletedAvailable: true,
    })!;
    expect(plan.keyProperties).toEqual(['Id']);
    expect(plan.replicationKey).toBe('UpdatedDate');
    expect(plan.replicationMethod).toBe('INCREMENTAL');
    expect(Object.keys(plan.schema.properties!)).toEqual([
      'Id',
      'Amount',
      'TemplateId',
      'Score__c',
      'InvoiceDate',
      'UpdatedDate',
      'Status',
      'AccountId',
      'Deleted',
    ]);
    expect(plan.schema.properties!.Amount).toEqual({ type: ['number', 'null'] });
    expect(plan.schema.properties!.InvoiceDate).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(plan.schema.properties!.Deleted).toEqual({ type: 'boolean' });
    expect(plan.schema.additionalProperties).toBe(false);
    const inclusion = Object.fromEntries(plan.properties.map((p) => [p.property, p.inclusion]));
    expect(inclusion).toMatchObject({
      Id: 'automatic',
      UpdatedDate: 'automatic',
      Score__c: 'unsupported',
      TemplateId: 'available',
    });
    expect(plan.properties.find((p) => p.property === 'AccountId')).toMatchObject({
      query: 'Account.Id',
      joinedObject: 'Account',
    });
  });

  test('REST: deny-listed fields unsupported and no Deleted; FULL_TABLE without a replication key; skipped when Id is not exportable', () => {
    const rest = streamFromDescribe(parseObject(DESCRIBE, 'Invoice'), {
      api: 'REST',
      deletedAvailable: true,
    })!;
    expect(rest.properties.find((p) => p.property === 'TemplateId')!.inclusion).toBe('unsupported');
    expect(rest.schema.properties!.Deleted).toBeUndefined();
    const noRk = DESCRIBE.replace(/<field><name>UpdatedDate<\/name>.*?<\/field>/s, '');
    expect(streamFromDescribe(parseObject(noRk, 'Invoice'), { api: 'AQUA' })!.replicationMethod).toBe(
      'FULL_TABLE',
    );
    const soapId = DESCRIBE.replace(
      '<context>soap</context><context>export</context></contexts></field>\n    <field><name>Amount',
      '<context>soap</context></contexts></field>\n    <field><name>Amount',
    );
    expect(streamFromDescribe(parseObject(soapId, 'Invoice'), { api: 'AQUA' })).toBeNull();
  });

  test('TransactionDate and UpdatedOn objects replicate on them; no-delete objects get no Deleted', () => {
    const log = DESCRIBE.replaceAll('Invoice', 'PaymentTransactionLog').replace(
      '<name>UpdatedDate</name>',
      '<name>TransactionDate</name>',
    );
    const plan = streamFromDescribe(parseObject(log, 'PaymentTransactionLog'), {
      api: 'AQUA',
      deletedAvailable: true,
    })!;
    expect(plan.replicationKey).toBe('TransactionDate');
    expect(plan.schema.properties!.Deleted).toBeUndefined();
    const ach = DESCRIBE.replace('<name>UpdatedDate</name>', '<name>UpdatedOn</name>');
    expect(streamFromDescribe(parseObject(ach, 'Invoice'), { api: 'AQUA' })!.replicationKey).toBe(
      'UpdatedOn',
    );
  });
});

describe('queries', () => {
  const plan = streamFromDescribe(parseObject(DESCRIBE, 'Invoice'), { api: 'AQUA', deletedAvailable: true })!;

  test('select list: automatic and selected properties, joined as Related.Id, never Deleted or unsupported', () => {
    expect(selectList(plan, new Set(['Amount', 'AccountId', 'Deleted', 'Score__c']))).toEqual([
      'Id',
      'Amount',
      'UpdatedDate',
      'Account.Id',
    ]);
  });

  test('export query windows on the replication key in UTC and orders by it', () => {
    expect(
      exportQuery(plan, ['Id', 'UpdatedDate'], {
        from: '2024-05-01T02:00:00-07:00',
        to: '2024-05-31T00:00:00Z',
      }),
    ).toBe(
      "select Id, UpdatedDate from Invoice where UpdatedDate >= '2024-05-01T09:00:00Z' and UpdatedDate < '2024-05-31T00:00:00Z' order by UpdatedDate asc",
    );
    expect(exportQuery(plan, ['Id'])).toBe('select Id from Invoice order by UpdatedDate asc');
    expect(zoqlDateTime('2024-01-01T00:00:00.123+0100')).toBe('2023-12-31T23:00:00Z');
  });

  test('incrementalTime is Pacific wall time for US data centres (DST aware) and UTC for EU', () => {
    expect(incrementalTime('2024-01-15T12:00:00Z', 'America/Los_Angeles')).toBe('2024-01-15 04:00:00');
    expect(incrementalTime('2024-07-15T12:00:00Z', 'America/Los_Angeles')).toBe('2024-07-15 05:00:00');
    expect(incrementalTime('2024-07-15T12:00:00+02:00', 'UTC')).toBe('2024-07-15 10:00:00');
  });

  test('AQuA bodies: stateful with partner/project, stateless with forceExport for deletes', () => {
    const stateful = aquaJobBody({
      name: 'Invoice_1700000000',
      query: 'select Id from Invoice',
      partner: 'p',
      project: 'Invoice_1700000000',
      deleted: true,
      incrementalTime: '2024-01-01 00:00:00',
    });
    expect(stateful).toMatchObject({
      version: '1.2',
      useQueryLabels: 'true',
      dateTimeUtc: 'true',
      partner: 'p',
      project: 'Invoice_1700000000',
      incrementalTime: '2024-01-01 00:00:00',
    });
    expect((stateful.queries as unknown[])[0]).toMatchObject({
      deleted: { column: 'Deleted', format: 'Boolean' },
    });
    const stateless = aquaJobBody({ name: 'Invoice', query: 'select Id from Invoice', deleted: true });
    expect(stateless.partner).toBeUndefined();
    expect((stateless.queries as unknown[])[0]).toMatchObject({ deleted: { forceExport: true } });
  });
});

describe('environments', () => {
  test('base_url wins, then environment, then the singer-io flags (strings accepted)', () => {
    expect(
      resolveDataCentres({ base_url: 'http://127.0.0.1:9/', environment: 'eu-production' })[0]!.rest,
    ).toBe('http://127.0.0.1:9');
    expect(resolveDataCentres({ environment: 'eu-sandbox' })).toEqual([ENVIRONMENTS['eu-sandbox']]);
    expect(resolveDataCentres({ sandbox: 'true', european: 'false' }).map((d) => d.rest)).toEqual([
      'https://rest.sandbox.na.zuora.com',
      'https://rest.apisandbox.zuora.com',
    ]);
    expect(singerCandidates(false, false).map((d) => d.rest)).toEqual([
      'https://rest.na.zuora.com',
      'https://rest.zuora.com',
    ]);
    expect(soapEndpoint(ENVIRONMENTS['us-cloud-2-sandbox'])).toBe(
      'https://apisandbox.zuora.com/apps/services/a/91.0',
    );
    expect(ENVIRONMENTS['eu-production'].incrementalTimeZone).toBe('UTC');
  });

  test('unknown environments and malformed flags fail naming the setting', () => {
    expect(() => resolveDataCentres({ environment: 'mars' })).toThrow(ZuoraConfigError);
    expect(() => resolveDataCentres({ sandbox: 'yes' })).toThrow(/sandbox must be true or false/);
    expect(() => resolveDataCentres({ base_url: 'rest.zuora.com' })).toThrow(/base_url/);
  });
});

describe('CSV records', () => {
  const types = new Map([
    ['Id', 'text'],
    ['Amount', 'decimal'],
    ['Count__c', 'integer'],
    ['UpdatedDate', 'datetime'],
    ['InvoiceDate', 'date'],
    ['Posted', 'boolean'],
    ['Deleted', 'deleted'],
  ]);
  const collect = async (csv: string | string[], extra = {}) => {
    const out: Record<string, unknown>[] = [];
    const chunks = Array.isArray(csv) ? csv : [csv];
    for await (const r of csvRecords(Readable.from(chunks.map((c) => Buffer.from(c))), {
      stream: 'Invoice',
      types,
      file: 'f1',
      ...extra,
    }))
      out.push(r);
    return out;
  };

  test('maps headers as singer-io does', () => {
    expect(headerToProperty('Invoice.Amount', 'Invoice')).toBe('Amount');
    expect(headerToProperty('Account.Id', 'Invoice')).toBe('AccountId');
    expect(headerToProperty('Invoice.Deleted', 'Invoice')).toBe('Deleted');
  });

  test('types values exactly: decimals, integers, UTC date-times, dates, booleans, null vs empty, quoting', async () => {
    const csv =
      'Invoice.Id,Invoice.Amount,Invoice.Count__c,Invoice.UpdatedDate,Invoice.InvoiceDate,Invoice.Posted,Account.Id,Invoice.Deleted\n' +
      'a1,1234.50,7,2024-05-01T10:00:00-0700,2024-05-01,true,"x, ""y""\nz",false\n' +
      'a2,0.1234567890123456789,12345678901234567890,2024-01-01T00:00:00+0000,2024-02-29,false,"",1\n' +
      'a3,,,,,,,0\n';
    const rows = await collect(csv);
    expect(rows[0]).toEqual({
      Id: 'a1',
      Amount: 1234.5,
      Count__c: 7,
      UpdatedDate: '2024-05-01T17:00:00Z',
      InvoiceDate: '2024-05-01T00:00:00Z',
      Posted: true,
      AccountId: 'x, "y"\nz',
      Deleted: false,
    });
    expect(rows[1]!.Amount).toBeInstanceOf(ExactNumber);
    expect(String(rows[1]!.Amount)).toBe('0.1234567890123456789');
    expect(String(rows[1]!.Count__c)).toBe('12345678901234567890');
    expect(rows[1]!.AccountId).toBe('');
    expect(rows[1]!.Deleted).toBe(true);
    expect(rows[2]).toEqual({
      Id: 'a3',
      Amount: null,
      Count__c: null,
      UpdatedDate: null,
      InvoiceDate: null,
      Posted: null,
      AccountId: null,
      Deleted: false,
    });
  });

  test('fails a file that is not UTF-8, naming the stream and file', async () => {
    const bytes = Buffer.concat([Buffer.from('Invoice.Id\n'), Buffer.from([0x61, 0xff, 0x0a])]);
    await expect(async () => {
      for await (const _ of csvRecords(Readable.from([bytes]), { stream: 'Invoice', types, file: 'f9' }));
    }).rejects.toMatchObject({ code: 'SINGER_ZUORA_CSV', context: { stream: 'Invoice', file: 'f9' } });
  });

  test('multi-byte characters split across chunks survive; NUL bytes are removed and reported', async () => {
    const bytes = Buffer.from('Invoice.Id,Name\n1,日本\u0000語\n');
    const cut = 18; // inside the first multi-byte character
    const out: Record<string, unknown>[] = [];
    let nul = 0;
    for await (const r of csvRecords(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]), {
      stream: 'Invoice',
      types,
      onNulBytes: (n) => {
        nul = n;
      },
    }))
      out.push(r);
    expect(out).toEqual([{ Id: '1', Name: '日本語' }]);
    expect(nul).toBe(1);
  });

  test('a truncated row and a bad value fail naming stream, file, line and field', async () => {
    await expect(collect('Invoice.Id,Invoice.Amount\na,1\nb\n')).rejects.toMatchObject({
      code: 'SINGER_ZUORA_CSV',
      context: { stream: 'Invoice', file: 'f1', fileLine: 3 },
    });
    const bad = collect('Invoice.Id,Invoice.Amount\na,12abc\n');
    await expect(bad).rejects.toThrow(ZuoraCsvError);
    await expect(bad).rejects.toMatchObject({ context: { field: 'Amount', fileLine: 2 } });
  });
});
