import { afterEach, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { api, completeJob, type J, start } from './emulator-helpers.js';

let em: MarketoEmulator;
afterEach(async () => {
  await em?.close();
});

async function control(method: string, path: string, body?: unknown): Promise<J> {
  const r = await fetch(`${em.url}/__emulator${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(r.status, path).toBe(200);
  return r.json();
}

describe('control over HTTP', () => {
  it('moves the clock, injects and clears faults, and logs requests with their Marketo codes', async () => {
    em = await start();
    const a = await api(em);
    expect((await control('POST', '/clock', { advance: 30 })).now).toBe('2025-02-01T12:00:30.000Z');
    await control('POST', '/faults', { faults: [{ kind: 'code', code: 608, times: 2, path: '/lists' }] });
    expect((await control('GET', '/state')).faults).toHaveLength(1);
    expect((await a.get('/rest/v1/lists.json')).json.errors[0].code).toBe('608');
    await control('DELETE', '/faults');
    expect((await a.get('/rest/v1/lists.json')).json.success).toBe(true);
    const log = (await control('GET', '/requests')).requests;
    expect(log.map((r: J) => [r.path, r.code ?? null])).toEqual([
      ['/rest/v1/lists.json', '608'],
      ['/rest/v1/lists.json', null],
    ]);
    await control('DELETE', '/requests');
    expect((await control('GET', '/requests')).requests).toEqual([]);
  });

  it('scripts job outcomes, switches features, sets the quota and expires tokens', async () => {
    em = await start();
    const a = await api(em);
    await control('POST', '/jobs/script', { outcomes: [{ outcome: 'fail', errorMsg: 'scripted' }] });
    const body = {
      fields: ['id'],
      filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-02T00:00:00Z' } },
    };
    expect(await completeJob(a, 'leads', body)).toMatchObject({ status: 'Failed', errorMsg: 'scripted' });
    await control('POST', '/features', { updatedAtFilter: false });
    const r = await a.post('/bulk/v1/leads/export/create.json', {
      ...body,
      filter: { updatedAt: body.filter.createdAt },
    });
    expect(r.json.errors[0].code).toBe('1035');
    await control('POST', '/bulk', { maxQueued: 1 });
    expect((await control('GET', '/state')).bulk.maxQueued).toBe(1);
    await control('POST', '/quota', { dailyCalls: 100, addCalls: 100 });
    expect((await a.get('/rest/v1/lists.json')).json.errors[0].code).toBe('607');
    await control('POST', '/quota', { dailyCalls: null });
    await control('POST', '/tokens/expire');
    expect((await a.get('/rest/v1/lists.json')).json.errors[0].code).toBe('602');
  });
});
