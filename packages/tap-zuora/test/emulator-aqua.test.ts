import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, test } from 'vitest';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { aquaPayload, call, download, type J, runJob, start } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

const rows = (csv: string): Record<string, string>[] => parse(csv, { columns: true, relax_quotes: false });

/** Live and deleted row counts of an object as of the emulator's clock, from the generator itself. */
function census(name: string): { live: number; deleted: number } {
  const o = objectDef(name)!;
  let live = 0;
  let deleted = 0;
  for (let i = 0; i < em.tenant.count(o); i++) {
    const t = em.tenant.times(o, i);
    if (t.deletedMs !== null && t.deletedMs <= em.control.now().getTime()) deleted++;
    else live++;
  }
  return { live, deleted };
}

describe('job lifecycle', () => {
  test('walks submitted → executing → completed on the clock, with pending batches first', async () => {
    em = await start({ submittedMs: 10_000, executingMs: 20_000 });
    const sub = await call(
      em,
      'POST',
      '/v1/batch-query/',
      aquaPayload('Account_1', 'select Id from Account'),
    );
    expect(sub.json.status).toBe('submitted');
    expect(sub.json.batches[0]).toMatchObject({ status: 'pending', full: true, batchType: 'zoqlexport' });
    const poll = async () => (await call(em, 'GET', `/v1/batch-query/jobs/${sub.json.id}`)).json;
    em.control.advance(9);
    expect((await poll()).status).toBe('submitted');
    em.control.advance(2);
    expect((await poll()).status).toBe('executing');
    em.control.advance(20);
    const done = await poll();
    expect(done.status).toBe('completed');
    expect(done.batches[0].recordCount).toBe(census('Account').live);
    expect(typeof done.batches[0].fileId).toBe('string');
  });

  test('aborted and errored jobs carry the batch message; a never-ending job stays executing', async () => {
    em = await start();
    em.control.injectJobFault({ outcome: 'aborted', message: 'Query processing time exceeded 3 hours.' });
    em.control.injectJobFault({ outcome: 'error', message: 'Internal error 90010.' });
    em.control.injectJobFault({ outcome: 'never' });
    const aborted = await runJob(em, aquaPayload('a', 'select Id from Account'));
    expect(aborted.status).toBe('aborted');
    expect(aborted.batches[0]).toMatchObject({
      status: 'aborted',
      message: 'Query processing time exceeded 3 hours.',
    });
    expect(aborted.batches[0].fileId).toBeUndefined();
    const errored = await runJob(em, aquaPayload('b', 'select Id from Account'));
    expect(errored.status).toBe('error');
    expect(errored.batches[0].message).toBe('Internal error 90010.');
    const never = await runJob(em, aquaPayload('c', 'select Id from Account'));
    em.control.advance(13 * 3600);
    expect((await call(em, 'GET', `/v1/batch-query/jobs/${never.id}`)).json.status).toBe('executing');
  });

  test('DELETE cancels a running job and is refused on a completed one', async () => {
    em = await start();
    const sub = await call(em, 'POST', '/v1/batch-query/', aquaPayload('x', 'select Id from Account'));
    const cancelled = await call(em, 'DELETE', `/v1/batch-query/jobs/${sub.json.id}`);
    expect(cancelled.json.status).toBe('cancelled');
    em.control.advance(60);
    expect((await call(em, 'GET', `/v1/batch-query/jobs/${sub.json.id}`)).json.status).toBe('cancelled');
    const done = await runJob(em, aquaPayload('y', 'select Id from Account'));
    const refused = await call(em, 'DELETE', `/v1/batch-query/jobs/${done.id}`);
    expect(refused.json.errorCode).toBe('90003');
  });
});

describe('submit validation (HTTP 200 with errorCode)', () => {
  const cases: [string, J, string][] = [
    ['a syntax error', aquaPayload('p', 'select from Account'), '90005'],
    ['an unknown field', aquaPayload('p', 'select Nope from Account'), '90005'],
    ['a SOAP-only field', aquaPayload('p', 'select PasswordHint from Account'), '90005'],
    [
      'deleted on an object without deletes',
      aquaPayload('p', 'select Id from PaymentTransactionLog', {}, true),
      '90017',
    ],
    [
      'deleted in a stateless job',
      aquaPayload('p', 'select Id from Account', { partner: null, project: null }, true),
      '90012',
    ],
    [
      'a malformed incrementalTime',
      aquaPayload('p', 'select Id from Account', { incrementalTime: '2024-05-01T00:00:00Z' }),
      '90015',
    ],
    [
      'more than 50 queries',
      {
        ...aquaPayload('p', 'x'),
        queries: Array.from({ length: 51 }, () => ({ query: 'select Id from Account' })),
      },
      '90004',
    ],
    ['no queries', { ...aquaPayload('p', 'x'), queries: [] }, '90016'],
  ];
  for (const [what, payload, code] of cases) {
    test(`rejects ${what} with ${code}`, async () => {
      em = await start();
      const res = await call(em, 'POST', '/v1/batch-query/', payload);
      expect(res.status).toBe(200);
      expect(res.json.errorCode).toBe(code);
      expect(res.json.message.length).toBeGreaterThan(10);
    });
  }

  test('rejects an unknown partner with 90019', async () => {
    em = await start({ partners: ['stitch'] });
    const res = await call(em, 'POST', '/v1/batch-query/', aquaPayload('p', 'select Id from Account'));
    expect(res.json.errorCode).toBe('90019');
  });

  test('caps concurrent jobs per kind with 90028', async () => {
    em = await start({ maxStateful: 2, maxStateless: 1 });
    const stateless = { partner: null, project: null };
    expect(
      (await call(em, 'POST', '/v1/batch-query/', aquaPayload('a', 'select Id from Account'))).json.errorCode,
    ).toBeUndefined();
    expect(
      (await call(em, 'POST', '/v1/batch-query/', aquaPayload('b', 'select Id from Account'))).json.errorCode,
    ).toBeUndefined();
    expect(
      (await call(em, 'POST', '/v1/batch-query/', aquaPayload('c', 'select Id from Account'))).json.errorCode,
    ).toBe('90028');
    expect(
      (await call(em, 'POST', '/v1/batch-query/', aquaPayload('d', 'select Id from Account', stateless))).json
        .errorCode,
    ).toBeUndefined();
    expect(
      (await call(em, 'POST', '/v1/batch-query/', aquaPayload('e', 'select Id from Account', stateless))).json
        .errorCode,
    ).toBe('90028');
    em.control.advance(60);
    expect(
      (await call(em, 'POST', '/v1/batch-query/', aquaPayload('f', 'select Id from Account'))).json.errorCode,
    ).toBeUndefined();
  });
});

describe('stateful sessions', () => {
  test('first job is full without deleted rows; the next returns only later changes and deletions', async () => {
    em = await start();
    const q = 'select Id, Name, UpdatedDate from Account order by UpdatedDate asc';
    const first = await runJob(em, aquaPayload('Account_1', q, {}, true));
    expect(first.batches[0].full).toBe(true);
    const full = rows(await download(em, first.batches[0].fileId));
    expect(full.length).toBe(census('Account').live);
    expect(full.every((r) => r['Account.Deleted'] === 'false')).toBe(true);
    const stamps = full.map((r) => Date.parse(r['Account.UpdatedDate']!.replace(/(\d{2})(\d{2})$/, '$1:$2')));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);

    em.control.advance(3600);
    const updated = em.control.update('Account', 3, { Name: 'Renamed, "quoted"\nAccount' });
    const gone = em.control.delete('Account', 5);
    em.control.advance(60);
    const second = await runJob(em, aquaPayload('Account_1', q, {}, true));
    expect(second.batches[0].full).toBe(false);
    const inc = rows(await download(em, second.batches[0].fileId));
    expect(inc.map((r) => [r['Account.Id'], r['Account.Name'], r['Account.Deleted']])).toEqual(
      expect.arrayContaining([
        [updated.values.Id, 'Renamed, "quoted"\nAccount', 'false'],
        [gone.values.Id, gone.values.Name, 'true'],
      ]),
    );
    expect(inc.length).toBe(2);

    // Nothing changed since: the third increment is empty; a new project starts over with a full load.
    em.control.advance(60);
    const third = await runJob(em, aquaPayload('Account_1', q, {}, true));
    expect(rows(await download(em, third.batches[0].fileId))).toEqual([]);
    const fresh = await runJob(em, aquaPayload('Account_2', q, {}, true));
    expect(fresh.batches[0].full).toBe(true);
    const last = await call(em, 'GET', '/v1/batch-query/jobs/partner/singer-ts/project/Account_1');
    expect(last.json.id).toBe(third.id);
  });

  test('a changed query forces a full load; incrementalTime reads without moving the session', async () => {
    em = await start();
    await runJob(em, aquaPayload('S', 'select Id from Account'));
    const changed = await runJob(em, aquaPayload('S', 'select Id, Name from Account'));
    expect(changed.batches[0].full).toBe(true);
    em.control.advance(3600);
    const touched = em.control.update('Account', 7);
    em.control.advance(60);
    const touchedAt = new Date(touched.changedMs - 1000);
    // US data centre: incrementalTime is Pacific wall time.
    const pacific = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/Los_Angeles',
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(touchedAt);
    const peek = await runJob(
      em,
      aquaPayload('S', 'select Id, Name from Account', { incrementalTime: pacific }),
    );
    expect(peek.batches[0].full).toBe(false);
    expect(rows(await download(em, peek.batches[0].fileId)).map((r) => r['Account.Id'])).toEqual([
      touched.values.Id,
    ]);
    // The session did not move: the next plain job still sees the change.
    const next = await runJob(em, aquaPayload('S', 'select Id, Name from Account'));
    expect(rows(await download(em, next.batches[0].fileId)).map((r) => r['Account.Id'])).toEqual([
      touched.values.Id,
    ]);
  });

  test('EU data centres read incrementalTime as UTC', async () => {
    em = await start({ region: 'EU' });
    await runJob(em, aquaPayload('S', 'select Id from Account'));
    em.control.advance(3600);
    const touched = em.control.update('Account', 2);
    em.control.advance(60);
    const utc = new Date(touched.changedMs - 1000).toISOString().replace('T', ' ').slice(0, 19);
    const peek = await runJob(em, aquaPayload('S', 'select Id from Account', { incrementalTime: utc }));
    expect(rows(await download(em, peek.batches[0].fileId)).map((r) => r['Account.Id'])).toEqual([
      touched.values.Id,
    ]);
  });

  test('jobs of one session run one after another', async () => {
    em = await start({ submittedMs: 1000, executingMs: 10_000 });
    const a = await call(em, 'POST', '/v1/batch-query/', aquaPayload('Q', 'select Id from Account'));
    const b = await call(em, 'POST', '/v1/batch-query/', aquaPayload('Q', 'select Id from Account'));
    em.control.advance(5);
    const status = async (id: string) => (await call(em, 'GET', `/v1/batch-query/jobs/${id}`)).json.status;
    expect([await status(a.json.id), await status(b.json.id)]).toEqual(['executing', 'submitted']);
    em.control.advance(10);
    expect([await status(a.json.id), await status(b.json.id)]).toEqual(['completed', 'executing']);
  });
});

describe('stateless jobs and files', () => {
  const stateless = { partner: null, project: null, version: '1.1' };

  test('WHERE on UpdatedDate filters; forceExport adds deleted rows flagged', async () => {
    em = await start();
    const o = objectDef('Account')!;
    const cut = Date.UTC(2024, 6, 1);
    let expected = 0;
    let expectedDeleted = 0;
    for (let i = 0; i < em.tenant.count(o); i++) {
      const t = em.tenant.times(o, i);
      if (t.changedMs < cut) continue;
      if (t.deletedMs !== null) expectedDeleted++;
      else expected++;
    }
    const q = "select Id, UpdatedDate from Account where UpdatedDate >= '2024-07-01T00:00:00Z'";
    const plain = await runJob(em, aquaPayload('s', q, stateless));
    expect(rows(await download(em, plain.batches[0].fileId)).length).toBe(expected);
    const forced = await runJob(em, {
      ...aquaPayload('s', q, stateless),
      queries: [
        {
          name: 's',
          query: q,
          type: 'zoqlexport',
          deleted: { column: 'IsDeleted', format: 'Numeric', forceExport: true },
        },
      ],
    });
    const all = rows(await download(em, forced.batches[0].fileId));
    expect(all.filter((r) => r['Account.IsDeleted'] === '1').length).toBe(expectedDeleted);
    expect(all.length).toBe(expected + expectedDeleted);
  });

  test('files carry Object.Field headers, joined ids, ±hhmm date-times, RFC-4180 quoting and Unicode', async () => {
    em = await start();
    const job = await runJob(
      em,
      aquaPayload(
        'f',
        'select Id, Name, Notes, Balance, UpdatedDate, BillToContact.Id from Account',
        stateless,
      ),
    );
    const csv = await download(em, job.batches[0].fileId);
    expect(csv.split('\n')[0]).toBe(
      'Account.Id,Account.Name,Account.Notes,Account.Balance,Account.UpdatedDate,BillToContact.Id',
    );
    const parsed = rows(csv);
    // The first live account (a stateless job leaves deleted rows out).
    const account = objectDef('Account')!;
    let index = 0;
    while (em.tenant.row(account, index).deletedMs !== null) index += 1;
    const first = em.tenant.row(account, index);
    const row0 = parsed.find((r) => r['Account.Id'] === first.values.Id)!;
    expect(row0['BillToContact.Id']).toBe(first.values.BillToContactId);
    expect(row0['Account.Balance']).toBe(first.values.Balance);
    expect(row0['Account.UpdatedDate']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/);
    const notes = parsed.map((r) => r['Account.Notes']);
    expect(notes.some((n) => n?.includes('\n'))).toBe(true);
    expect(notes.some((n) => n?.includes('"'))).toBe(true);
    expect(parsed.some((r) => /[^\u0000-\u007f]/.test(r['Account.Name']!))).toBe(true);
    // The empty string is quoted; a null is an empty unquoted field.
    expect(csv).toMatch(/,"",/);
    expect(csv).toMatch(/,,/);
  });

  test('labels instead of API names without useQueryLabels; nullReplacement; dateTimeUtc off', async () => {
    em = await start();
    const job = await runJob(em, {
      ...aquaPayload('f', 'select Id, Notes, CreatedDate from Account', stateless),
      useQueryLabels: 'false',
      dateTimeUtc: 'false',
      nullReplacement: 'NULL',
    });
    const csv = await download(em, job.batches[0].fileId);
    expect(csv.split('\n')[0]).toBe('Account: ID,Account: Notes,Account: Created Date');
    expect(csv).toContain(',NULL,');
    expect(rows(csv)[0]!['Account: Created Date']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  test('segments stateful full loads, purges files after the retention, gzips on request', async () => {
    em = await start({ segmentSize: 20 });
    const job = await runJob(em, aquaPayload('seg', 'select Id from Account'));
    const segments: string[] = job.batches[0].segments;
    expect(segments.length).toBe(Math.ceil(census('Account').live / 20));
    const ids = (await Promise.all(segments.map((s) => download(em, s)))).flatMap((c) =>
      rows(c).map((r) => r['Account.Id']),
    );
    expect(new Set(ids).size).toBe(census('Account').live);
    em.control.advance(3 * 86_400 + 120);
    expect((await call(em, 'GET', `/v1/file/${segments[0]}`)).status).toBe(404);

    const gz = await runJob(em, {
      ...aquaPayload('gz', 'select Id from Account', stateless),
      format: 'gzip',
    });
    const res = await fetch(`${em.url}/v1/file/${gz.batches[0].fileId}`, {
      headers: { apiAccessKeyId: em.credentials.username, apiSecretAccessKey: em.credentials.password },
    });
    expect(res.headers.get('content-type')).toBe('application/x-gzip');
    const { gunzipSync } = await import('node:zlib');
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    expect(rows(text).length).toBe(census('Account').live);
  });

  test('injects NUL bytes and truncated, non-rectangular files', async () => {
    em = await start();
    const job = await runJob(em, aquaPayload('n', 'select Id, Name from Account', stateless));
    em.control.injectFileFault({ kind: 'nul' });
    expect(await download(em, job.batches[0].fileId)).toContain('\u0000');
    em.control.injectFileFault({ kind: 'truncate' });
    const cut = await download(em, job.batches[0].fileId);
    const lines = cut.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(census('Account').live + 1);
    expect(lines.at(-1)!.split(',').length).toBeLessThan(2);
  });

  test('same seed, same data; another seed, other data', async () => {
    em = await start({ seed: 42 });
    const a = await download(
      em,
      (await runJob(em, aquaPayload('d', 'select Id, Name, Balance from Account', stateless))).batches[0]
        .fileId,
    );
    await em.close();
    em = await start({ seed: 42 });
    const b = await download(
      em,
      (await runJob(em, aquaPayload('d', 'select Id, Name, Balance from Account', stateless))).batches[0]
        .fileId,
    );
    await em.close();
    em = await start({ seed: 43 });
    const c = await download(
      em,
      (await runJob(em, aquaPayload('d', 'select Id, Name, Balance from Account', stateless))).batches[0]
        .fileId,
    );
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
