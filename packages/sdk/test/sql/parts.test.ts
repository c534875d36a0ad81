import { describe, expect, test } from 'vitest';
import { RecordSpans, scanJson } from '../../src/json/json-scan.js';
import { parseJson } from '../../src/json/lossless-json.js';
import { BatchKeys } from '../../src/sql/batch-keys.js';
import { keptRows, keyPart, PropertySourceText, widenedClass } from '../../src/sql/index.js';

describe('the widening policy', () => {
  test('columns only widen: integer → number → string, date → date-time → string', () => {
    expect(widenedClass('integer', 'number')).toBe('number');
    expect(widenedClass('number', 'integer')).toBeUndefined();
    expect(widenedClass('date', 'date-time')).toBe('date-time');
    expect(widenedClass('date-time', 'date')).toBeUndefined();
    expect(widenedClass('boolean', 'integer')).toBe('string');
    expect(widenedClass('integer', 'json')).toBe('string');
    for (const wide of ['string', 'json', 'other'] as const)
      expect(widenedClass(wide, 'integer')).toBeUndefined();
    expect(widenedClass('time', 'time')).toBeUndefined();
  });
});

describe('batch keys', () => {
  test('values a column stores alike are one key; others stay apart', () => {
    expect(keyPart(7)).toBe(keyPart('7'));
    expect(keyPart(7)).toBe(keyPart(7n));
    expect(keyPart(parseJson('12345678901234567890'))).toBe(keyPart('12345678901234567890'));
    expect(keyPart('007')).not.toBe(keyPart(7));
    expect(keyPart(true)).toBe('true');
    expect(keyPart({ a: 1 })).toBe('{"a":1}');
  });

  test('the last row of each key is kept, in arrival order', () => {
    const keys = new BatchKeys();
    for (const [index, key] of ['a', 'b', 'a', 'c', 'b'].entries()) keys.add(key, index);
    const replaced = keys.take();
    expect(keptRows(5, replaced)).toEqual([2, 3, 4]);
    expect(keptRows(3, keys.take())).toBeUndefined();
  });
});

describe('PropertySourceText', () => {
  test('gives the source text of the chosen properties of the record being written', () => {
    const sources = new PropertySourceText(['amount', 'meta', 'absent']);
    const line = '{"type":"RECORD","stream":"s","record":{"amount":1.50,"meta":{"b":[1, 2]},"x":"y"}}';
    const spans = new RecordSpans();
    spans.reset(line);
    scanJson(line, spans);
    sources.locate({ line: 1, bytes: line.length, receivedAt: 0, source: spans });
    expect(sources.text(0)).toBe('1.50');
    expect(sources.text(1)).toBe('{"b":[1, 2]}');
    expect(sources.text(2)).toBeUndefined();
    expect(sources.plain).toBe(true);
    sources.locate({ line: 2, bytes: 10, receivedAt: 0 });
    expect(sources.text(0)).toBeUndefined();
    expect(sources.plain).toBe(false);
  });
});
