import { isExactNumber } from '@singer-ts/sdk';
import { afterEach, expect, test } from 'vitest';
import { type Row, SOAP_PATH, type ZuoraEmulator } from '../src/emulator/index.js';
import type { SoapRecord, ZuoraSoapStream } from '../src/soap/stream.js';
import { NOW, start } from './helpers.js';
import { collect, context, expectValid, liveRows, soapStream } from './soap-support.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const soapPosts = (e: ZuoraEmulator) =>
  e.control.requests().filter((r) => r.method === 'POST' && r.path === SOAP_PATH);

/** Each emitted value against the row the emulator stores, by the stream's Describe type. */
function expectSameValues(stream: ZuoraSoapStream, record: SoapRecord, row: Row): void {
  for (const p of stream.plan.properties) {
    if (p.inclusion === 'unsupported') {
      expect(record, p.property).not.toHaveProperty(p.property);
      continue;
    }
    const stored = row.values[p.property];
    const got = record[p.property];
    if (stored === null || stored === undefined) {
      // Zuora leaves null fields out; absent, never an invented value.
      expect(record, p.property).not.toHaveProperty(p.property);
      continue;
    }
    switch (p.type) {
      case 'decimal':
      case 'integer':
        // Exactly the stored digits: a double when it holds them, an ExactNumber otherwise.
        expect(isExactNumber(got) ? String(got) : got, p.property).toBe(
          isExactNumber(got) ? stored : Number(stored),
        );
        break;
      case 'date':
        expect(got, p.property).toBe(`${stored}T00:00:00Z`);
        break;
      case 'datetime':
        // SOAP date-times carry whole seconds with the tenant's offset; emitted in UTC.
        expect(got, p.property).toBe(
          `${new Date(Math.floor(Number(stored) / 1000) * 1000).toISOString().slice(0, 19)}Z`,
        );
        break;
      default:
        expect(got, p.property).toStrictEqual(stored);
    }
  }
}

test('full sync: every live Account over several queryMore pages, every value as stored, all valid', async () => {
  em = await start({ accounts: 120 });
  const { stream, captured } = await soapStream(em, 'Account', { batchSize: 25 });
  const records = await collect(stream);
  const live = liveRows(em, 'Account');
  expect(live.length).toBeGreaterThan(100);
  expect(records.map((r) => r.Id)).toEqual(live.map((r) => r.values.Id));
  for (const [i, record] of records.entries()) expectSameValues(stream, record, live[i]!);
  expectValid(stream, records);
  // login, query, then one queryMore per further page of 25.
  expect(soapPosts(em)).toHaveLength(1 + Math.ceil(live.length / 25));
  expect(captured.lines.join('\n')).toContain('select Id, ');
  expect(captured.lines.join('\n')).not.toContain(' where ');
});

test('whitespace, empty strings, line breaks and Unicode arrive exactly as Zuora sent them', async () => {
  em = await start({ accounts: 200 });
  // Values that are nothing but whitespace, which an XML reader trims away unless told to keep them.
  em.control.update('Account', 1, { Notes: '   ', SalesRepName: '\n' });
  em.control.update('Account', 2, { Notes: ' \t\r\n ' });
  const { stream } = await soapStream(em, 'Account', {
    selected: ['CrmId', 'Notes', 'SalesRepName', 'BillToContactId'],
  });
  const records = await collect(stream);
  const byId = new Map<string, Record<string, unknown>>(
    liveRows(em, 'Account').map((r) => [String(r.values.Id), r.values]),
  );
  const notes = records.map((r) => r.Notes);
  for (const special of [
    '  leading and trailing spaces  ',
    '',
    'Line one\nline two',
    'ends with newline\n',
    'Tab\tseparated',
    'Ünïcödé — ✓ 𝄞 😀',
  ]) {
    expect(notes, JSON.stringify(special)).toContain(special);
  }
  expect(records.find((r) => r.Notes === '   ')?.SalesRepName).toBe('\n');
  expect(notes).toContain(' \t\r\n ');
  for (const r of records) {
    const stored = byId.get(String(r.Id))!;
    expect(r.CrmId).toBe(stored.CrmId);
    expect(r.CrmId).toMatch(/^ \S.* {2}$/);
    if (stored.Notes === null) expect(r).not.toHaveProperty('Notes');
    else expect(r.Notes).toBe(stored.Notes);
  }
  // Only what is selected (and the automatic Id and UpdatedDate) is queried.
  const queried = new Set(['CrmId', 'Id', 'Notes', 'SalesRepName', 'UpdatedDate', 'BillToContactId']);
  for (const r of records) {
    for (const key of Object.keys(r)) expect(queried).toContain(key);
    expect(r).toHaveProperty('UpdatedDate');
  }
  expectValid(stream, records);
});

test('incremental: only rows changed at or after the bookmark, a change stamped now included (no lag)', async () => {
  em = await start({ accounts: 120 });
  const live = liveRows(em, 'Account');
  const sorted = live.map((r) => r.changedMs).sort((a, b) => a - b);
  const bookmark = new Date(sorted[Math.floor(sorted.length / 2)]!).toISOString();
  // A change at the emulator's "now" (the run's start): the next run reads it.
  em.control.update('Account', 0, { Name: 'Changed just now' });
  const { stream, captured } = await soapStream(em, 'Account', { batchSize: 20 });
  const records = await collect(stream, bookmark);
  const expected = liveRows(em, 'Account', bookmark.replace(/\.\d+Z$/, 'Z'));
  expect(records.map((r) => r.Id).sort()).toEqual(expected.map((r) => r.values.Id).sort());
  expect(records.length).toBeLessThan(live.length);
  expect(records.find((r) => r.Name === 'Changed just now')?.UpdatedDate).toBe(
    new Date(NOW).toISOString().replace('.000Z', 'Z'),
  );
  for (const r of records)
    expect(Date.parse(String(r.UpdatedDate))).toBeGreaterThanOrEqual(Date.parse(bookmark) - 999);
  expect(captured.lines.join('\n')).toContain(`where UpdatedDate >= '${bookmark.slice(0, 19)}Z'`);
  expectValid(stream, records);

  // A run from the newest bookmark reads the change made at that instant again (>=), nothing older.
  const { stream: next } = await soapStream(em, 'Account');
  const again = await collect(next, new Date(NOW).toISOString());
  expect(again.map((r) => r.Name)).toEqual(['Changed just now']);
});

test('an object with TransactionDate and one without a replication key', async () => {
  em = await start({ accounts: 40 });
  const { stream: log } = await soapStream(em, 'PaymentTransactionLog', { batchSize: 50 });
  expect(log.replicationKey).toBe('TransactionDate');
  const ctx = context();
  const logs = [];
  for await (const record of log.getRecords(ctx)) logs.push(record);
  expect(logs.map((r) => r.Id)).toEqual(liveRows(em, 'PaymentTransactionLog').map((r) => r.values.Id));
  // singer-io's bookmark key follows the latest value read (the SDK keeps replication_key_value).
  const latest = logs
    .map((r) => String(r.TransactionDate))
    .sort()
    .at(-1);
  expect(ctx.bookmark).toEqual({ TransactionDate: latest });
  expectValid(log, logs);
  const { stream: email } = await soapStream(em, 'EmailHistory');
  expect(email.replicationKey).toBeUndefined();
  expect(email.zoql(context('2024-01-01T00:00:00Z'))).not.toContain('where');
  const emails = await collect(email, '2024-01-01T00:00:00Z');
  expect(emails).toHaveLength(liveRows(em, 'EmailHistory').length);
  expectValid(email, emails);
});

test('countRecords: the live rows through the bookmark, from the size Zuora reports (for singer-reconcile)', async () => {
  em = await start({ accounts: 90 });
  const { stream } = await soapStream(em, 'Account', { batchSize: 10 });
  const all = await stream.countRecords({});
  expect(all).toEqual({
    comparable: true,
    rows: liveRows(em, 'Account').length,
    method: 'ZOQL size of select Id from Account',
  });
  const sorted = liveRows(em, 'Account')
    .map((r) => r.changedMs)
    .sort((a, b) => a - b);
  const through = new Date(Math.floor(sorted[40]! / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const counted = await stream.countRecords({ through });
  const expected = liveRows(em, 'Account').filter((r) => r.changedMs < Date.parse(through) + 1000).length;
  expect(counted).toMatchObject({ comparable: true, rows: expected });
  expect(expected).toBeLessThan(sorted.length);
  // A bound with a fraction of a second counts its whole second.
  expect(await stream.countRecords({ through: through.replace('Z', '.250Z') })).toMatchObject({
    rows: expected,
  });
});

test('decimals and integers beyond a double keep every digit', async () => {
  em = await start({ accounts: 10 });
  const id = String(
    em.control.update('Account', 3, {
      Balance: '123456789012345678.123456789',
      SeatCount__c: '9007199254740993',
    }).values.Id,
  );
  const { stream } = await soapStream(em, 'Account', { selected: ['Balance', 'SeatCount__c', 'Mrr'] });
  const records = await collect(stream);
  const record = records.find((r) => r.Id === id)!;
  expect(isExactNumber(record.Balance)).toBe(true);
  expect(String(record.Balance)).toBe('123456789012345678.123456789');
  expect(isExactNumber(record.SeatCount__c)).toBe(true);
  expect(String(record.SeatCount__c)).toBe('9007199254740993');
  expectValid(stream, records);
});
