import { describe, expect, it } from 'vitest';
import { RecordSpans, SpanLookup, scanJson } from '../../src/json/json-scan.js';
import { randomJson } from '../fixtures/random-json.js';

function spansOf(text: string): RecordSpans {
  const spans = new RecordSpans();
  scanJson(text, spans);
  return spans;
}

function valuesOf(text: string, names: string[]): (string | undefined)[] {
  const spans = spansOf(text);
  const found = new Int32Array(names.length);
  new SpanLookup(names).find(spans, found);
  return [...found].map((index) => (index < 0 ? undefined : spans.valueText(index)));
}

describe('scanJson', () => {
  it('locates every property of a RECORD message record, nested values whole', () => {
    const text =
      '{"type":"RECORD","stream":"t","record":{"id":7,"tags":["a","b"],"via":{"from":{"x":[1,{"y":"}"}]}},' +
      '"score":-1.5e3,"ok":true,"gone":null,"name":"q\\"uote"},"time_extracted":"2024-01-01T00:00:00Z"}';
    expect(valuesOf(text, ['id', 'tags', 'via', 'score', 'ok', 'gone', 'name', 'absent'])).toEqual([
      '7',
      '["a","b"]',
      '{"from":{"x":[1,{"y":"}"}]}}',
      '-1.5e3',
      'true',
      'null',
      '"q\\"uote"',
      undefined,
    ]);
  });

  it('follows white space anywhere JSON allows it', () => {
    const text = ' { "record" : { "a" : [ 1 , 2 ] ,\t"b" : { } } , "type" : "RECORD" } ';
    expect(valuesOf(text, ['a', 'b'])).toEqual(['[ 1 , 2 ]', '{ }']);
  });

  it('gives the last of duplicate names, as JSON.parse keeps it', () => {
    const text = '{"record":{"a":{"v":1},"b":2,"a":{"v":3}}}';
    expect(valuesOf(text, ['a'])).toEqual(['{"v":3}']);
    expect(JSON.parse(`[${valuesOf(text, ['a'])[0]}]`)[0]).toEqual(JSON.parse(text).record.a);
  });

  it('takes the last record object when a message repeats it', () => {
    expect(valuesOf('{"record":{"a":1},"record":{"a":2}}', ['a'])).toEqual(['2']);
  });

  it('trusts no spans when a property name holds an escape', () => {
    expect(spansOf('{"record":{"a":1,"\\u0061":2}}').count).toBe(0);
    expect(spansOf('{"record":{"a":"x\\\\","b":2}}').count).toBe(2);
  });

  it('finds no spans outside a record object', () => {
    expect(spansOf('{"type":"STATE","value":{"record":1}}').count).toBe(0);
    expect(spansOf('{"type":"STATE","value":{"a":{"record":{"b":1}}}}').count).toBe(0);
    expect(spansOf('[{"record":{"a":1}}]').count).toBe(0);
  });

  it('tells whether a text needs escaping when copied', () => {
    expect(spansOf('{"record":{"a":"plain"}}').plain).toBe(true);
    expect(spansOf('{"record":{"a":"line\\nbreak"}}').plain).toBe(false);
    expect(spansOf('{"record":{"a":\t1}}').plain).toBe(false);
  });

  it.each([
    ['16 digits', '{"a":1234567890123456}', true],
    ['15 digits', '{"a":123456789012345}', false],
    ['digits and a dot', '{"a":0.12345678901234567}', true],
    ['a three-digit exponent', '{"a":[1,2,3.5E+308]}', true],
    ['a two-digit exponent', '{"a":1e99}', false],
    ['a negative number in an array', '[-12345678901234567890]', true],
    ['a bare number', '12345678901234567890', true],
    ['long digits inside a string', '{"a":"12345678901234567890","b":"1e400"}', false],
    ['long digits after an escaped quote', '{"a":"x\\"12345678901234567890"}', false],
    ['long digits after an escaped backslash', '{"a":"x\\\\","b":12345678901234567890}', true],
  ])('detects a number a double may not hold: %s', (_case, text, expected) => {
    expect(scanJson(text)).toBe(expected);
  });

  it('gives spans whose text parses to the parsed values, for generated records', () => {
    const { random, value } = randomJson(7);
    const space = (): string => [' ', '', '\t', '\n', ''][Math.floor(random() * 5)] as string;
    for (let round = 0; round < 300; round += 1) {
      const record: Record<string, unknown> = {};
      for (let k = 0; k < 6; k += 1) record[`p${k}`] = value(0);
      // Re-serialize with white space around every structural character outside strings.
      const compact = JSON.stringify({ type: 'RECORD', stream: 's', record });
      let spaced = '';
      let inString = false;
      for (let i = 0; i < compact.length; i += 1) {
        const c = compact[i] as string;
        if (inString) {
          spaced += c;
          if (c === '\\') spaced += compact[++i];
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        spaced += '{}[],:'.includes(c) ? `${space()}${c}${space()}` : c;
      }
      const parsed = JSON.parse(spaced).record as Record<string, unknown>;
      const names = Object.keys(parsed);
      const texts = valuesOf(spaced, names);
      for (const [k, name] of names.entries()) expect(JSON.parse(texts[k] as string)).toEqual(parsed[name]);
    }
  });

  it('stays within the text when it is not valid JSON', () => {
    for (const text of [
      '{"record":{"a":[1,2',
      '{"record":{"a":"x',
      '{"a',
      '[[[[',
      '"',
      '-',
      '{"record":{"a":tr}',
    ]) {
      expect(() => scanJson(text, new RecordSpans())).not.toThrow();
    }
  });
});
