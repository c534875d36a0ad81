import { recordProblems, runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { start } from './helpers.js';
import { bookmarksOf, catalogSelecting, configFor, idsOf, liveIds, tapOn } from './tap-helpers.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

/** A catalog entry as singer-io/tap-zuora writes it (its discover_stream), Account with a few fields selected. */
function singerIoCatalog() {
  const property = (name: string, metadata: Record<string, unknown>) => ({
    breadcrumb: ['properties', name],
    metadata,
  });
  return {
    streams: [
      {
        tap_stream_id: 'Account',
        stream: 'Account',
        key_properties: ['Id'],
        replication_key: 'UpdatedDate',
        replication_method: 'INCREMENTAL',
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            Id: { type: ['string', 'null'] },
            Name: { type: ['string', 'null'] },
            Balance: { type: ['number', 'null'] },
            UpdatedDate: { type: ['string', 'null'], format: 'date-time' },
            BillToContactId: { type: ['string', 'null'] },
            SomeFormula: { type: null },
            Deleted: { type: 'boolean' },
          },
        },
        metadata: [
          {
            breadcrumb: [],
            metadata: {
              'table-key-properties': ['Id'],
              'valid-replication-keys': ['UpdatedDate'],
              'forced-replication-method': 'INCREMENTAL',
              inclusion: 'available',
              selected: true,
            },
          },
          property('Id', { inclusion: 'automatic' }),
          property('UpdatedDate', { inclusion: 'automatic' }),
          property('Name', { inclusion: 'available', selected: true }),
          property('Balance', { inclusion: 'available', selected: true }),
          property('BillToContactId', {
            inclusion: 'available',
            selected: true,
            'tap-zuora.joined_object': 'BillToContact',
          }),
          property('SomeFormula', { inclusion: 'unsupported' }),
          property('Deleted', { inclusion: 'available', selected: true }),
        ],
      },
    ],
  };
}

describe('drop-in for singer-io tap-zuora', () => {
  it('takes its config (OAUTH through username/password, flags as strings), catalog and STATE as they are', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = {
      base_url: em.url,
      username: em.credentials.clientId,
      password: em.credentials.clientSecret,
      auth_type: 'OAUTH',
      api_type: 'AQUA',
      partner_id: 'salesforce',
      start_date: '2020-01-01T00:00:00Z',
      sandbox: 'false',
      european: 'false',
      poll_interval_ms: '1000',
    };
    const state = {
      current_stream: 'Account',
      bookmarks: { Account: { UpdatedDate: '2025-06-01T00:00:00+00:00', version: 1700000000 } },
    };
    const run = await runConnector(Tap, { config, catalog: singerIoCatalog(), state });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(recordProblems(run)).toEqual([]);
    const since = Date.parse('2025-06-01T00:00:00Z') - 1000;
    expect(new Set(idsOf(run.records('Account')))).toEqual(
      liveIds(em, 'Account', since, em.control.now().getTime()),
    );
    for (const r of run.records('Account')) {
      expect(Object.keys(r).sort()).toEqual([
        'Balance',
        'BillToContactId',
        'Deleted',
        'Id',
        'Name',
        'UpdatedDate',
      ]);
      expect(String(r.BillToContactId)).toMatch(/^[0-9a-f]{32}$/);
    }
    // singer-io would skip the streams before a stale current_stream: the STATE written clears it.
    expect((run.lastState() as { current_stream?: unknown }).current_stream).toBeNull();
    const out = bookmarksOf(run.lastState()).Account!;
    // singer-io's keys stay readable by it: the bookmark under UpdatedDate, the session version kept.
    expect(out.version).toBe(1700000000);
    expect(out.UpdatedDate).toBe(out.replication_key_value);
    expect(Date.parse(String(out.UpdatedDate))).toBeGreaterThan(Date.parse('2025-06-01T00:00:00Z'));
  });

  it('reads with legacy API keys (username/password, singer-io’s default BASIC) when no OAuth client is given', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = {
      base_url: em.url,
      username: em.credentials.username,
      password: em.credentials.password,
      api_type: 'AQUA',
      partner_id: 'salesforce',
      start_date: '2025-06-01T00:00:00Z',
    };
    const before = em.control.requests().length;
    const run = await runConnector(Tap, { config, catalog: singerIoCatalog() });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.records('Account').length).toBeGreaterThan(0);
    const requests = em.control.requests().slice(before);
    expect(requests.every((r) => r.auth === 'legacy')).toBe(true);
    expect(requests.some((r) => r.path === '/oauth/token')).toBe(false);
    expect(run.stderr).not.toContain(em.credentials.password);
  });

  it('with singer-io’s sandbox/european flags, tries its hosts in order and takes the first that accepts the credentials', async () => {
    em = await start();
    const emulator = em;
    const hosts = (names: string[]) =>
      class extends tapOn(emulator) {
        protected override dataCentreCandidates() {
          return names.map((h) => ({
            rest: emulator.urlFor(h),
            ui: emulator.urlFor(h),
            incrementalTimeZone: 'America/Los_Angeles' as const,
          }));
        }
      };
    const config = { ...configFor(em), base_url: undefined, sandbox: 'true' };
    // The tenant lives on the second candidate: the first answers 401 and is passed over.
    const found = await runConnector(hosts(['rest.sandbox.na.zuora.com', 'rest.na.zuora.com']), {
      config,
      args: ['--discover'],
    });
    expect(found.exitCode, found.stderr).toBe(0);
    expect(found.stderr).toContain(`data centre: ${em.urlFor('rest.na.zuora.com')}`);
    const none = await runConnector(hosts(['rest.sandbox.na.zuora.com', 'rest.apisandbox.zuora.com']), {
      config,
      args: ['--discover'],
    });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no Zuora data centre accepted the credentials');
    expect(none.stderr).toContain(`${em.urlFor('rest.apisandbox.zuora.com')}: 401`);
    expect(none.stderr).not.toContain(em.credentials.clientSecret);
  });

  it('never asks AQuA for deleted rows of an object singer-io knows has none, even if a catalog lists Deleted', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await catalogSelecting(Tap, config, ['PaymentTransactionLog']);
    const entry = catalog.streams.find((s) => s.tap_stream_id === 'PaymentTransactionLog')!;
    entry.schema.properties.Deleted = { type: 'boolean' };
    entry.metadata.push({
      breadcrumb: ['properties', 'Deleted'],
      metadata: { inclusion: 'available', selected: true },
    });
    const run = await runConnector(Tap, { config, catalog });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.records('PaymentTransactionLog').length).toBeGreaterThan(0);
  });

  it('reads the result files a singer-io STATE left (file_ids) instead of exporting again', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = {
      base_url: em.url,
      client_id: em.credentials.clientId,
      client_secret: em.credentials.clientSecret,
      partner_id: 'salesforce',
      start_date: '2020-01-01T00:00:00Z',
    };
    const first = await runConnector(Tap, { config, catalog: singerIoCatalog() });
    expect(first.exitCode, first.stderr).toBe(0);
    const jobs = em.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/batch-query'));
    const files = em.control.requests().filter((r) => r.path.startsWith('/v1/file/'));
    expect(jobs.length).toBe(1);
    const fileId = files[0]!.path.slice('/v1/file/'.length);
    const state = {
      bookmarks: { Account: { UpdatedDate: '2020-01-01T00:00:00+00:00', version: 1, file_ids: [fileId] } },
    };
    const again = await runConnector(Tap, { config, catalog: singerIoCatalog(), state });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(idsOf(again.records('Account'))).toEqual(idsOf(first.records('Account')));
    const jobsAfter = em.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/batch-query'));
    expect(jobsAfter.length).toBe(1);
    expect(bookmarksOf(again.lastState()).Account!.file_ids).toBeUndefined();
  });

  it('reads settings from TAP_ZUORA_* variables and never prints a secret, even when refused', async () => {
    em = await start();
    const Tap = tapOn(em);
    const env = {
      TAP_ZUORA_BASE_URL: em.url,
      TAP_ZUORA_CLIENT_ID: em.credentials.clientId,
      TAP_ZUORA_CLIENT_SECRET: 'wrong-secret-value-42',
      TAP_ZUORA_START_DATE: '2020-01-01T00:00:00Z',
      TAP_ZUORA_PARTNER_ID: 'salesforce',
    };
    const refused = await runConnector(Tap, { args: ['--config', 'ENV', '--discover'], env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/OAuth|401|credential/i);
    expect(refused.stderr).not.toContain('wrong-secret-value-42');
    const lines = refused.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^tap-zuora: /);

    const ok = await runConnector(Tap, {
      args: ['--config', 'ENV', '--discover'],
      env: { ...env, TAP_ZUORA_CLIENT_SECRET: em.credentials.clientSecret },
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('"tap_stream_id": "Account"');
    expect(ok.stderr).not.toContain(em.credentials.clientSecret);
  });

  it('refuses AQuA without partner_id and contradicting credentials in one clear line', async () => {
    em = await start();
    const Tap = tapOn(em);
    const base = { base_url: em.url, start_date: '2020-01-01T00:00:00Z' };
    const noPartner = await runConnector(Tap, {
      config: { ...base, client_id: 'a', client_secret: 'b' },
      args: ['--discover'],
    });
    expect(noPartner.exitCode).toBe(2);
    expect(noPartner.stderr).toContain('partner_id');
    const noSecret = await runConnector(Tap, {
      config: { ...base, client_id: 'a', partner_id: 'p' },
      args: ['--discover'],
    });
    expect(noSecret.exitCode).toBe(2);
    expect(noSecret.stderr).toContain('client_secret');
  });
});
