import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTapConformance, recordProblems, runConnector } from '@singer-ts/sdk/testing';
import { afterEach, expect, test } from 'vitest';
import { SOAP_PATH, type ZuoraEmulator } from '../src/emulator/index.js';
import { TapZuora } from '../src/tap.js';
import { NOW, start } from './helpers.js';
import { liveRows } from './soap-support.js';
import { bookmarksOf, type CatalogDoc, catalogSelecting, idsOf } from './tap-helpers.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

function soapConfig(e: ZuoraEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    api_type: 'SOAP',
    base_url: e.url,
    username: e.credentials.username,
    password: e.credentials.password,
    start_date: '2020-01-01T00:00:00Z',
    // As configs written for singer-io hold numbers: a string.
    soap_batch_size: '40',
    ...extra,
  };
}

/** Deselects `property` of `stream` in a discovered catalog. */
function deselect(catalog: CatalogDoc, stream: string, property: string): void {
  const entry = catalog.streams.find((s) => s.tap_stream_id === stream)!;
  entry.metadata.find((m) => m.breadcrumb[1] === property)!.metadata.selected = false;
}

const ids = (e: ZuoraEmulator, object: string, from?: string) =>
  liveRows(e, object, from).map((r) => String(r.values.Id));

test('api_type SOAP: discovery, then a full sync of the selected streams, then an incremental one from its STATE', async () => {
  em = await start({ accounts: 100 });
  const config = soapConfig(em);
  const catalog = await catalogSelecting(TapZuora, config, [
    'Account',
    'PaymentTransactionLog',
    'EmailHistory',
  ]);
  // The same streams and keys as every mode; no deleted flag (only AQuA has deleted rows).
  const account = catalog.streams.find((s) => s.tap_stream_id === 'Account')!;
  expect(account.schema.properties.Deleted).toBeUndefined();
  const meta = (p: string) => account.metadata.find((m) => m.breadcrumb[1] === p)!.metadata;
  expect(meta('BillToContactId')).toMatchObject({
    inclusion: 'available',
    'tap-zuora.joined_object': 'BillToContact',
  });
  deselect(catalog, 'Account', 'Notes');

  // Discovery logged in once to read the WSDL; the sync logs in on its own.
  const beforeSync = em.control.requests().length;
  const first = await runConnector(TapZuora, { config, catalog });
  expect(first.exitCode, first.stderr).toBe(0);
  expect(recordProblems(first)).toEqual([]);
  expect(idsOf(first.records('Account'))).toEqual(ids(em, 'Account'));
  expect(idsOf(first.records('PaymentTransactionLog'))).toEqual(ids(em, 'PaymentTransactionLog'));
  expect(idsOf(first.records('EmailHistory'))).toEqual(ids(em, 'EmailHistory'));
  expect(first.records('Account').some((r) => 'Notes' in r)).toBe(false);
  expect(first.records('Account')[0]).toHaveProperty('BillToContactId');
  // Values as stored: padded text keeps its spaces.
  const stored = new Map(liveRows(em, 'Account').map((r) => [String(r.values.Id), r.values.CrmId]));
  for (const r of first.records('Account')) expect(r.CrmId).toBe(stored.get(String(r.Id)));
  // One login for the run; pages of 40.
  const posts = em.control
    .requests()
    .slice(beforeSync)
    .filter((r) => r.method === 'POST' && r.path === SOAP_PATH);
  const pages = (n: number) => Math.max(1, Math.ceil(n / 40));
  expect(posts).toHaveLength(
    1 +
      pages(ids(em, 'Account').length) +
      pages(ids(em, 'PaymentTransactionLog').length) +
      pages(ids(em, 'EmailHistory').length),
  );
  // The calls count in the run's summary as HTTP requests do.
  const accountPages = pages(ids(em, 'Account').length);
  expect(first.stderr).toContain(
    `summary Account (succeeded): ${ids(em, 'Account').length.toLocaleString('en-US')} records emitted, ${accountPages} pages in ${accountPages} requests`,
  );
  const state = first.lastState();
  const bookmark = bookmarksOf(state).Account!;
  const latest = first
    .records('Account')
    .map((r) => String(r.UpdatedDate))
    .sort()
    .at(-1);
  expect(bookmark).toMatchObject({
    replication_key: 'UpdatedDate',
    replication_key_value: latest,
    UpdatedDate: latest,
  });
  expect(bookmarksOf(state).PaymentTransactionLog).toMatchObject({ replication_key: 'TransactionDate' });
  expect(first.stderr).not.toContain(em.credentials.password);

  // Later: one account changes at the emulator's "now"; the next run reads it and what sits at the bookmark.
  em.control.update('Account', 5, { Name: 'Renamed in SOAP mode' });
  const second = await runConnector(TapZuora, { config, catalog, state });
  expect(second.exitCode, second.stderr).toBe(0);
  expect(recordProblems(second)).toEqual([]);
  const again = second.records('Account');
  expect(new Set(idsOf(again))).toEqual(new Set(ids(em, 'Account', latest)));
  expect(again.find((r) => r.Name === 'Renamed in SOAP mode')?.UpdatedDate).toBe(
    new Date(NOW).toISOString().replace('.000Z', 'Z'),
  );
  expect(again.length).toBeLessThan(first.records('Account').length);
  expect(bookmarksOf(second.lastState()).Account).toMatchObject({
    replication_key_value: new Date(NOW).toISOString().replace('.000Z', 'Z'),
  });
});

test('api_type SOAP resumes from a STATE saved by singer-io/tap-zuora', async () => {
  em = await start({ accounts: 60 });
  const config = soapConfig(em);
  const catalog = await catalogSelecting(TapZuora, config, ['Account']);
  const state = {
    current_stream: 'Account',
    bookmarks: { Account: { UpdatedDate: '2025-03-01T00:00:00+00:00', version: 1700000000 } },
  };
  const run = await runConnector(TapZuora, { config, catalog, state });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(new Set(idsOf(run.records('Account')))).toEqual(new Set(ids(em, 'Account', '2025-03-01T00:00:00Z')));
  expect(run.records('Account').length).toBeLessThan(ids(em, 'Account').length);
  expect(run.stderr).toContain("UpdatedDate >= '2025-03-01T00:00:00Z'");
});

test('api_type SOAP with a refused login: exit non-zero, one line naming the stream, Zuora code and what to check', async () => {
  em = await start({ accounts: 10 });
  const catalog = await catalogSelecting(TapZuora, soapConfig(em), ['Account']);
  const run = await runConnector(TapZuora, { config: soapConfig(em, { password: 'not-Valid-9' }), catalog });
  expect(run.exitCode).not.toBe(0);
  expect(run.records('Account')).toEqual([]);
  expect(run.stderr).toMatch(
    /SINGER_ZUORA_SOAP_LOGIN: stream 'Account': Zuora login failed with LoginFault INVALID_VALUE/,
  );
  expect(run.stderr).not.toContain('not-Valid-9');
});

test('api_type SOAP without a password is a config error before anything runs', async () => {
  em = await start({ accounts: 10 });
  const catalog = await catalogSelecting(TapZuora, soapConfig(em), ['Account']);
  const run = await runConnector(TapZuora, {
    config: {
      ...soapConfig(em),
      password: undefined,
      client_id: em.credentials.clientId,
      client_secret: em.credentials.clientSecret,
    },
    catalog,
  });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toMatch(/api_type SOAP logs in with username and password/);
});

test('api_type SOAP: a run that fails in the middle of a stream leaves its bookmark where it was; the rerun loses nothing', async () => {
  em = await start({ accounts: 150 });
  const config = soapConfig(em, { state_interval_rows: 20 });
  const catalog = await catalogSelecting(TapZuora, config, ['Account']);
  // Row 90 holds a balance that is not a number: the run stops there, after several STATE messages.
  const good = em.control.update('Account', 90).values.Balance;
  em.control.update('Account', 90, { Balance: 'n/a' });
  const failed = await runConnector(TapZuora, { config, catalog });
  expect(failed.exitCode).not.toBe(0);
  expect(failed.stderr).toMatch(/stream 'Account'.*field 'Balance'/);
  const emitted = idsOf(failed.records('Account'));
  expect(emitted.length).toBeGreaterThanOrEqual(40);
  const states = failed.messages.filter((m) => m.type === 'STATE');
  expect(states.length).toBeGreaterThan(1);
  // ZOQL cannot sort: until the query is read to the end, STATE carries only a progress marker.
  const saved = failed.lastState();
  expect(bookmarksOf(saved).Account?.replication_key_value).toBeUndefined();

  em.control.update('Account', 90, { Balance: good ?? null });
  const rerun = await runConnector(TapZuora, { config, catalog, state: saved });
  expect(rerun.exitCode, rerun.stderr).toBe(0);
  expect(recordProblems(rerun)).toEqual([]);
  expect(idsOf(rerun.records('Account'))).toEqual(ids(em, 'Account'));
  expect(bookmarksOf(rerun.lastState()).Account?.replication_key_value).toBeDefined();
});

test('api_type SOAP passes the SDK tap conformance suite (every discovered stream, selection, resume)', async () => {
  em = await start({ accounts: 20 });
  const report = await checkTapConformance(TapZuora, {
    config: soapConfig(em),
    streamsWithRecords: ['Account', 'Invoice', 'PaymentTransactionLog', 'AchNocEventLog', 'EmailHistory'],
  });
  expect(report.failed).toEqual([]);
}, 300_000);

test('api_type SOAP discovery reads the WSDL: an object it lacks is unavailable, a field it lacks unsupported', async () => {
  em = await start({ accounts: 10 });
  const full = await (await fetch(`${em.soapUrl}?wsdl`)).text();
  // The WSDL of a user who may not read invoices, downloaded before the Notes field existed.
  const wsdl = full
    .replace(/<complexType name="Invoice">[\s\S]*?<\/complexType>/, '')
    .replace(/<element minOccurs="0" name="Notes" nillable="true" type="string"\/>/, '');
  expect(wsdl).not.toContain('name="Invoice"');
  const dir = await mkdtemp(join(tmpdir(), 'tap-zuora-soap-'));
  try {
    await writeFile(join(dir, 'zuora.wsdl'), wsdl);
    const config = soapConfig(em, { soap_wsdl: join(dir, 'zuora.wsdl') });
    const catalog = await catalogSelecting(TapZuora, config, []);
    const entry = (name: string) => catalog.streams.find((s) => s.tap_stream_id === name)!;
    const root = (name: string) => entry(name).metadata.find((m) => m.breadcrumb.length === 0)!.metadata;
    expect(root('Invoice')).toMatchObject({
      inclusion: 'unsupported',
      'selected-by-default': false,
      'tap-zuora.unavailable': expect.stringContaining('WSDL'),
    });
    expect(root('Account')['tap-zuora.unavailable']).toBeUndefined();
    const notes = entry('Account').metadata.find((m) => m.breadcrumb[1] === 'Notes')!.metadata;
    expect(notes).toMatchObject({ inclusion: 'unsupported', 'selected-by-default': false });
    // The schema stays the one every mode discovers.
    expect(entry('Account').schema.properties.Notes).toEqual({ type: ['string', 'null'] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
