import { Readable } from 'node:stream';
import { compileValidator, ExactNumber } from '@singer-ts/sdk';
import { describe, expect, it } from 'vitest';
import { activityStream, flattenActivity } from '../src/activity-streams.js';
import { csvRows } from '../src/csv-rows.js';
import { leadSchemaFromDescribe } from '../src/lead-schema.js';
import { compileRecordConverter, marketoTimestamp } from '../src/values.js';
import { api, completeJob, start } from './emulator-helpers.js';
import { ACTIVITY_TYPES, describeResultForTests } from './vendor-helpers.js';

/** Bytes delivered in chunks of `size`, to split multi-byte characters and quoted cells. */
function chunked(text: string | Buffer, size: number): Readable {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function rows(text: string | Buffer, size = 7, format?: 'CSV' | 'TSV' | 'SSV') {
  const out = [];
  for await (const r of csvRows(chunked(text, size), { stream: 's', ...(format ? { format } : {}) }))
    out.push(r);
  return out;
}

describe('reading Marketo CSV', () => {
  it('reads the literal null, "" and an empty cell as null (Marketo has no empty-but-set value)', async () => {
    const r = await rows('a,b,c,d,e\nnull,"",,x," "\n');
    expect(r).toEqual([{ line: 2, values: { a: null, b: null, c: null, d: 'x', e: ' ' } }]);
  });

  it('keeps embedded LF, CRLF, stray CR, NUL, doubled quotes, commas and multi-byte text split across chunks', async () => {
    const cell = 'line1\nline2\r\nline3 \r stray, "quoted" \u0000 nul — 李娜 🚀';
    const csv = `id,notes,name\r\n1,"${cell.replaceAll('"', '""')}",Zoë\r\n2,plain,"Smith, Jones"\n`;
    for (const size of [1, 2, 3, 5, 64]) {
      const r = await rows(csv, size);
      expect(r.map((x) => x.values)).toEqual([
        { id: '1', notes: cell, name: 'Zoë' },
        { id: '2', notes: 'plain', name: 'Smith, Jones' },
      ]);
    }
  });

  it('reads cells far beyond 30,000 bytes', async () => {
    const big = 'x'.repeat(200_000);
    const r = await rows(`a,b\n"${big}",1\n`, 4096);
    expect((r[0]!.values.a as string).length).toBe(200_000);
  });

  it('gives no rows for a header-only file and for an empty body', async () => {
    expect(await rows('marketoGUID,leadId\n')).toEqual([]);
    expect(await rows('')).toEqual([]);
  });

  it('reads TSV and SSV with the same quoting', async () => {
    expect((await rows('a\tb\n"x\ty"\tnull\n', 3, 'TSV'))[0]!.values).toEqual({ a: 'x\ty', b: null });
    expect((await rows('a b\n"x y" 2\n', 3, 'SSV'))[0]!.values).toEqual({ a: 'x y', b: '2' });
  });

  it('renames headers back to field names and refuses duplicate headers', async () => {
    const out = [];
    for await (const r of csvRows(chunked('First Name,id\nAna,1\n', 4), {
      stream: 'leads',
      headerToField: { 'First Name': 'firstName' },
    }))
      out.push(r.values);
    expect(out).toEqual([{ firstName: 'Ana', id: '1' }]);
    await expect(rows('a,a\n1,2\n')).rejects.toThrow(/column 'a' appears twice/);
  });

  it('fails on a ragged row or broken quoting, naming the stream and line', async () => {
    await expect(rows('a,b\n1,2\n3\n')).rejects.toMatchObject({
      code: 'SINGER_MARKETO_CSV',
      context: { stream: 's', line: 3 },
    });
    await expect(rows('a,b\n"1,2\n')).rejects.toMatchObject({ code: 'SINGER_MARKETO_CSV' });
  });
});

describe('converting values by the schema', () => {
  const schema = {
    type: 'object' as const,
    properties: {
      id: { type: 'integer' as const },
      big: { type: ['integer', 'null'] as ('integer' | 'null')[] },
      amount: { type: ['number', 'null'] as ('number' | 'null')[] },
      flag: { type: ['boolean', 'null'] as ('boolean' | 'null')[] },
      at: { type: ['string', 'null'] as ('string' | 'null')[], format: 'date-time' },
      name: { type: ['string', 'null'] as ('string' | 'null')[] },
      tags: { type: ['array', 'null'] as ('array' | 'null')[], items: {} },
    },
  };
  const convert = compileRecordConverter('leads', schema);

  it('converts integers, exact decimals, booleans, UTC date-times and strings', () => {
    const r = convert({
      id: '1001',
      big: '90071992547409931',
      amount: '12345678901234.57',
      flag: 'TRUE',
      at: '2024-05-01T08:00:05-05:00',
      name: '',
      tags: '[1,"a"]',
    });
    expect(r.id).toBe(1001);
    expect(r.big).toBeInstanceOf(ExactNumber);
    expect(String(r.big)).toBe('90071992547409931');
    expect(String(r.amount)).toBe('12345678901234.57');
    expect(r.flag).toBe(true);
    expect(r.at).toBe('2024-05-01T13:00:05Z');
    expect(r.name).toBe('');
    expect(r.tags).toEqual([1, 'a']);
  });

  it('normalises every Marketo timestamp form to UTC', () => {
    expect(marketoTimestamp('2024-05-01T12:00:00Z')).toBe('2024-05-01T12:00:00Z');
    expect(marketoTimestamp('2014-09-17T22:31:49+0000')).toBe('2014-09-17T22:31:49Z');
    expect(marketoTimestamp('2015-05-21T22:45:13Z+0000')).toBe('2015-05-21T22:45:13Z');
    expect(marketoTimestamp('2024-05-01')).toBe('2024-05-01T00:00:00Z');
    expect(marketoTimestamp('yesterday')).toBeUndefined();
  });

  it('reads an empty cell as null in non-string fields', () => {
    expect(convert({ id: '1', amount: '', flag: '', at: '' })).toEqual({
      id: 1,
      amount: null,
      flag: null,
      at: null,
    });
  });

  it('never truncates: a decimal in an integer field fails, naming stream, line and field', () => {
    try {
      convert({ id: '12.5' }, 42);
      expect.unreachable();
    } catch (e) {
      expect((e as { describe(): string }).describe()).toBe(
        "SINGER_MARKETO_VALUE: stream 'leads', line 42, field 'id': '12.5' is not an integer",
      );
    }
    expect(() => convert({ id: '1', flag: 'yes' })).toThrow(/not a boolean/);
    expect(() => convert({ id: '1', at: '13/01/2024' })).toThrow(/not a date/);
    expect(() => convert({ id: null })).toThrow(/requires a value/);
    expect(() => convert({ id: '1', fax: 'x' })).toThrow(/'fax' is not in the stream's schema/);
  });
});

describe('emulator export → CSV rows → records valid against the schema', () => {
  it('reads a lead export of every field type exactly and validates every record', async () => {
    const em = await start({ leads: 3000 });
    try {
      const a = await api(em);
      const lead = leadSchemaFromDescribe(describeResultForTests());
      const fields = Object.keys(lead.schema.properties ?? {}).filter((f) => !(f in lead.unsupported));
      const done = await completeJob(a, 'leads', {
        fields,
        columnHeaderNames: { firstName: 'First Name' },
        filter: { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-02-01T00:00:00Z' } },
      });
      const res = await fetch(`${em.url}/bulk/v1/leads/export/${done.exportId}/file.json`, {
        headers: { Authorization: `Bearer ${a.token}` },
      });
      const convert = compileRecordConverter('leads', lead.schema);
      const validate = compileValidator(lead.schema, 'leads');
      const records = [];
      for await (const row of csvRows(res.body as unknown as AsyncIterable<Buffer>, {
        stream: 'leads',
        headerToField: { 'First Name': 'firstName' },
      })) {
        const record = convert(row.values, row.line);
        validate(record, row.line);
        records.push(record);
      }
      expect(records).toHaveLength(done.numberOfRecords);
      const expected = (i: number) => em.dataset.leadValues(i);
      // Spot-check against what the emulator generated, field by field, including awkward cells.
      const byId = new Map(records.map((r) => [r.id as number, r]));
      let checked = 0;
      for (const i of [0, 13, 2, 7, 9, 250, 110]) {
        const r = byId.get(1001 + i);
        if (!r) continue;
        checked++;
        const v = expected(i);
        expect(r.comments).toBe(v.get('comments'));
        expect(r.address).toBe(v.get('address'));
        expect(r.title).toBe(v.get('title') === '' ? null : v.get('title'));
        expect(r.regionNickname).toBe(v.get('regionNickname'));
        expect(String(r.contractValue)).toBe(String(v.get('contractValue')));
        expect(String(r.engagementPercent)).toBe(String(v.get('engagementPercent')));
      }
      expect(checked).toBe(7);
      expect(records.some((r) => typeof r.address === 'string' && r.address.includes('\u0000'))).toBe(true);
      expect(records.some((r) => r.regionNickname === null)).toBe(true);
      expect(records.some((r) => r.segmentCode === null)).toBe(true);
      expect(records.every((r) => typeof r.updatedAt === 'string' && r.updatedAt.endsWith('Z'))).toBe(true);
      expect(records.every((r) => /T00:00:00Z$/.test(r.dateOfBirth as string))).toBe(true);
    } finally {
      await em.close();
    }
  });

  it('reads an activity export into flattened records valid against each activity stream’s schema', async () => {
    const em = await start({ leads: 300, activities: 6000 });
    try {
      const a = await api(em);
      const streams = new Map(ACTIVITY_TYPES.map((t) => [t.id, activityStream(t)]));
      const done = await completeJob(a, 'activities', {
        filter: { createdAt: { startAt: '2024-02-01T00:00:00Z', endAt: '2024-03-01T00:00:00Z' } },
      });
      const res = await fetch(`${em.url}/bulk/v1/activities/export/${done.exportId}/file.json`, {
        headers: { Authorization: `Bearer ${a.token}` },
      });
      let n = 0;
      const seenTypes = new Set<number>();
      for await (const row of csvRows(res.body as unknown as AsyncIterable<Buffer>, {
        stream: 'activities',
      })) {
        const s = streams.get(Number(row.values.activityTypeId))!;
        const record = compileRecordConverter(s.name, s.schema)(
          flattenActivity(s, row.values, row.line),
          row.line,
        );
        compileValidator(s.schema, s.name)(record, row.line);
        seenTypes.add(record.activityTypeId as number);
        n++;
      }
      expect(n).toBe(done.numberOfRecords);
      expect(seenTypes.size).toBeGreaterThan(5);
    } finally {
      await em.close();
    }
  });
});
