import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExactNumber, isExactNumber, ProtocolError, readMessages, serializeJson } from '../../src/index.js';
import { parseJson } from '../../src/json/lossless-json.js';

async function readAll(chunks: (string | Buffer)[]) {
  const out = [];
  for await (const item of readMessages(Readable.from(chunks))) out.push(item);
  return out;
}

async function readError(chunks: string[]): Promise<ProtocolError> {
  try {
    await readAll(chunks);
  } catch (error) {
    return error as ProtocolError;
  }
  throw new Error('expected the reader to fail');
}

describe('readMessages', () => {
  it('joins lines split across chunks, even inside a multi-byte character', async () => {
    const line = Buffer.from('{"type":"RECORD","stream":"s","record":{"name":"Zoë 🚀"}}\n', 'utf8');
    const cut = line.indexOf(Buffer.from('🚀')) + 2;
    const messages = await readAll([line.subarray(0, 5), line.subarray(5, cut), line.subarray(cut)]);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toEqual({ type: 'RECORD', stream: 's', record: { name: 'Zoë 🚀' } });
  });

  it('accepts CRLF, a UTF-8 BOM, blank lines and a last line without a newline', async () => {
    const text = '\uFEFF{"type":"STATE","value":{"a":1}}\r\n\r\n   \n{"type":"STATE","value":{"a":2}}';
    const messages = await readAll([text]);
    expect(messages.map((m) => m.message)).toEqual([
      { type: 'STATE', value: { a: 1 } },
      { type: 'STATE', value: { a: 2 } },
    ]);
    expect(messages.map((m) => m.line)).toEqual([1, 4]);
  });

  it('reads a line of several megabytes delivered in small chunks', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const line = `{"type":"RECORD","stream":"s","record":{"blob":"${big}"}}\n`;
    const chunks: string[] = [];
    for (let i = 0; i < line.length; i += 65536) chunks.push(line.slice(i, i + 65536));
    const [first] = await readAll(chunks);
    expect((first!.message as unknown as { record: { blob: string } }).record.blob).toHaveLength(big.length);
  });

  it('names the line of malformed JSON', async () => {
    const error = await readError(['{"type":"STATE","value":{}}\n', '\n', '{"type": "RECORD", oops}\n']);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.context.line).toBe(3);
    expect(error.describe()).toMatch(/line 3: not valid JSON/);
  });

  it('rejects unknown message types and records without a stream, naming the line', async () => {
    expect((await readError(['{"type":"RECORDS","stream":"s"}\n'])).describe()).toMatch(
      /line 1: unknown message type "RECORDS"/,
    );
    expect(
      (await readError(['{"type":"STATE","value":1}\n{"type":"RECORD","record":{}}\n'])).describe(),
    ).toMatch(/line 2: RECORD message has no "stream"/);
    expect((await readError(['[1,2]\n'])).describe()).toMatch(/expected a JSON object/);
  });

  it('defaults missing key_properties of a SCHEMA to an empty list', async () => {
    const [item] = await readAll(['{"type":"SCHEMA","stream":"s","schema":{"type":"object"}}\n']);
    expect(item!.message).toMatchObject({ key_properties: [] });
  });
});

describe('exact numbers', () => {
  it('keeps integers beyond 2^53 and long decimals exactly through parse and serialize', () => {
    const line =
      '{"type":"RECORD","stream":"s","record":{"id":123456789012345678901234567890,"amount":3.14159265358979323846264338327950288,"small":42,"neg":-9007199254740993}}';
    const parsed = parseJson(line) as { record: Record<string, unknown> };
    expect(isExactNumber(parsed.record.id)).toBe(true);
    expect(parsed.record.small).toBe(42);
    expect(serializeJson(parsed)).toBe(line);
  });

  it('serializes bigint and ExactNumber values as bare JSON numbers', () => {
    expect(serializeJson({ a: 10n ** 20n, b: new ExactNumber('1.000000000000000000001') })).toBe(
      '{"a":100000000000000000000,"b":1.000000000000000000001}',
    );
  });

  it.each([
    ['an array element', '{"ids":[1,12345678901234567890]}'],
    ['the first array element', '{"ids":[12345678901234567890,1]}'],
    ['a value after white space', '{"id" :  -12345678901234567890 }'],
    ['a nested value', '{"a":{"b":[{"c":0.12345678901234567890123}]}}'],
    ['an exponent a double cannot hold', '{"tiny":1.5e-400}'],
  ])('keeps %s exact', (_where, text) => {
    expect(serializeJson(parseJson(text))).toBe(text.replace(/\s+/g, ''));
  });

  it('leaves strings that merely look numeric untouched', () => {
    const text = '{"phone":"+12345678901234567890","n":1e400}';
    expect(serializeJson(parseJson(text))).toBe(text);
  });

  it('reads a repeated name as JSON.parse does (the last value wins), exact numbers and all', () => {
    const text =
      '{"a":1,"a":2,"s":"12345678901234567890 \\" 98765432109876543210","o":{"k":{"x":1},"k":[3,-98765432109876543210]},"big":12345678901234567890,"e":1e400}';
    const parsed = parseJson(text) as Record<string, unknown>;
    expect(parsed.a).toBe(2);
    expect(parsed.s).toBe('12345678901234567890 " 98765432109876543210');
    expect(serializeJson(parsed)).toBe(
      '{"a":2,"s":"12345678901234567890 \\" 98765432109876543210","o":{"k":[3,-98765432109876543210]},"big":12345678901234567890,"e":1e400}',
    );
    expect(isExactNumber(parsed.big)).toBe(true);
    expect(serializeJson(parseJson('{"n":1,"n":12345678901234567890}'))).toBe('{"n":12345678901234567890}');
  });
});
