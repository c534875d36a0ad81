import { parse } from 'csv-parse/sync';
import { afterEach, expect, test } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { objectDef } from '../src/emulator/index.js';
import { parseZoql, ZoqlSyntaxError } from '../src/emulator/zoql.js';
import { aquaPayload, download, runJob, start } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

test('parses the queries Singer taps send: fields, joins, where with and/or, order by, limit, escapes', () => {
  expect(parseZoql('select * from Account limit 1')).toMatchObject({
    fields: '*',
    object: 'Account',
    limit: 1,
  });
  const q = parseZoql(
    "select Id, BillToContact.Id from Account where UpdatedDate >= '2024-05-01T00:00:00Z' and Name != 'O\\'Reilly' or Status = 'Active' order by UpdatedDate asc",
  );
  expect(q.fields).toEqual([['Id'], ['BillToContact', 'Id']]);
  expect(q.where).toEqual([
    [
      { field: ['UpdatedDate'], op: '>=', value: '2024-05-01T00:00:00Z' },
      { field: ['Name'], op: '!=', value: "O'Reilly" },
    ],
    [{ field: ['Status'], op: '=', value: 'Active' }],
  ]);
  expect(q.orderBy).toEqual({ field: ['UpdatedDate'], desc: false });
  expect(parseZoql('SELECT Id FROM Account WHERE AutoPay = true AND Balance > 10.5').where[0]).toEqual([
    { field: ['AutoPay'], op: '=', value: true },
    { field: ['Balance'], op: '>', value: 10.5 },
  ]);
  for (const bad of [
    'select from Account',
    'select Id Account',
    "select Id from Account where Name = 'x",
    'select Id from A, B',
  ]) {
    expect(() => parseZoql(bad), bad).toThrow(ZoqlSyntaxError);
  }
});

test('the probe query `select * … limit 1` exports one row of every export field', async () => {
  em = await start();
  const job = await runJob(em, aquaPayload('discover', 'select * from Contact limit 1'));
  const rows = parse(await download(em, job.batches[0].fileId), { columns: true }) as Record<
    string,
    string
  >[];
  expect(rows).toHaveLength(1);
  const exportFields = objectDef('Contact')!.fields.filter((f) => f.contexts.includes('export'));
  expect(Object.keys(rows[0]!)).toEqual(exportFields.map((f) => `Contact.${f.name}`));
});

test('offset-less date-time literals are tenant (Pacific) time; or-groups and joined filters select exactly', async () => {
  em = await start();
  const o = objectDef('Invoice')!;
  const all = [...em.tenant.rows(o)].filter((r) => r.deletedMs === null);
  // 2024-03-01 00:00 Pacific = 08:00 UTC.
  const cut = Date.UTC(2024, 2, 1, 8);
  const stateless = { partner: null, project: null };
  const job = await runJob(
    em,
    aquaPayload('w', "select Id from Invoice where UpdatedDate >= '2024-03-01T00:00:00'", stateless),
  );
  const ids = (
    parse(await download(em, job.batches[0].fileId), { columns: true }) as Record<string, string>[]
  ).map((r) => r['Invoice.Id']);
  expect(ids.sort()).toEqual(
    all
      .filter((r) => r.changedMs >= cut)
      .map((r) => r.values.Id as string)
      .sort(),
  );
  const account = all[0]!.values.AccountId as string;
  const byAccount = await runJob(
    em,
    aquaPayload('a', `select Id from Invoice where Account.Id = '${account}' or Status = 'Error'`, stateless),
  );
  const got = (
    parse(await download(em, byAccount.batches[0].fileId), { columns: true }) as Record<string, string>[]
  ).map((r) => r['Invoice.Id']);
  expect(got.sort()).toEqual(
    all
      .filter((r) => r.values.AccountId === account || r.values.Status === 'Error')
      .map((r) => r.values.Id as string)
      .sort(),
  );
});
