import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { Api, api, completeJob, type J, start, window } from './emulator-helpers.js';

let em: MarketoEmulator;
afterEach(async () => {
  await em?.close();
});

const JAN = window('2024-01-01T00:00:00Z', '2024-01-31T00:00:00Z');
const leadJob = (extra: J = {}) => ({
  fields: ['id', 'email', 'updatedAt'],
  format: 'CSV',
  filter: { createdAt: JAN },
  ...extra,
});

async function createAndEnqueue(a: Api, kind = 'leads', body: J = leadJob()): Promise<string> {
  const c = await a.post(`/bulk/v1/${kind}/export/create.json`, body);
  expect(c.json.success, c.text).toBe(true);
  const id = c.json.result[0].exportId;
  const q = await a.post(`/bulk/v1/${kind}/export/${id}/enqueue.json`);
  expect(q.json.success, q.text).toBe(true);
  return id;
}

const statusOf = async (a: Api, id: string, kind = 'leads') =>
  (await a.get(`/bulk/v1/${kind}/export/${id}/status.json`)).json.result[0];

describe('bulk job lifecycle', () => {
  it('goes Created → Queued → Processing → Completed, a tick at a time, with file facts null until done', async () => {
    em = await start();
    const a = await api(em);
    const c = await a.post('/bulk/v1/leads/export/create.json', leadJob());
    const created = c.json.result[0];
    expect(created).toMatchObject({ status: 'Created', format: 'CSV' });
    expect(created.exportId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    const q = (await a.post(`/bulk/v1/leads/export/${created.exportId}/enqueue.json`)).json.result[0];
    expect(q).toMatchObject({
      status: 'Queued',
      fileSize: null,
      numberOfRecords: null,
      fileChecksum: null,
      finishedAt: null,
    });
    em.control.advance(59);
    expect((await statusOf(a, created.exportId)).status).toBe('Queued');
    em.control.advance(1);
    expect((await statusOf(a, created.exportId)).status).toBe('Processing');
    em.control.advance(119);
    expect((await statusOf(a, created.exportId)).status).toBe('Processing');
    em.control.advance(1);
    const done = await statusOf(a, created.exportId);
    expect(done).toMatchObject({
      status: 'Completed',
      numberOfRecords: expect.any(Number),
      fileSize: expect.any(Number),
    });
    expect(done.numberOfRecords).toBeGreaterThan(0);
    const file = await a.get(`/bulk/v1/leads/export/${created.exportId}/file.json`);
    expect(file.status).toBe(200);
    expect(file.bytes.length).toBe(done.fileSize);
    expect(`sha256:${createHash('sha256').update(file.bytes).digest('hex')}`).toBe(done.fileChecksum);
    expect(parse(file.bytes, { columns: true })).toHaveLength(done.numberOfRecords);
  });

  it('processes at most 2 jobs at once; the rest wait in Queued', async () => {
    em = await start();
    const a = await api(em);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await createAndEnqueue(a));
    em.control.advance(60);
    const statuses = await Promise.all(ids.map(async (id) => (await statusOf(a, id)).status));
    expect(statuses).toEqual(['Processing', 'Processing', 'Queued', 'Queued']);
    em.control.advance(120);
    const later = await Promise.all(ids.map(async (id) => (await statusOf(a, id)).status));
    expect(later).toEqual(['Completed', 'Completed', 'Processing', 'Processing']);
  });

  it('refuses an 11th queued job and a re-enqueue with 1029', async () => {
    em = await start();
    const a = await api(em);
    const ids = [];
    for (let i = 0; i < 10; i++)
      ids.push(
        await createAndEnqueue(
          a,
          i % 2 ? 'leads' : 'activities',
          i % 2 ? leadJob() : { filter: { createdAt: JAN } },
        ),
      );
    const c = await a.post('/bulk/v1/leads/export/create.json', leadJob());
    const full = await a.post(`/bulk/v1/leads/export/${c.json.result[0].exportId}/enqueue.json`);
    expect(full.json.errors).toEqual([{ code: '1029', message: 'Too many jobs in queue' }]);
    const again = await a.post(`/bulk/v1/leads/export/${ids[1]}/enqueue.json`);
    expect(again.json.errors).toEqual([{ code: '1029', message: 'Job already queued' }]);
  });

  it('refuses create and enqueue once the daily export quota is used, until midnight Central', async () => {
    em = await start({ bulk: { dailyQuotaBytes: 1000 } });
    const a = await api(em);
    const waiting = (await a.post('/bulk/v1/leads/export/create.json', leadJob())).json.result[0].exportId;
    const done = await completeJob(a, 'leads', leadJob());
    expect(done.fileSize).toBeGreaterThan(1000);
    const create = await a.post('/bulk/v1/leads/export/create.json', leadJob());
    expect(create.json.errors).toEqual([{ code: '1029', message: 'Export daily quota exceeded' }]);
    const enqueue = await a.post(`/bulk/v1/leads/export/${waiting}/enqueue.json`);
    expect(enqueue.json.errors[0].message).toBe('Export daily quota exceeded');
    em.control.setNow('2025-02-02T06:00:00Z');
    await a.login();
    expect((await a.post('/bulk/v1/leads/export/create.json', leadJob())).json.success).toBe(true);
  });

  it('ends scripted jobs Failed with errorMsg or Cancelled, and keeps a never-finishing job Processing', async () => {
    em = await start();
    const a = await api(em);
    em.control.scriptJobs([
      { outcome: 'fail', errorMsg: 'Out of disk' },
      { outcome: 'cancel' },
      { outcome: 'never' },
    ]);
    const failed = await completeJob(a, 'leads', leadJob());
    expect(failed).toMatchObject({ status: 'Failed', errorMsg: 'Out of disk', fileSize: null });
    expect((await completeJob(a, 'leads', leadJob())).status).toBe('Cancelled');
    const stuck = await createAndEnqueue(a);
    em.control.advance(10 * 3600);
    await a.login();
    expect((await statusOf(a, stuck)).status).toBe('Processing');
    const cancelled = await a.post(`/bulk/v1/leads/export/${stuck}/cancel.json`);
    expect(cancelled.json.result[0].status).toBe('Cancelled');
  });

  it('spells the cancelled status as configured', async () => {
    em = await start({ bulk: { cancelledSpelling: 'Canceled' } });
    const a = await api(em);
    const id = await createAndEnqueue(a);
    expect((await a.post(`/bulk/v1/leads/export/${id}/cancel.json`)).json.result[0].status).toBe('Canceled');
  });
});

describe('bulk job validation', () => {
  const cases: [string, string, J, string, RegExp][] = [
    [
      'two lead filters',
      'leads',
      leadJob({ filter: { createdAt: JAN, updatedAt: JAN } }),
      '1003',
      /one filter/,
    ],
    [
      'a range over 31 days',
      'leads',
      leadJob({ filter: { createdAt: window('2024-01-01T00:00:00Z', '2024-02-01T00:00:01Z') } }),
      '1003',
      /31 days/,
    ],
    [
      'milliseconds',
      'leads',
      leadJob({ filter: { createdAt: window('2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00Z') } }),
      '1003',
      /milliseconds/,
    ],
    [
      'an unknown field',
      'leads',
      leadJob({ fields: ['id', 'fax', 'site'] }),
      '1003',
      /Invalid fields \[fax, site\]/,
    ],
    [
      'a formula field',
      'leads',
      leadJob({ fields: ['id', 'totalPipelineScore'] }),
      '1003',
      /totalPipelineScore/,
    ],
    ['a field without REST access', 'leads', leadJob({ fields: ['LegacyScore'] }), '1003', /LegacyScore/],
    ['no fields', 'leads', leadJob({ fields: [] }), '701', /blank/],
    ['activities without createdAt', 'activities', { filter: { activityTypeIds: [1] } }, '1003', /createdAt/],
    [
      'Delete Lead activities',
      'activities',
      { filter: { createdAt: JAN, activityTypeIds: [37] } },
      '1003',
      /37/,
    ],
    [
      'an unknown activity field',
      'activities',
      { fields: ['marketoGUID', 'bogus'], filter: { createdAt: JAN } },
      '1003',
      /bogus/,
    ],
  ];
  for (const [what, kind, body, code, message] of cases) {
    it(`refuses ${what} with ${code}`, async () => {
      em = await start();
      const a = await api(em);
      const r = await a.post(`/bulk/v1/${kind}/export/create.json`, body);
      expect(r.status).toBe(200);
      expect(r.json.success).toBe(false);
      expect(r.json.result).toBeUndefined();
      expect(r.json.errors[0].code).toBe(code);
      expect(r.json.errors[0].message).toMatch(message);
    });
  }

  it('answers 1035 for updatedAt and smart-list filters when the subscription lacks them', async () => {
    em = await start({ features: { updatedAtFilter: false } });
    const a = await api(em);
    const r = await a.post('/bulk/v1/leads/export/create.json', leadJob({ filter: { updatedAt: JAN } }));
    expect(r.json.errors[0].code).toBe('1035');
    expect(
      (await a.post('/bulk/v1/leads/export/create.json', leadJob({ filter: { smartListId: 3 } }))).json
        .errors[0].code,
    ).toBe('1035');
    expect((await a.post('/bulk/v1/leads/export/create.json', leadJob())).json.success).toBe(true);
  });
});

describe('bulk file endpoint', () => {
  it('answers 404 in plain text for a job not completed, unknown, or another client’s', async () => {
    em = await start({
      clients: [
        { clientId: 'a', clientSecret: 'sa', user: 'a@example.com' },
        { clientId: 'b', clientSecret: 'sb', user: 'b@example.com' },
      ],
    });
    const a = await new Api(em, 'a', 'sa').login();
    const b = await new Api(em, 'b', 'sb').login();
    const id = await createAndEnqueue(a);
    const early = await a.get(`/bulk/v1/leads/export/${id}/file.json`);
    expect(early.status).toBe(404);
    expect(early.headers.get('content-type')).toMatch(/^text\/plain/);
    em.control.advance(300);
    expect((await a.get(`/bulk/v1/leads/export/${id}/file.json`)).status).toBe(200);
    expect((await b.get(`/bulk/v1/leads/export/${id}/file.json`)).status).toBe(404);
    expect((await b.get(`/bulk/v1/leads/export/${id}/status.json`)).json.success).toBe(false);
    expect((await a.get('/bulk/v1/leads/export/00000000-0000-0000-0000-000000000000/file.json')).status).toBe(
      404,
    );
    expect((await a.get(`/bulk/v1/activities/export/${id}/file.json`)).status).toBe(404);
  });

  it('expires files after 7 days and can answer 404 behind a Completed status (the #62 quirk)', async () => {
    em = await start();
    const a = await api(em);
    const done = await completeJob(a, 'leads', leadJob());
    em.control.advance(7 * 86400);
    await a.login();
    expect((await a.get(`/bulk/v1/leads/export/${done.exportId}/file.json`)).status).toBe(200);
    em.control.advance(60);
    expect((await a.get(`/bulk/v1/leads/export/${done.exportId}/file.json`)).status).toBe(404);
    em.control.scriptJobs([{ outcome: 'complete', fileMissing: true }]);
    const quirk = await completeJob(a, 'leads', leadJob());
    expect(quirk.status).toBe('Completed');
    expect(
      (await a.get(`/bulk/v1/leads/export/${quirk.exportId}/file.json`, { Range: 'bytes=0-0' })).status,
    ).toBe(404);
  });

  it('serves Range requests with 206 and Content-Range, and resumes a broken download to the same bytes', async () => {
    em = await start({ leads: 3000 });
    const a = await api(em);
    const done = await completeJob(
      a,
      'leads',
      leadJob({ fields: ['id', 'firstName', 'comments', 'address'] }),
    );
    expect(done.fileSize).toBeGreaterThan(10_000);
    const path = `/bulk/v1/leads/export/${done.exportId}/file.json`;
    const whole = await a.get(path);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const part = await a.get(path, { Range: 'bytes=0-9999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-9999/${done.fileSize}`);
    expect(part.headers.get('content-length')).toBe('10000');
    expect(part.bytes.equals(whole.bytes.subarray(0, 10000))).toBe(true);
    expect((await a.get(path, { Range: `bytes=${done.fileSize}-` })).status).toBe(416);

    em.control.injectFault({ kind: 'truncate', afterBytes: 4321, path: '/file.json' });
    const res = await fetch(`${em.url}${path}`, { headers: { Authorization: `Bearer ${a.token}` } });
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          received.push(Buffer.from(chunk));
      })(),
    ).rejects.toThrow();
    const got = Buffer.concat(received);
    expect(got.length).toBe(4321);
    const rest = await a.get(path, { Range: `bytes=${got.length}-${done.fileSize - 1}` });
    expect(rest.status).toBe(206);
    const joined = Buffer.concat([got, rest.bytes]);
    expect(`sha256:${createHash('sha256').update(joined).digest('hex')}`).toBe(done.fileChecksum);
  });
});

describe('bulk job list', () => {
  it('lists own jobs of the last 7 days by status, paged by nextPageToken', async () => {
    em = await start({
      clients: [
        { clientId: 'a', clientSecret: 'sa', user: 'a@example.com' },
        { clientId: 'b', clientSecret: 'sb', user: 'b@example.com' },
      ],
    });
    const a = await new Api(em, 'a', 'sa').login();
    const b = await new Api(em, 'b', 'sb').login();
    const old = await completeJob(a, 'leads', leadJob());
    em.control.advance(8 * 86400);
    await a.login();
    await b.login();
    await createAndEnqueue(b);
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await completeJob(a, 'leads', leadJob())).exportId);
    await a.post('/bulk/v1/leads/export/create.json', leadJob());
    const first = await a.get('/bulk/v1/leads/export.json?status=Completed,Failed&batchSize=2');
    expect(first.json.result).toHaveLength(2);
    expect(first.json.nextPageToken).toEqual(expect.any(String));
    const second = await a.get(
      `/bulk/v1/leads/export.json?status=Completed,Failed&batchSize=2&nextPageToken=${first.json.nextPageToken}`,
    );
    const listed = [...first.json.result, ...second.json.result].map((j: J) => j.exportId);
    expect(listed.sort()).toEqual([...mine].sort());
    expect(listed).not.toContain(old.exportId);
    const created = await a.get('/bulk/v1/leads/export.json?status=Created');
    expect(created.json.result).toHaveLength(1);
  });
});

describe('export CSV as Marketo writes it', () => {
  it('writes header names, literal null, "" for empty strings, quoted newlines, CR, NUL and multi-byte text', async () => {
    em = await start({ leads: 2000 });
    const a = await api(em);
    const fields = [
      'id',
      'firstName',
      'company',
      'title',
      'address',
      'comments',
      'engagementPercent',
      'regionNickname',
      'contractValue',
      'unsubscribed',
      'dateOfBirth',
      'updatedAt',
    ];
    const done = await completeJob(a, 'leads', {
      fields,
      columnHeaderNames: { firstName: 'First Name', engagementPercent: 'Engagement %' },
      filter: { createdAt: window('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z') },
    });
    const file = await a.get(`/bulk/v1/leads/export/${done.exportId}/file.json`);
    const text = file.text;
    expect(text.split('\n')[0]).toBe(
      'id,First Name,company,title,address,comments,Engagement %,regionNickname,contractValue,unsubscribed,dateOfBirth,updatedAt',
    );
    expect(text).toMatch(/,null,/);
    expect(text).toMatch(/,"",/);
    expect(text).toContain('\r\n');
    expect(text).toMatch(/Suite 5\u0000"/);
    expect(text).toMatch(/\rSuite/);
    expect(text).toContain('"Smith, Jones & ""Partners"" LLP"');
    const rows: string[][] = parse(file.bytes, { from_line: 2, relax_column_count: false });
    expect(rows).toHaveLength(done.numberOfRecords);
    expect(rows.every((r) => r.length === fields.length)).toBe(true);
    const col = (name: string) => rows.map((r) => r[fields.indexOf(name)] as string);
    expect(col('engagementPercent').some((v) => /^\d+\.5$/.test(v))).toBe(true);
    expect(col('regionNickname')).toContain('null');
    expect(col('title')).toContain('');
    expect(col('firstName').some((v) => /[^\x00-\x7f]/.test(v))).toBe(true);
    expect(col('comments').some((v) => v.includes('\n'))).toBe(true);
    expect(col('contractValue')).toContain('12345678901234.57');
    expect(col('unsubscribed').every((v) => v === 'true' || v === 'false')).toBe(true);
    expect(col('dateOfBirth').every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))).toBe(true);
    expect(col('updatedAt').every((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v))).toBe(true);
  });

  it('writes activity attributes as one JSON cell keyed by display names, without Delete Lead', async () => {
    em = await start({ leads: 500, activities: 20000 });
    const a = await api(em);
    const done = await completeJob(a, 'activities', {
      filter: { createdAt: window('2024-03-01T00:00:00Z', '2024-03-31T00:00:00Z') },
    });
    const file = await a.get(`/bulk/v1/activities/export/${done.exportId}/file.json`);
    const rows: J[] = parse(file.bytes, { columns: true });
    expect(Object.keys(rows[0])).toEqual([
      'marketoGUID',
      'leadId',
      'activityDate',
      'activityTypeId',
      'campaignId',
      'primaryAttributeValueId',
      'primaryAttributeValue',
      'attributes',
    ]);
    expect(rows.some((r) => r.activityTypeId === '37')).toBe(false);
    expect(rows.some((r) => r.campaignId === 'null')).toBe(true);
    for (const r of rows) {
      const t = Date.parse(r.activityDate);
      expect(t).toBeGreaterThanOrEqual(Date.parse('2024-03-01T00:00:00Z'));
      expect(t).toBeLessThan(Date.parse('2024-03-31T00:00:00Z'));
      expect(typeof JSON.parse(r.attributes)).toBe('object');
    }
    const visit = rows.find((r) => r.activityTypeId === '1');
    expect(Object.keys(JSON.parse(visit.attributes))).toContain('Client IP Address');
    expect(file.text).toMatch(/"\{""[A-Z]/);
  });

  it('filters activities by type id and writes a header-only file when nothing matches', async () => {
    em = await start({ leads: 500, activities: 20000 });
    const a = await api(em);
    const typed = await completeJob(a, 'activities', {
      filter: {
        createdAt: window('2024-03-01T00:00:00Z', '2024-03-31T00:00:00Z'),
        activityTypeIds: [100001],
      },
    });
    const rows: J[] = parse((await a.get(`/bulk/v1/activities/export/${typed.exportId}/file.json`)).bytes, {
      columns: true,
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.activityTypeId === '100001')).toBe(true);
    const empty = await completeJob(a, 'activities', {
      filter: { createdAt: window('2023-01-01T00:00:00Z', '2023-01-31T00:00:00Z') },
    });
    expect(empty.numberOfRecords).toBe(0);
    const body = (await a.get(`/bulk/v1/activities/export/${empty.exportId}/file.json`)).text;
    expect(body).toBe(
      'marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n',
    );
  });

  it('writes TSV and SSV with the same quoting rules', async () => {
    em = await start();
    const a = await api(em);
    for (const [format, delimiter] of [
      ['TSV', '\t'],
      ['SSV', ' '],
    ] as const) {
      const done = await completeJob(a, 'leads', leadJob({ format, fields: ['id', 'company', 'comments'] }));
      const file = await a.get(`/bulk/v1/leads/export/${done.exportId}/file.json`);
      const rows: J[] = parse(file.bytes, { columns: true, delimiter });
      expect(rows).toHaveLength(done.numberOfRecords);
      expect(rows.some((r) => r.company.includes(' '))).toBe(true);
    }
  });

  it('matches the updatedAt filter on the last change to any field, so a row’s updatedAt can fall outside the window', async () => {
    em = await start({ leads: 3000 });
    const a = await api(em);
    const w = window('2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z');
    const done = await completeJob(a, 'leads', { fields: ['id', 'updatedAt'], filter: { updatedAt: w } });
    const rows: J[] = parse((await a.get(`/bulk/v1/leads/export/${done.exportId}/file.json`)).bytes, {
      columns: true,
    });
    expect(rows.length).toBeGreaterThan(0);
    const outside = rows.filter(
      (r) =>
        Date.parse(r.updatedAt) < Date.parse(w.startAt) || Date.parse(r.updatedAt) >= Date.parse(w.endAt),
    );
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.length).toBeLessThan(rows.length);
  });

  it('leaves deleted leads out of lead exports', async () => {
    em = await start({ leads: 1000 });
    const a = await api(em);
    const done = await completeJob(a, 'leads', {
      fields: ['id'],
      filter: { createdAt: window('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z') },
    });
    const ids = new Set(
      (
        parse((await a.get(`/bulk/v1/leads/export/${done.exportId}/file.json`)).bytes, {
          columns: true,
        }) as J[]
      ).map((r) => Number(r.id)),
    );
    expect(ids.has(1001 + 49)).toBe(false);
    expect(ids.has(1001 + 48)).toBe(true);
  });
});
