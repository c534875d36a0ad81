import { describe, expect, it } from 'vitest';
import { JsonRecordParser, parseRecordsPath } from '../../src/http/json-records.js';
import { ExactNumber, serializeJson } from '../../src/json/lossless-json.js';

function parseInPieces(
  path: string,
  text: string,
  pieceSize: number,
): { records: unknown[]; envelope: unknown } {
  const parser = new JsonRecordParser(path);
  const records: unknown[] = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += pieceSize) {
    parser.write(bytes.subarray(i, i + pieceSize));
    records.push(...parser.take());
  }
  parser.end();
  records.push(...parser.take());
  return { records, envelope: parser.envelope };
}

describe('records paths', () => {
  it('reads dotted, JSONPath and top-level spellings', () => {
    expect(parseRecordsPath('tickets.*')).toEqual(['tickets', '*']);
    expect(parseRecordsPath('$.data.items[*]')).toEqual(['data', 'items', '*']);
    expect(parseRecordsPath('*')).toEqual(['*']);
    expect(parseRecordsPath('$[*]')).toEqual(['*']);
    expect(parseRecordsPath('$')).toEqual([]);
  });
});

describe('JsonRecordParser', () => {
  const body = {
    count: 3,
    tickets: [
      { id: 1, subject: 'a "quoted" é subject', tags: ['x', 'y'], nested: { deep: [1, { v: null }] } },
      { id: 2, ok: true, no: false },
      { id: 3 },
    ],
    next_page: 'https://x.example/api/v2/tickets.json?page=2',
    meta: { has_more: true, after_cursor: 'abc' },
  };

  it('splits records from the envelope whatever the chunk boundaries', () => {
    for (const size of [1, 3, 7, 64, 100_000]) {
      const { records, envelope } = parseInPieces('tickets.*', JSON.stringify(body), size);
      expect(records).toEqual(body.tickets);
      expect(envelope).toEqual({ ...body, tickets: [] });
    }
  });

  it('keeps integers beyond 2^53 and long decimals exact', () => {
    const text =
      '{"data":[{"id":12345678901234567890,"amount":0.10000000000000000555,"small":42,"neg":-1.5e3}]}';
    const { records } = parseInPieces('data.*', text, 5);
    const record = records[0] as Record<string, unknown>;
    expect(record.id).toBeInstanceOf(ExactNumber);
    expect(String(record.id)).toBe('12345678901234567890');
    expect(String(record.amount)).toBe('0.10000000000000000555');
    expect(record.small).toBe(42);
    expect(record.neg).toBe(-1500);
    expect(serializeJson(record)).toBe(
      '{"id":12345678901234567890,"amount":0.10000000000000000555,"small":42,"neg":-1500}',
    );
  });

  it('reads a top-level array and a whole-body record', () => {
    expect(parseInPieces('*', '[{"a":1},{"a":2}]', 4).records).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseInPieces('$', '{"a":{"b":[1]}}', 4).records).toEqual([{ a: { b: [1] } }]);
  });

  it('matches a wildcard over object values and leaves unrelated arrays alone', () => {
    const text = '{"other":[{"a":0}],"data":{"x":{"a":1},"y":{"a":2}}}';
    const { records, envelope } = parseInPieces('data.*', text, 6);
    expect(records).toEqual([{ a: 1 }, { a: 2 }]);
    expect(envelope).toEqual({ other: [{ a: 0 }], data: {} });
  });

  it('keeps a "__proto__" key as data', () => {
    const { records } = parseInPieces('*', '[{"__proto__":{"polluted":true}}]', 100);
    const record = records[0] as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['__proto__']);
    expect((record as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('reports a truncated or invalid body', () => {
    expect(() => parseInPieces('data.*', '{"data":[{"a":1}', 100)).toThrow();
    expect(() => parseInPieces('data.*', '<html>', 100)).toThrow();
    expect(() => parseInPieces('data.*', '', 100)).toThrow();
  });
});
