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

describe('leads by filter type (leads.json)', () => {
  it('returns the asked fields of the leads named by id, numbers as numbers, deleted and unknown ids absent', async () => {
    // Lead index 49 is deleted (one in 50); 99999 never existed.
    const r = await a.get(
      '/rest/v1/leads.json?filterType=id&filterValues=1001,1002,1050,99999&fields=id,email,leadScore,isPartner,dateOfBirth',
    );
    expect(r.json.success).toBe(true);
    expect(r.json.result.map((l: J) => l.id)).toEqual([1001, 1002]);
    const lead = r.json.result[0];
    expect(Object.keys(lead)).toEqual(['id', 'email', 'leadScore', 'isPartner', 'dateOfBirth']);
    expect(typeof lead.leadScore).toBe('number');
    expect(typeof lead.isPartner).toBe('boolean');
    expect(lead.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const defaults = await a.get('/rest/v1/leads.json?filterType=id&filterValues=1003');
    expect(Object.keys(defaults.json.result[0]).sort()).toEqual([
      'createdAt',
      'email',
      'firstName',
      'id',
      'lastName',
      'updatedAt',
    ]);
  });

  it('pages with batchSize and nextPageToken, and takes a long query as a POST with _method=GET', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => 1001 + i).join(',');
    const first = await a.get(
      `/rest/v1/leads.json?filterType=id&filterValues=${ids}&batchSize=200&fields=id`,
    );
    expect(first.json.result).toHaveLength(200);
    const rest = await fetch(`${em.url}/rest/v1/leads.json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _method: 'GET',
        filterType: 'id',
        filterValues: ids,
        fields: 'id',
        batchSize: '200',
        nextPageToken: first.json.nextPageToken,
      }).toString(),
    }).then((res) => res.json() as Promise<J>);
    expect(rest.nextPageToken).toBeUndefined();
    const all = [...first.json.result, ...rest.result].map((l: J) => l.id);
    expect(all).toHaveLength(294); // six of the 300 are deleted
    expect(new Set(all).size).toBe(294);
  });

  it('refuses an unknown field (1006), a blank filter (701) and more than 300 values (1003)', async () => {
    const code = async (q: string) => (await a.get(`/rest/v1/leads.json?${q}`)).json.errors[0].code;
    expect(await code('filterType=id&filterValues=1001&fields=id,noSuchField')).toBe('1006');
    expect(await code('filterValues=1001')).toBe('701');
    const many = Array.from({ length: 301 }, (_, i) => 1001 + i).join(',');
    expect(await code(`filterType=id&filterValues=${many}`)).toBe('1003');
  });
});
