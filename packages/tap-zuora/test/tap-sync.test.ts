import { checkTapConformance, recordProblems, runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { NOW, start } from './helpers.js';
import { bookmarksOf, catalogSelecting, configFor, idsOf, liveIds, tapOn } from './tap-helpers.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const START = Date.parse('2020-01-01T00:00:00Z');

describe('discovery from the Describe API', () => {
  it('has one stream per exportable object, typed, with joined ids, custom fields and deleted flags', async () => {
    em = await start();
    const catalog = await catalogSelecting(tapOn(em), configFor(em), []);
    const names = catalog.streams.map((s) => s.tap_stream_id);
    expect(names).toEqual(
      expect.arrayContaining(['Account', 'Invoice', 'InvoiceItem', 'Subscription', 'Payment']),
    );
    const entry = (name: string) => catalog.streams.find((s) => s.tap_stream_id === name)!;
    const meta = (name: string, property?: string) =>
      entry(name).metadata.find((m) =>
        property === undefined ? m.breadcrumb.length === 0 : m.breadcrumb[1] === property,
      )!.metadata;
    // BillingPreviewRun's Id is SOAP-only: left out, as singer-io does. ChargeMetrics describes, but this tenant
    // cannot export it: listed, unsupported, never selected.
    expect(names).not.toContain('BillingPreviewRun');
    expect(meta('ChargeMetrics')).toMatchObject({ inclusion: 'unsupported', selected: false });
    expect(String(meta('ChargeMetrics')['tap-zuora.unavailable'])).toContain('cannot export');
    const account = entry('Account').schema.properties;
    expect(account.Balance).toEqual({ type: ['number', 'null'] });
    expect(account.UpdatedDate).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(account.Deleted).toEqual({ type: 'boolean' });
    expect(Object.keys(account).some((p) => p.endsWith('__c'))).toBe(true);
    expect(meta('Account', 'BillToContactId')['tap-zuora.joined_object']).toBe('BillToContact');
    expect(meta('Account', 'Id').inclusion).toBe('automatic');
    expect(meta('Account', 'UpdatedDate').inclusion).toBe('automatic');
    expect(meta('Account')['valid-replication-keys']).toEqual(['UpdatedDate']);
    expect(meta('Account')['table-key-properties']).toEqual(['Id']);
    // singer-io's replication keys: TransactionDate, UpdatedOn, none.
    expect(meta('PaymentTransactionLog')['valid-replication-keys']).toEqual(['TransactionDate']);
    expect(entry('PaymentTransactionLog').schema.properties.Deleted).toBeUndefined();
    expect(meta('AchNocEventLog')['valid-replication-keys']).toEqual(['UpdatedOn']);
    expect(meta('EmailHistory')['forced-replication-method']).toBe('FULL_TABLE');
    // A field of a type singer-io does not map stays in the schema, unsupported.
    const unsupported = catalog.streams.flatMap((s) =>
      s.metadata
        .filter((m) => m.metadata.inclusion === 'unsupported')
        .map((m) => `${s.tap_stream_id}.${m.breadcrumb[1]}`),
    );
    expect(unsupported.length).toBeGreaterThan(0);
  });
});

describe('AQuA sync', () => {
  it('reads every live row, then only what changed, with deletions flagged and the bookmark in both layouts', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await catalogSelecting(Tap, config, ['Account', 'Invoice']);
    const first = await runConnector(Tap, { config, catalog });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(recordProblems(first)).toEqual([]);
    expect(new Set(idsOf(first.records('Account')))).toEqual(liveIds(em, 'Account', START - 1000, NOW));
    expect(new Set(idsOf(first.records('Invoice')))).toEqual(liveIds(em, 'Invoice', START - 1000, NOW));
    const state = first.lastState();
    const account = bookmarksOf(state).Account!;
    expect(account.replication_key).toBe('UpdatedDate');
    expect(account.UpdatedDate).toBe(account.replication_key_value);
    expect(typeof account.version).toBe('number');
    expect(account.job_id).toBeUndefined();
    const latest = Math.max(...first.records('Account').map((r) => Date.parse(String(r.UpdatedDate))));
    expect(Date.parse(String(account.replication_key_value))).toBe(latest);

    // A day later: one account changed, one deleted; a change stamped this very second is in the next run.
    em.control.advance(86_400);
    const changed = em.control.update('Account', 3, { Name: 'Renamed, "quoted"' });
    const deleted = em.control.delete('Account', 7);
    const second = await runConnector(Tap, { config, catalog, state });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(recordProblems(second)).toEqual([]);
    const accounts = second.records('Account');
    const byId = new Map(accounts.map((r) => [String(r.Id), r]));
    const o = objectDef('Account')!;
    expect(byId.get(em.tenant.idOf(o, changed.index))).toMatchObject({
      Name: 'Renamed, "quoted"',
      Deleted: false,
    });
    expect(byId.get(em.tenant.idOf(o, deleted.index))).toMatchObject({ Deleted: true });
    // Only rows stamped in the bookmark's own second (re-read on purpose) come again besides those two.
    const others = accounts.filter(
      (r) => ![changed.index, deleted.index].map((i) => em!.tenant.idOf(o, i)).includes(String(r.Id)),
    );
    for (const r of others) expect(Date.parse(String(r.UpdatedDate))).toBeGreaterThanOrEqual(latest - 1000);
    const bookmark = bookmarksOf(second.lastState()).Account!;
    expect(Date.parse(String(bookmark.replication_key_value))).toBe(
      Math.floor(changed.changedMs / 1000) * 1000,
    );
    expect(bookmark.UpdatedDate).toBe(bookmark.replication_key_value);
  });

  it('sends incrementalTime in the data centre’s zone: an EU tenant gets exactly the rows since the bookmark', async () => {
    em = await start({ region: 'EU' });
    const Tap = tapOn(em);
    const config = configFor(em, { environment: 'eu-production' });
    const catalog = await catalogSelecting(Tap, config, ['Account']);
    // Four hours after an account's last change: read as Pacific time (singer-io's way), the window would start
    // eight hours early and bring that account back.
    const o = objectDef('Account')!;
    const index = [...Array(em.tenant.count(o)).keys()].find(
      (i) => em!.tenant.times(o, i).changedMs > Date.parse('2025-01-01T00:00:00Z'),
    )!;
    const bookmark = new Date(
      Math.floor(em.tenant.times(o, index).changedMs / 1000) * 1000 + 4 * 3_600_000,
    ).toISOString();
    const state = {
      bookmarks: { Account: { replication_key: 'UpdatedDate', replication_key_value: bookmark } },
    };
    const run = await runConnector(Tap, { config, catalog, state });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(new Set(idsOf(run.records('Account')))).toEqual(
      liveIds(em, 'Account', Date.parse(bookmark) - 1000, em.control.now().getTime()),
    );
    expect(idsOf(run.records('Account'))).not.toContain(em.tenant.idOf(o, index));
  });

  it('keeps values exactly: decimals as written, date-times in UTC, empty strings apart from nulls', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await catalogSelecting(Tap, config, ['Account']);
    const run = await runConnector(Tap, { config, catalog });
    expect(run.exitCode, run.stderr).toBe(0);
    const o = objectDef('Account')!;
    const records = run.records('Account');
    const raw = run.stdout.split('\n').filter((l) => l.includes('"type":"RECORD"'));
    for (const [k, r] of records.entries()) {
      const index = em.tenant.indexOfId(o, String(r.Id))!;
      const expected = em.tenant.row(o, index).values;
      expect(r.Name).toBe(expected.Name);
      expect(String(r.UpdatedDate)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(String(r.UpdatedDate))).toBe(Math.floor(Number(expected.UpdatedDate) / 1000) * 1000);
      // The decimal's digits appear in the RECORD line as Zuora wrote them.
      // (Trailing zeros after the point carry no value: 187650.00 is written 187650.)
      const digits = String(expected.Mrr)
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, '');
      expect(raw[k]).toContain(`"Mrr":${digits}`);
    }
    const empties = records.filter((r) => Object.values(r).includes(''));
    const nulls = records.filter((r) => Object.values(r).includes(null));
    expect(empties.length + nulls.length).toBeGreaterThan(0);
  });

  it('emits records exactly as the SDK conformer would shape them, so skipping the conformer changes no byte', async () => {
    // A catalog in another property order with fields deselected: records follow the conformer's order for it.
    const recordLines = async (conformedRecords: boolean) => {
      const emulator = await start();
      try {
        const Base = tapOn(emulator);
        const Tap = class extends Base {
          override async discoverStreams() {
            const streams = await super.discoverStreams();
            for (const stream of streams)
              Object.defineProperty(stream, 'conformedRecords', { value: conformedRecords });
            return streams;
          }
        };
        const config = configFor(emulator);
        const catalog = await catalogSelecting(Tap, config, ['Account', 'Invoice']);
        for (const entry of catalog.streams) {
          entry.schema.properties = Object.fromEntries(Object.entries(entry.schema.properties).reverse());
          for (const property of ['Notes', 'Mrr', 'CreatedDate'])
            entry.metadata.push({ breadcrumb: ['properties', property], metadata: { selected: false } });
        }
        const run = await runConnector(Tap, { config, catalog });
        expect(run.exitCode, run.stderr).toBe(0);
        return { run, lines: run.stdout.split('\n').filter((l) => l.includes('"type":"RECORD"')) };
      } finally {
        await emulator.close();
      }
    };
    const fast = await recordLines(true);
    const copied = await recordLines(false);
    const withoutTime = (line: string) => line.replace(/"time_extracted":"[^"]*"/, '');
    expect(fast.lines.length).toBeGreaterThan(100);
    expect(fast.lines.map(withoutTime)).toEqual(copied.lines.map(withoutTime));
    const account = fast.run.records('Account')[0]!;
    expect(account).not.toHaveProperty('Notes');
    expect(account).not.toHaveProperty('CreatedDate');
    expect(Object.keys(account).at(-1)).toBe('LastInvoiceDate');
    expect(recordProblems(fast.run)).toEqual([]);
  });

  it('renews the OAuth token before it expires while polling a long job, and once more after a 401', async () => {
    em = await start({ tokenLifetimeSeconds: 1800, submittedMs: 60_000, executingMs: 3 * 3600_000 });
    let expired = false;
    const Tap = tapOn(em, (sleeps) => {
      // 25 minutes into the job, before the tap renews its token, Zuora revokes every token: a 401 follows.
      if (sleeps === 3 && !expired) {
        expired = true;
        em!.control.expireTokens();
      }
    });
    const config = configFor(em, { poll_interval_ms: 300_000, max_job_wait_ms: 6 * 3_600_000 });
    const catalog = await catalogSelecting(Tap, config, ['Account']);
    const before = em.control.requests().length;
    const run = await runConnector(Tap, { config, catalog });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.records('Account').length).toBe(
      liveIds(em, 'Account', START - 1000, em.control.now().getTime()).size,
    );
    const requests = em.control.requests().slice(before);
    const tokens = requests.filter((r) => r.path === '/oauth/token');
    // 3 h of polling with a 30-minute token renewed 5 minutes early: about seven tokens.
    expect(tokens.length).toBeGreaterThanOrEqual(6);
    const unauthorized = requests.filter((r) => r.status === 401);
    expect(expired).toBe(true);
    expect(unauthorized.length).toBe(1);
    expect(run.stderr).not.toContain(em.credentials.clientSecret);
  });

  it('fails an aborted job with Zuora’s message, naming the stream, and forgets the job', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await catalogSelecting(Tap, config, ['Invoice']);
    em.control.injectJobFault({
      outcome: 'aborted',
      message: 'Query processing time exceeded 3 hours.',
      object: 'Invoice',
    });
    const run = await runConnector(Tap, { config, catalog });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/Invoice/);
    expect(run.stderr).toContain('Query processing time exceeded 3 hours.');
    expect(bookmarksOf(run.lastState() ?? { bookmarks: {} }).Invoice?.job_id).toBeUndefined();
  });

  it('stops waiting for a job that never finishes after max_job_wait_ms, keeping its id for the next run', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em, { max_job_wait_ms: 7_200_000, poll_interval_ms: 60_000 });
    const catalog = await catalogSelecting(Tap, config, ['Account']);
    em.control.injectJobFault({ outcome: 'never', object: 'Account' });
    const started = em.control.now().getTime();
    const run = await runConnector(Tap, { config, catalog });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/still executing after \d+ s/);
    expect(run.stderr).toContain('Account');
    const waited = em.control.now().getTime() - started;
    expect(waited).toBeGreaterThanOrEqual(7_200_000);
    expect(waited).toBeLessThan(7_200_000 + 300_000);
    expect(typeof bookmarksOf(run.lastState()).Account!.job_id).toBe('string');
  });

  it('reads errors Zuora answers with HTTP 200: a refused submit fails clearly, a temporary error is retried', async () => {
    em = await start({ partners: ['registered-partner'] });
    const Tap = tapOn(em);
    const config = configFor(em, { partner_id: 'registered-partner' });
    const catalog = await catalogSelecting(Tap, config, ['Account']);
    em.control.injectFault({ kind: 'business', code: 53100061, path: '/v1/batch-query/jobs/', times: 1 });
    const retried = await runConnector(Tap, { config, catalog });
    expect(retried.exitCode, retried.stderr).toBe(0);
    expect(retried.records('Account').length).toBeGreaterThan(0);

    const refused = await runConnector(Tap, {
      config: { ...config, partner_id: 'unknown-partner' },
      catalog,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('90019');
    expect(refused.stderr).toContain('Account');
  });

  it('passes the SDK tap conformance suite', async () => {
    em = await start({ accounts: 20 });
    const report = await checkTapConformance(tapOn(em), {
      config: configFor(em),
      streamsWithRecords: ['Account', 'Invoice', 'PaymentTransactionLog', 'EmailHistory'],
    });
    expect(report.failed).toEqual([]);
  }, 300_000);
});
