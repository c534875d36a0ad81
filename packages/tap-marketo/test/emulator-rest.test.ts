import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { type Api, api, type J, start } from './emulator-helpers.js';

let em: MarketoEmulator;
let a: Api;
beforeAll(async () => {
  em = await start({ leads: 400, activities: 3000, campaigns: 650, lists: 301, programs: 450 });
  a = await api(em);
});
afterAll(() => em.close());

describe('lead describe', () => {
  it('lists fields of every Marketo data type, some without a rest object', async () => {
    const r = await a.get('/rest/v1/leads/describe.json');
    expect(r.json.success).toBe(true);
    const fields: J[] = r.json.result;
    const types = new Set(fields.map((f) => f.dataType));
    for (const t of [
      'string',
      'email',
      'url',
      'phone',
      'text',
      'textarea',
      'reference',
      'lead_function',
      'integer',
      'percent',
      'score',
      'float',
      'currency',
      'boolean',
      'date',
      'datetime',
      'formula',
    ]) {
      expect(types, t).toContain(t);
    }
    const soapOnly = fields.filter((f) => f.rest === undefined);
    expect(soapOnly.length).toBeGreaterThan(0);
    expect(soapOnly[0]).toMatchObject({ soap: { name: expect.any(String) } });
    const id = fields.find((f) => f.rest?.name === 'id');
    expect(id).toMatchObject({ dataType: 'integer', rest: { readOnly: true } });
  });

  it('serves describe2 with the REST fields and the searchable ones', async () => {
    const r = await a.get('/rest/v1/leads/describe2.json');
    const [lead] = r.json.result;
    expect(lead.name).toBe('API Lead');
    expect(lead.searchableFields).toContainEqual(['email']);
    expect(lead.fields.find((f: J) => f.name === 'email')).toMatchObject({
      dataType: 'email',
      updateable: true,
    });
    expect(lead.fields.some((f: J) => f.name === undefined)).toBe(false);
  });
});

describe('activity types', () => {
  it('lists standard and custom types with spaces in names, primary attributes and attributes', async () => {
    const r = await a.get('/rest/v1/activities/types.json');
    const types: J[] = r.json.result;
    expect(r.json.nextPageToken).toBeUndefined();
    expect(types.find((t) => t.id === 1)).toMatchObject({
      name: 'Visit Webpage',
      primaryAttribute: { name: 'Webpage ID', dataType: 'integer' },
    });
    expect(types.find((t) => t.id === 37)?.name).toBe('Delete Lead');
    const custom = types.filter((t) => t.id >= 100000);
    expect(custom.length).toBeGreaterThan(0);
    expect(custom[0].name).toContain(' ');
    for (const t of types)
      for (const attr of t.attributes)
        expect(attr).toEqual({ name: expect.any(String), dataType: expect.any(String) });
  });
});

async function walkPositions(path: string): Promise<{ pages: J[]; items: J[] }> {
  const pages: J[] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const r = await a.get(`${path}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
    expect(r.json.success).toBe(true);
    pages.push(r.json);
    token = r.json.nextPageToken;
    if (!token) break;
  }
  return { pages, items: pages.flatMap((p) => p.result) };
}

describe('campaigns and lists (position tokens)', () => {
  it('pages campaigns by 300 with no nextPageToken on the last page', async () => {
    const { pages, items } = await walkPositions('/rest/v1/campaigns.json?batchSize=300');
    expect(pages.map((p) => p.result.length)).toEqual([300, 300, 50]);
    expect(pages[2].nextPageToken).toBeUndefined();
    expect(new Set(items.map((c) => c.id)).size).toBe(650);
    const c = items[0];
    for (const key of [
      'id',
      'name',
      'description',
      'type',
      'programId',
      'programName',
      'workspaceName',
      'active',
      'createdAt',
      'updatedAt',
    ]) {
      expect(c[key], key).not.toBeNull();
      expect(c[key], key).not.toBeUndefined();
    }
    expect(['batch', 'trigger']).toContain(c.type);
    expect(c.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('accepts a token saved in state when a run resumes', async () => {
    const first = await a.get('/rest/v1/lists.json?batchSize=100');
    const saved = first.json.nextPageToken as string;
    expect(saved).toMatch(/^[A-Z2-7]+=*$/);
    const resumed = await a.get(
      `/rest/v1/lists.json?batchSize=300&nextPageToken=${encodeURIComponent(saved)}`,
    );
    expect(resumed.json.result[0].id).toBe(101);
    expect(resumed.json.result).toHaveLength(201);
    expect(resumed.json.nextPageToken).toBeUndefined();
  });

  it('refuses batchSize over 300 and a garbage token', async () => {
    expect((await a.get('/rest/v1/lists.json?batchSize=301')).json.errors[0].code).toBe('1003');
    expect((await a.get('/rest/v1/lists.json?nextPageToken=NOTATOKEN')).json.errors[0].code).toBe('1003');
  });
});

describe('programs (Asset API offsets)', () => {
  it('pages with offset/maxReturn ≤ 200 and ends with the No assets found warning', async () => {
    const seen: J[] = [];
    let offset = 0;
    let last: J;
    for (;;) {
      last = (await a.get(`/rest/asset/v1/programs.json?maxReturn=200&offset=${offset}`)).json;
      if (!last.result) break;
      seen.push(...last.result);
      offset += 200;
    }
    expect(last).toMatchObject({
      success: true,
      warnings: ['No assets found for the given search criteria.'],
    });
    expect(last.result).toBeUndefined();
    expect(seen).toHaveLength(450);
    const p = seen[0];
    expect(p.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\+0000$/);
    for (const key of [
      'id',
      'name',
      'description',
      'url',
      'type',
      'channel',
      'folder',
      'status',
      'workspace',
      'headStart',
    ]) {
      expect(p[key], key).not.toBeUndefined();
    }
    expect(p.folder).toEqual({ type: 'Folder', value: expect.any(Number), folderName: expect.any(String) });
    expect((await a.get('/rest/asset/v1/programs.json?maxReturn=201')).json.errors[0].code).toBe('1003');
  });

  it('filters by updatedAt range and rejects earliest after latest', async () => {
    const r = await a.get(
      '/rest/asset/v1/programs.json?maxReturn=200&earliestUpdatedAt=2024-10-01T00:00:00Z&latestUpdatedAt=2024-12-31T00:00:00Z',
    );
    expect(r.json.result.length).toBeGreaterThan(0);
    for (const p of r.json.result) {
      const t = Date.parse(p.updatedAt.replace('Z+0000', 'Z'));
      expect(t).toBeGreaterThanOrEqual(Date.parse('2024-10-01T00:00:00Z'));
      expect(t).toBeLessThanOrEqual(Date.parse('2024-12-31T00:00:00Z'));
    }
    const bad = await a.get(
      '/rest/asset/v1/programs.json?earliestUpdatedAt=2025-03-01T00:00:00Z&latestUpdatedAt=2025-02-01T00:00:00Z',
    );
    expect(bad.json.success).toBe(false);
  });

  it('serves smart campaigns and static lists the same way', async () => {
    const sc = await a.get('/rest/asset/v1/smartCampaigns.json?maxReturn=5');
    expect(sc.json.result).toHaveLength(5);
    expect(sc.json.result[0]).toMatchObject({ folder: { type: 'Program' }, isActive: expect.any(Boolean) });
    const sl = await a.get('/rest/asset/v1/staticLists.json?maxReturn=200&offset=300');
    expect(sl.json.result).toHaveLength(1);
  });
});

describe('activities (date paging tokens)', () => {
  async function since(iso: string): Promise<string> {
    const r = await a.get(`/rest/v1/activities/pagingtoken.json?sinceDatetime=${encodeURIComponent(iso)}`);
    expect(r.json.success).toBe(true);
    return r.json.nextPageToken;
  }

  it('walks activities from a paging token, with short and empty pages that still say moreResult', async () => {
    let token = await since('2024-06-01T00:00:00-05:00');
    const items: J[] = [];
    const sizes: number[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const r = await a.get(
        `/rest/v1/activities.json?activityTypeIds=100001,46&nextPageToken=${encodeURIComponent(token)}`,
      );
      expect(r.json.nextPageToken).toEqual(expect.any(String));
      sizes.push(r.json.result?.length ?? 0);
      items.push(...(r.json.result ?? []));
      token = r.json.nextPageToken;
      if (!r.json.moreResult) break;
    }
    expect(sizes.slice(0, -1).some((n) => n < 300)).toBe(true);
    expect(items.length).toBeGreaterThan(0);
    for (const x of items) {
      expect([100001, 46]).toContain(x.activityTypeId);
      expect(Date.parse(x.activityDate)).toBeGreaterThanOrEqual(Date.parse('2024-06-01T05:00:00Z'));
      expect(x.attributes.every((at: J) => typeof at.name === 'string' && at.value !== undefined)).toBe(true);
    }
  });

  it('keys activities by marketoGUID: unique, while id is missing on some and repeated on others', async () => {
    let token = await since('2024-01-01T00:00:00Z');
    const all: J[] = [];
    for (let guard = 0; guard < 50; guard++) {
      const r = await a.get(
        `/rest/v1/activities.json?activityTypeIds=1,2,6,10,11,12,13,22,24,46&nextPageToken=${encodeURIComponent(token)}`,
      );
      all.push(...(r.json.result ?? []));
      token = r.json.nextPageToken;
      if (!r.json.moreResult) break;
    }
    const guids = all.map((x) => x.marketoGUID);
    expect(new Set(guids).size).toBe(guids.length);
    expect(typeof guids[0]).toBe('string');
    expect(all.some((x) => x.id === undefined)).toBe(true);
    const ids = all.filter((x) => x.id !== undefined).map((x) => x.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
  });

  it('refuses more than 10 activity type ids and a blank sinceDatetime', async () => {
    const token = await since('2024-01-01');
    const r = await a.get(
      `/rest/v1/activities.json?activityTypeIds=1,2,3,4,5,6,7,8,9,10,11&nextPageToken=${token}`,
    );
    expect(r.json.errors[0].code).toBe('1003');
    expect((await a.get('/rest/v1/activities/pagingtoken.json')).json.errors[0].code).toBe('701');
  });

  it('serves deleted leads (Delete Lead, type 37) from deletedleads.json', async () => {
    let token = await since('2024-01-01T00:00:00Z');
    const deleted: J[] = [];
    for (let guard = 0; guard < 20; guard++) {
      const r = await a.get(
        `/rest/v1/activities/deletedleads.json?nextPageToken=${encodeURIComponent(token)}`,
      );
      deleted.push(...(r.json.result ?? []));
      token = r.json.nextPageToken;
      if (!r.json.moreResult) break;
    }
    expect(deleted).toHaveLength(em.dataset.deletedCount);
    expect(deleted[0]).toMatchObject({
      activityTypeId: 37,
      leadId: expect.any(Number),
      primaryAttributeValue: expect.any(String),
    });
  });
});

describe('determinism', () => {
  it('serves the same data for the same seed and different data for another', async () => {
    const again = await start({ leads: 400, activities: 3000, campaigns: 650, lists: 301, programs: 450 });
    const other = await start({
      leads: 400,
      activities: 3000,
      campaigns: 650,
      lists: 301,
      programs: 450,
      seed: 2,
    });
    try {
      const path = '/rest/v1/campaigns.json?batchSize=50';
      const mine = (await a.get(path)).json.result;
      expect((await (await api(again)).get(path)).json.result).toEqual(mine);
      expect((await (await api(other)).get(path)).json.result).not.toEqual(mine);
    } finally {
      await again.close();
      await other.close();
    }
  });
});
