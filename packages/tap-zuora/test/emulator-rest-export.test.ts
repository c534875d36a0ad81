import { parse } from 'csv-parse/sync';
import { afterEach, expect, test } from 'vitest';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { call, start } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

test('an export walks Pending → Processing → Completed and its file is under /v1/files/', async () => {
  em = await start({ submittedMs: 5000, executingMs: 5000 });
  const created = await call(em, 'POST', '/v1/object/export', {
    Format: 'csv',
    Query:
      "select Id, Name, UpdatedDate from Account where UpdatedDate >= '2024-01-01T00:00:00Z' and UpdatedDate < '2024-07-01T00:00:00Z'",
  });
  expect(created.json).toMatchObject({ Success: true });
  const status = async () => (await call(em, 'GET', `/v1/object/export/${created.json.Id}`)).json;
  expect((await status()).Status).toBe('Pending');
  em.control.advance(6);
  expect((await status()).Status).toBe('Processing');
  em.control.advance(6);
  const done = await status();
  expect(done).toMatchObject({ Status: 'Completed', StatusReason: null });
  const o = objectDef('Account')!;
  const expected = [...em.tenant.rows(o)].filter(
    (r) => r.deletedMs === null && r.changedMs >= Date.UTC(2024, 0, 1) && r.changedMs < Date.UTC(2024, 6, 1),
  );
  expect(done.Size).toBe(expected.length);
  expect((await call(em, 'GET', `/v1/file/${done.FileId}`)).status).toBe(404);
  const file = await call(em, 'GET', `/v1/files/${done.FileId}`);
  const rows = parse(file.text, { columns: true }) as Record<string, string>[];
  expect(rows.map((r) => r['Account.Id']).sort()).toEqual(expected.map((r) => r.values.Id).sort());
  em.control.advance(7 * 86_400 + 60);
  expect((await call(em, 'GET', `/v1/files/${done.FileId}`)).status).toBe(404);
});

test('failed exports carry StatusReason; REST-rejected fields and unknown objects answer Success: false', async () => {
  em = await start();
  em.control.injectJobFault({ outcome: 'aborted', message: 'Export exceeded 3 hours.' });
  const created = await call(em, 'POST', '/v1/object/export', {
    Format: 'csv',
    Query: 'select Id from Invoice',
  });
  em.control.advance(60);
  expect((await call(em, 'GET', `/v1/object/export/${created.json.Id}`)).json).toMatchObject({
    Status: 'Failed',
    StatusReason: 'Export exceeded 3 hours.',
    FileId: null,
  });
  const denied = await call(em, 'POST', '/v1/object/export', {
    Format: 'csv',
    Query: 'select Id, TemplateId from Invoice',
  });
  expect(denied.status).toBe(400);
  expect(denied.json).toEqual({
    Success: false,
    Errors: [{ Code: 'INVALID_VALUE', Message: expect.any(String) }],
  });
  // AQuA accepts that same field.
  const aqua = await call(em, 'POST', '/v1/batch-query/', {
    version: '1.1',
    queries: [{ query: 'select Id, TemplateId from Invoice', type: 'zoqlexport' }],
  });
  expect(aqua.json.errorCode).toBeUndefined();
  const unknown = await call(em, 'POST', '/v1/object/export', {
    Format: 'csv',
    Query: 'select Id from ChargeMetrics',
  });
  expect(unknown.json.Success).toBe(false);
});
