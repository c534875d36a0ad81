// Edge cases of the byte scanner behind JsonRecordParser: chunk splits anywhere, escapes, multi-byte
// UTF-8, exact numbers, nested and missing records paths, malformed bodies.
import { describe, expect, it } from 'vitest';
import { JsonRecordParser } from '../../src/http/json-records.js';
import { ExactNumber, serializeJson } from '../../src/json/lossless-json.js';
import { randomJson } from '../fixtures/random-json.js';

interface Parsed {
  records: unknown[];
  envelope: unknown;
}

function parseChunks(path: string, chunks: Buffer[]): Parsed {
  const parser = new JsonRecordParser(path);
  const records: unknown[] = [];
  for (const chunk of chunks) {
    parser.write(chunk);
    records.push(...parser.take());
  }
  parser.end();
  records.push(...parser.take());
  return { records, envelope: parser.envelope };
}

function parseWhole(path: string, text: string): Parsed {
  return parseChunks(path, [Buffer.from(text, 'utf8')]);
}

/** Serialized with exact numbers, so ExactNumber and number compare by their JSON text. */
function exact(parsed: Parsed): string {
  return serializeJson(parsed);
}

const page = `{
  "count": 4,
  "after_id": 12345678901234567890,
  "tickets": [
    {"id": 1, "subject": "say \\"hi\\"", "path": "C:\\\\dir\\\\", "tail": "\\\\\\"", "u": "\\u00e9\\n"},
    {"id": 98765432109876543210, "name": "café 漢字 😀", "amount": -0.10000000000000000555, "e": 1.5e-3},
    {"nested": {"tickets": [1, [2, {"x": "]}"}]], "empty": {}, "none": []}, "ok": true, "no": false, "nil": null},
    "a string record", 42, null
  ],
  "next_page": "https://x.example/api?page=2&q=\\"a\\"",
  "meta": {"has_more": true, "after_cursor": "c\\\\", "end_of_stream": false}
}`;

describe('JsonRecordParser scanner', () => {
  const reference = parseWhole('tickets.*', page);

  it('reads the reference page', () => {
    const tickets = reference.records as Record<string, unknown>[];
    expect(tickets).toHaveLength(6);
    expect(tickets[0]).toEqual({ id: 1, subject: 'say "hi"', path: 'C:\\dir\\', tail: '\\"', u: 'é\n' });
    expect(tickets[1]!.id).toBeInstanceOf(ExactNumber);
    expect(String(tickets[1]!.id)).toBe('98765432109876543210');
    expect(String(tickets[1]!.amount)).toBe('-0.10000000000000000555');
    expect(tickets[1]!.name).toBe('café 漢字 😀');
    expect(tickets[2]).toEqual({
      nested: { tickets: [1, [2, { x: ']}' }]], empty: {}, none: [] },
      ok: true,
      no: false,
      nil: null,
    });
    expect(tickets.slice(3)).toEqual(['a string record', 42, null]);
    const envelope = reference.envelope as Record<string, unknown>;
    expect(envelope).toMatchObject({
      count: 4,
      tickets: [],
      next_page: 'https://x.example/api?page=2&q="a"',
      meta: { has_more: true, after_cursor: 'c\\', end_of_stream: false },
    });
    expect(envelope.after_id).toBeInstanceOf(ExactNumber);
    expect(String(envelope.after_id)).toBe('12345678901234567890');
  });

  it('gives the same records and envelope whatever byte a chunk ends on', () => {
    const bytes = Buffer.from(page, 'utf8');
    const expected = exact(reference);
    for (let at = 0; at <= bytes.length; at += 1) {
      const parsed = parseChunks('tickets.*', [bytes.subarray(0, at), bytes.subarray(at)]);
      expect(exact(parsed), `split at byte ${at}`).toBe(expected);
    }
    const oneByteChunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(exact(parseChunks('tickets.*', oneByteChunks))).toBe(expected);
    for (let at = 1; at < bytes.length; at += 17) {
      const three = [bytes.subarray(0, at), bytes.subarray(at, at + 3), bytes.subarray(at + 3)];
      expect(exact(parseChunks('tickets.*', three)), `splits at ${at} and ${at + 3}`).toBe(expected);
    }
  });

  it('splits backslash runs across chunks correctly', () => {
    for (const value of ['\\', '\\\\', '"', '\\"', 'a\\\\\\"b', '\\\\\\\\']) {
      const text = JSON.stringify({ data: [{ v: value }, { v: `${value}x` }], after: value });
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at <= bytes.length; at += 1) {
        const parsed = parseChunks('data.*', [bytes.subarray(0, at), bytes.subarray(at)]);
        expect(parsed.records).toEqual([{ v: value }, { v: `${value}x` }]);
        expect(parsed.envelope).toEqual({ data: [], after: value });
      }
    }
  });

  it('hands out records while the body is still arriving, envelope fields ahead of them included', () => {
    const parser = new JsonRecordParser('data.*');
    parser.write('{"total": 3, "data": [{"id": 1}, {"id": 2}, {"id"');
    expect(parser.take()).toEqual([{ id: 1 }, { id: 2 }]);
    expect(parser.envelope).toEqual({ total: 3, data: [] });
    parser.write(': 3}], "next": null}');
    parser.end();
    expect(parser.take()).toEqual([{ id: 3 }]);
    expect(parser.envelope).toEqual({ total: 3, data: [], next: null });
    expect(parser.count).toBe(3);
  });

  it('finds a nested path and ignores look-alikes elsewhere', () => {
    const text = JSON.stringify({
      items: [{ wrong: 1 }],
      other: { items: [{ wrong: 2 }] },
      note: '"data": {"items": [{"wrong": 3}]}',
      data: { total: 2, items: [{ id: 1, items: [{ inner: true }] }, { id: 2 }], cursor: 'z' },
    });
    const parsed = parseWhole('data.items.*', text);
    expect(parsed.records).toEqual([{ id: 1, items: [{ inner: true }] }, { id: 2 }]);
    expect(parsed.envelope).toEqual({
      items: [{ wrong: 1 }],
      other: { items: [{ wrong: 2 }] },
      note: '"data": {"items": [{"wrong": 3}]}',
      data: { total: 2, items: [], cursor: 'z' },
    });
    expect(parseWhole('$.data.items[*]', text).records).toEqual(parsed.records);
  });

  it('reads empty arrays, a missing records path and a top-level array', () => {
    expect(parseWhole('data.*', '{"data":[],"next_page":null}')).toEqual({
      records: [],
      envelope: { data: [], next_page: null },
    });
    expect(parseWhole('data.*', ' { "data" : [ ] } ')).toEqual({ records: [], envelope: { data: [] } });
    expect(parseWhole('data.*', '{"error":null,"meta":{"end_of_stream":true}}')).toEqual({
      records: [],
      envelope: { error: null, meta: { end_of_stream: true } },
    });
    expect(parseWhole('*', '[]')).toEqual({ records: [], envelope: [] });
    expect(parseWhole('*', '\n[ 1 , "two" , {"three":3} , [4] , true , null ]\n').records).toEqual([
      1,
      'two',
      { three: 3 },
      [4],
      true,
      null,
    ]);
    expect(parseWhole('$', ' 12345678901234567890 ').records.map(String)).toEqual(['12345678901234567890']);
  });

  it('keeps exact numbers and "__proto__" keys on the lossless path', () => {
    const text = '{"data":[{"__proto__":{"polluted":true},"id":12345678901234567890,"n":[1e400,0.5]}]}';
    const record = parseWhole('data.*', text).records[0] as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['__proto__', 'id', 'n']);
    expect((record as { polluted?: boolean }).polluted).toBeUndefined();
    expect(serializeJson(record)).toBe(
      '{"__proto__":{"polluted":true},"id":12345678901234567890,"n":[1e400,0.5]}',
    );
  });

  it('matches random documents against JSON.parse whatever the chunking', () => {
    const { random, value } = randomJson(42);
    for (let round = 0; round < 200; round += 1) {
      const body = {
        before: value(1),
        data: Array.from({ length: Math.floor(random() * 5) }, () => value(1)),
        after: value(1),
      };
      const text = JSON.stringify(body, null, round % 3 === 0 ? 1 : undefined);
      const bytes = Buffer.from(text, 'utf8');
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 12);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const parsed = parseChunks('data.*', chunks);
      expect(parsed.records).toEqual(body.data);
      expect(parsed.envelope).toEqual({ ...body, data: [] });
    }
  });

  it('rejects malformed bodies with a SyntaxError naming the byte', () => {
    const bad = [
      '{"data":[{"a":1} {"a":2}]}',
      '{"data":[1,]}',
      '{"data":[1,2}',
      '{"data":[{"a":1]}',
      '{"data":[{"a":1}]}x',
      '{"data":["unterminated]}',
      '{"data":[tru]}',
      '{"data":[01]}',
      '{"a" 1,"data":[]}',
      '{"a":1,,"data":[]}',
      '{a:1}',
      '<html></html>',
      '{"data":[{"a":1}',
      '   ',
    ];
    for (const text of bad) {
      expect(() => parseWhole('data.*', text), text).toThrow(SyntaxError);
      const bytes = Buffer.from(text);
      expect(
        () =>
          parseChunks(
            'data.*',
            [...bytes].map((b) => Buffer.from([b])),
          ),
        text,
      ).toThrow(SyntaxError);
    }
    expect(() => parseWhole('data.*', '{"data":[1,]}')).toThrow(/unexpected '\]' at byte 11/);
  });
});
