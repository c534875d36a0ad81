import { Readable } from 'node:stream';
import { compileValidator } from '@singer-ts/sdk';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { csvRecords } from '../src/csv-records.js';
import { parseObject, parseObjectList } from '../src/describe-xml.js';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { aquaJobBody, exportQuery, selectList } from '../src/query.js';
import { type StreamPlan, streamFromDescribe } from '../src/stream-schema.js';
import { call, legacy, start } from './helpers.js';

// The vendor modules against the emulator: Describe → schema → query → AQuA job → CSV → typed records, every
// record valid against the schema discovery produced, for every object the emulated tenant exports.

let em: ZuoraEmulator;
beforeAll(async () => {
  em = await start({ accounts: 30, seed: 'vendor' });
});
afterAll(async () => {
  await em.close();
});

async function plans(): Promise<StreamPlan[]> {
  const names = parseObjectList((await call(em, 'GET', '/v1/describe')).text);
  const out: StreamPlan[] = [];
  for (const name of names) {
    const plan = streamFromDescribe(parseObject((await call(em, 'GET', `/v1/describe/${name}`)).text, name), {
      api: 'AQUA',
      deletedAvailable: true,
    });
    if (plan) out.push(plan);
  }
  return out;
}

test('every record of every exportable object is valid against its discovered schema, all fields filled', async () => {
  const all = await plans();
  expect(all.map((p) => p.stream)).not.toContain('BillingPreviewRun');
  let checked = 0;
  for (const plan of all) {
    const selected = new Set(plan.properties.map((p) => p.property));
    const body = aquaJobBody({
      name: plan.stream,
      query: exportQuery(plan, selectList(plan, selected)),
      partner: 'singer-ts',
      project: `${plan.stream}_1`,
      deleted: plan.schema.properties!.Deleted !== undefined,
    });
    const submitted = await call(em, 'POST', '/v1/batch-query/', body);
    if (submitted.json.errorCode === '90005') {
      // Describes fine, cannot be exported: the probe would drop it.
      expect(plan.stream).toBe('ChargeMetrics');
      continue;
    }
    expect(submitted.json.errorCode).toBeUndefined();
    em.control.advance(60);
    const job = (await call(em, 'GET', `/v1/batch-query/jobs/${submitted.json.id}`)).json;
    expect(job.status).toBe('completed');
    const res = await fetch(`${em.url}/v1/file/${job.batches[0].fileId}`, { headers: legacy(em) });
    const types = new Map(plan.properties.map((p) => [p.property, p.type]));
    const validate = compileValidator(plan.schema, plan.stream);
    const filled = new Set<string>();
    let n = 0;
    for await (const record of csvRecords(Readable.fromWeb(res.body as never), {
      stream: plan.stream,
      types,
    })) {
      validate(record, n + 1);
      for (const [k, v] of Object.entries(record)) if (v !== null) filled.add(k);
      n++;
    }
    expect(n).toBe(job.batches[0].recordCount);
    const expectedFilled = plan.properties
      .filter((p) => p.inclusion !== 'unsupported')
      .map((p) => p.property);
    expect([...filled].sort(), plan.stream).toEqual(expectedFilled.sort());
    checked++;
  }
  expect(checked).toBeGreaterThanOrEqual(18);
});
