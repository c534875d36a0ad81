import { afterEach, expect, test } from 'vitest';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { call, type J, start } from './helpers.js';

let em: ZuoraEmulator;
afterEach(async () => {
  await em?.close();
});

test('query and queryMore page with the locator; size is the total; null fields are left out', async () => {
  em = await start({ accounts: 40 });
  const live = [...em.tenant.rows(objectDef('Contact')!)].filter((r) => r.deletedMs === null);
  const first = await call(em, 'POST', '/v1/action/query', {
    queryString: 'select Id, Description, UpdatedDate from Contact',
    conf: { batchSize: 25 },
  });
  expect(first.json).toMatchObject({ size: live.length, done: false });
  expect(first.json.queryLocator).toMatch(/-25$/);
  const records: J[] = [...first.json.records];
  let locator = first.json.queryLocator;
  while (locator) {
    const more = await call(em, 'POST', '/v1/action/queryMore', {
      queryLocator: locator,
      conf: { batchSize: 25 },
    });
    records.push(...more.json.records);
    locator = more.json.done ? null : more.json.queryLocator;
  }
  expect(records.map((r) => r.Id)).toEqual(live.map((r) => r.values.Id));
  const nullDescription = live.findIndex((r) => r.values.Description === null);
  expect(nullDescription).toBeGreaterThanOrEqual(0);
  expect(Object.keys(records[nullDescription])).toEqual(['Id', 'UpdatedDate']);
  expect(records[0].UpdatedDate).toMatch(/[+-]\d{2}:\d{2}$/);
});

test('default pages hold 2,000 records; an idle locator and a malformed query fail in the CRUD envelope', async () => {
  em = await start({ accounts: 1500, locatorIdleMs: 60_000 });
  const first = await call(em, 'POST', '/v1/action/query', { queryString: 'select Id from Contact' });
  expect(first.json.records).toHaveLength(2000);
  em.control.advance(61);
  const expired = await call(em, 'POST', '/v1/action/queryMore', { queryLocator: first.json.queryLocator });
  expect(expired.status).toBe(400);
  expect(expired.json).toMatchObject({ Success: false, Errors: [{ Code: 'INVALID_VALUE' }] });
  const malformed = await call(em, 'POST', '/v1/action/query', {
    queryString: 'select Account.Name from Contact',
  });
  expect(malformed.json).toMatchObject({ Success: false, Errors: [{ Code: 'MALFORMED_QUERY' }] });
});
