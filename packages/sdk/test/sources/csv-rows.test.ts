import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { serializeJson } from '../../src/json/lossless-json.js';
import { compileConformer } from '../../src/schema/conform.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';
import { CsvFormatError, csvRowBatches, csvRows, quotedEmptyCells } from '../../src/sources/csv-rows.js';
import {
  compileCsvRecordPlan,
  compileRecordConverter,
  ValueConversionError,
} from '../../src/sources/csv-values.js';

async function readCsv(text: string, options: Partial<Parameters<typeof csvRows>[1]> = {}, size = 3) {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  const out = [];
  for await (const row of csvRows(Readable.from(parts), { stream: 's', ...options })) out.push(row);
  return out;
}

// Every behaviour holds the same whether the parse runs in this thread or in a worker thread.
describe.each([{ inWorker: false }, { inWorker: true }])('CSV rows (inWorker: $inWorker)', ({ inWorker }) => {
  const read = (text: string, options: Partial<Parameters<typeof csvRows>[1]> = {}, size = 3) =>
    readCsv(text, { inWorker, ...options }, size);

  it('reads quoted newlines, doubled quotes and multi-byte text split across chunks, with line numbers', async () => {
    expect(await read('a,b\n"x\ny ""q""",李\n2,\n')).toEqual([
      { line: 3, values: { a: 'x\ny "q"', b: '李' } },
      { line: 4, values: { a: '2', b: null } },
    ]);
  });

  it('counts lines by LF: a quoted CRLF is one break, a stray CR none, the header can span lines', async () => {
    const text = '"a\nA",b\r\n"1\r\n2",x\ry\r\n3,"\n\n"\n4,z\n5,"\n"';
    const rows = await read(text);
    expect(rows.map((r) => r.line)).toEqual([4, 7, 8, 10]);
    // The same with each record's raw text at hand (it ends in LF, CR or nothing).
    expect((await read(text, { quotedEmptyIsText: true })).map((r) => r.line)).toEqual([4, 7, 8, 10]);
    expect(rows[0]!.values).toEqual({ 'a\nA': '1\r\n2', b: 'x\ry' });
    expect(rows[1]!.values).toEqual({ 'a\nA': '3', b: '\n\n' });
  });

  it('names the line of a short row after quoted newlines', async () => {
    await expect(read('a,b\n"1\n2",3\n4\n')).rejects.toMatchObject({ context: { line: 4 } });
  });

  it('reads the configured null cells and renamed headers', async () => {
    const rows = await read('First Name\tid\nnull\t1\n', {
      delimiter: '\t',
      nullCells: ['', 'null'],
      headerToField: { 'First Name': 'firstName' },
    });
    expect(rows[0]!.values).toEqual({ firstName: null, id: '1' });
  });

  it('with quotedEmptyIsText, a quoted empty cell is the empty string and an unquoted one null', async () => {
    const text = 'a;b;c\n"";;""""\n;"";"x;""y""\n"\nz;"";\n';
    const rows = await read(text, { delimiter: ';', quotedEmptyIsText: true });
    expect(rows.map((r) => r.values)).toEqual([
      { a: '', b: null, c: '"' },
      { a: null, b: '', c: 'x;"y"\n' },
      { a: 'z', b: '', c: null },
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 5]);
    expect((await read('a,b\n"",\n')).map((r) => r.values)).toEqual([{ a: null, b: null }]);
  });

  it('finds the quoted empty cells of a raw record wherever they sit', () => {
    expect([...quotedEmptyCells('"",a,""\n')]).toEqual([0, 2]);
    expect([...quotedEmptyCells('a,"""",""\r\n')]).toEqual([2]);
    expect([...quotedEmptyCells('"x,""y""\nz",,"",""""\n')]).toEqual([2]);
    expect([...quotedEmptyCells('a,b,""')]).toEqual([2]);
    expect([...quotedEmptyCells(',"a ""b"""\n')]).toEqual([]);
    expect([...quotedEmptyCells('"";"a;""";""', ';')]).toEqual([0, 2]);
    expect([...quotedEmptyCells('""||x||""', '||')]).toEqual([0, 2]);
  });

  it('names fields by a function of the header', async () => {
    const rows = await read('Account.Id,Bill.Id\n1,2\n', { headerToField: (h) => h.replace('.', '_') });
    expect(rows[0]!.values).toEqual({ Account_Id: '1', Bill_Id: '2' });
  });

  it('fails on broken quoting and duplicate headers, naming the stream and line', async () => {
    await expect(read('a,b\n"1,2\n')).rejects.toBeInstanceOf(CsvFormatError);
    await expect(read('a,a\n1,2\n')).rejects.toThrow(/column 'a' appears twice/);
    await expect(read('a,__proto__\n1,2\n')).rejects.toThrow(/column '__proto__' cannot be read/);
  });
});

describe('schema-driven value conversion', () => {
  const convert = compileRecordConverter('leads', {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      score: { type: ['number', 'null'] },
      ok: { type: ['boolean', 'null'] },
      at: { type: ['string', 'null'], format: 'date-time' },
      name: { type: ['string', 'null'] },
    },
  });

  it('converts text to the declared types, decimals exact and timestamps in UTC', () => {
    const r = convert({
      id: '12345678901234567890',
      score: '0.1000000000000000055511',
      ok: 'true',
      at: '2024-05-01T08:00:05-05:00',
      name: '',
    });
    expect(String(r.id)).toBe('12345678901234567890');
    expect(String(r.score)).toBe('0.1000000000000000055511');
    expect(r).toMatchObject({ ok: true, at: '2024-05-01T13:00:05Z', name: '' });
  });

  it('follows rows whose keys change, and still refuses a key the schema lacks', () => {
    expect(convert({ id: '1', name: 'a', ok: 'false' })).toEqual({ id: 1, ok: false, name: 'a' });
    expect(convert({ name: 'b', id: '2' })).toEqual({ id: 2, name: 'b' });
    expect(convert({ id: '3', name: 'c', ok: null })).toEqual({ id: 3, ok: null, name: 'c' });
    expect(() => convert({ id: '4', extra: 'x' }, 12)).toThrow(/'extra' is not in the stream's schema/);
    expect(convert({ id: '5', name: 'e', ok: 'true' })).toEqual({ id: 5, ok: true, name: 'e' });
  });

  it('fails naming the field and line instead of changing a value', () => {
    expect(() => convert({ id: '1.5' }, 9)).toThrow(ValueConversionError);
    expect(() => convert({ id: '1', ok: 'yes' }, 9)).toThrow(/'yes' is not a boolean/);
    expect(() => convert({ id: null })).toThrow(/requires a value/);
  });
});

describe.each([
  { inWorker: false },
  { inWorker: true },
])('typed records straight from the cells (inWorker: $inWorker)', ({ inWorker }) => {
  const schema: JSONSchema = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      at: { type: ['string', 'null'], format: 'date-time' },
      score: { type: ['number', 'null'] },
      name: { type: ['string', 'null'] },
      tags: {
        type: ['array', 'null'],
        items: { type: 'object', properties: { on: { type: 'string', format: 'date-time' } } },
      },
    },
  };

  async function batches(text: string, emitSchema?: JSONSchema, size = 7) {
    const bytes = Buffer.from(text, 'utf8');
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
    const plan = compileCsvRecordPlan('s', schema, emitSchema ? { emitSchema } : {});
    const out: Record<string, unknown>[][] = [];
    for await (const batch of csvRowBatches(
      Readable.from(parts),
      { stream: 's', quotedEmptyIsText: true, inWorker },
      plan,
    ))
      out.push(batch);
    return out;
  }

  const file =
    'name,id,at,score,tags\n"",1,2024-02-29T23:30:00-0100,0.1000000000000000055511,\n' +
    'b,2,,3,"[{""on"":""2024-01-01T01:00:00+01:00"",""x"":1}]"\n' +
    `c,3,2024-01-01,,\n${'d,4,2024-01-01T00:00:00Z,1,\n'.repeat(50)}`;

  it('builds what the conformer makes of the converted rows, in its order, in batches per piece of input', async () => {
    const got = await batches(file, undefined, 4096);
    expect(got.length).toBeLessThan(10);
    const records = got.flat();
    expect(records).toHaveLength(53);
    const convert = compileRecordConverter('s', schema);
    const conform = compileConformer(schema);
    const rows = [];
    for await (const row of csvRows(Readable.from([Buffer.from(file)]), {
      stream: 's',
      quotedEmptyIsText: true,
    }))
      rows.push(serializeJson(conform(convert(row.values, row.line))));
    expect(records.map((r) => serializeJson(r))).toEqual(rows);
    expect(Object.keys(records[0]!)).toEqual(['id', 'score', 'name', 'at', 'tags']);
    expect(records[0]).toMatchObject({ id: 1, name: '', at: '2024-03-01T00:30:00Z', tags: null });
    expect(String(records[0]!.score)).toBe('0.1000000000000000055511');
    expect(records[1]!.tags).toEqual([{ on: '2024-01-01T00:00:00Z' }]);
  });

  it('leaves out the columns the emitted schema lacks, and still refuses a column the schema lacks', async () => {
    const emit: JSONSchema = {
      type: 'object',
      properties: { name: schema.properties!.name!, id: schema.properties!.id! },
    };
    const records = (await batches(file, emit)).flat();
    expect(records[2]).toEqual({ id: 3, name: 'c' });
    await expect(batches('id,extra\n1,2\n')).rejects.toThrow(/'extra' is not in the stream's schema/);
  });

  it('gives out the rows before a bad one, then fails naming its line and field', async () => {
    const plan = compileCsvRecordPlan('s', schema);
    const seen: unknown[] = [];
    const read = async () => {
      const input = Readable.from([Buffer.from('id,name\n1,a\n2,b\nx,c\n4,d\n')]);
      for await (const batch of csvRowBatches(input, { stream: 's', inWorker }, plan)) seen.push(...batch);
    };
    await expect(read()).rejects.toMatchObject({ context: { stream: 's', field: 'id', line: 4 } });
    expect(seen).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
  });
});
