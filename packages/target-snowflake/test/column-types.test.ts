import type { JSONSchema } from '@singer-ts/sdk';
import { describe, expect, test } from 'vitest';
import {
  castSuffix,
  columnTypeFor,
  columnTypeFromCatalog,
  columnTypeSql,
  measureNumber,
  plainDecimal,
  widenColumnType,
  widerShape,
} from '../src/column-types.js';

const sqlFor = (schema: JSONSchema, observed?: { integerDigits: number; scale: number }) =>
  columnTypeSql(columnTypeFor(schema, observed));

describe('number shapes', () => {
  test.each([
    ['0', 0, 0],
    ['-12.3400', 2, 2],
    ['123456789012345678901234567890', 30, 0],
    ['0.000123', 0, 6],
    ['1.5e-7', 0, 8],
    ['1.5E3', 4, 0],
    ['12345e-2', 3, 2],
    ['9007199254740993', 16, 0],
    ['007.250', 1, 2],
    ['-0.0', 0, 0],
    ['.5', 0, 1],
    ['5.', 1, 0],
    ['+3.10', 1, 1],
  ])('%s has %i integer digits and scale %i', (text, integerDigits, scale) => {
    expect(measureNumber(text)).toEqual({ integerDigits, scale });
  });

  test('a non-number is refused', () => {
    for (const text of ['12abc', '', '-', '1.2.3', '--1', '1-2'])
      expect(() => measureNumber(text)).toThrow(RangeError);
  });

  test('plain decimals keep their text exactly; exponents are written out', () => {
    expect(plainDecimal('-12.3400')).toEqual({ text: '-12.3400', integerDigits: 2, scale: 2 });
    expect(plainDecimal('1.5e-7')).toEqual({ text: '0.00000015', integerDigits: 0, scale: 8 });
  });

  test('the shape of a batch is the widest of its values', () => {
    const shape = ['1.5', '1234', '0.125'].map(measureNumber).reduce(widerShape, undefined);
    expect(shape).toEqual({ integerDigits: 4, scale: 3 });
  });
});

describe('column types', () => {
  test('integers are NUMBER(38,0), never FLOAT', () => {
    expect(sqlFor({ type: ['null', 'integer'] })).toBe('NUMBER(38,0)');
    expect(sqlFor({ type: 'integer' }, { integerDigits: 30, scale: 0 })).toBe('NUMBER(38,0)');
  });

  test('numbers take the scale their data needs', () => {
    expect(sqlFor({ type: 'number' }, { integerDigits: 10, scale: 2 })).toBe('NUMBER(38,2)');
    expect(sqlFor({ type: 'number' }, { integerDigits: 8, scale: 30 })).toBe('NUMBER(38,30)');
    expect(sqlFor({ type: 'number' })).toBe('NUMBER(38,0)');
    expect(sqlFor({ type: ['integer', 'number'] }, { integerDigits: 3, scale: 4 })).toBe('NUMBER(38,4)');
  });

  test('numbers 38 digits cannot hold fall back to a lossless VARCHAR', () => {
    expect(sqlFor({ type: 'integer' }, { integerDigits: 39, scale: 0 })).toBe('VARCHAR');
    expect(sqlFor({ type: 'number' }, { integerDigits: 20, scale: 19 })).toBe('VARCHAR');
    expect(sqlFor({ type: 'number' }, { integerDigits: 0, scale: 38 })).toBe('VARCHAR');
  });

  test.each([
    [{ type: 'boolean' }, 'BOOLEAN'],
    [{ type: 'string', format: 'date-time' }, 'TIMESTAMP_TZ(9)'],
    [{ type: 'string', format: 'date' }, 'DATE'],
    [{ type: 'string', format: 'time' }, 'TIME(9)'],
    [{ type: 'string' }, 'VARCHAR'],
    [{ type: ['string', 'integer'] }, 'VARCHAR'],
    [{ type: 'object', properties: {} }, 'VARIANT'],
    [{ type: 'array', items: {} }, 'VARIANT'],
    [{ anyOf: [{ type: 'string' }, { type: 'object' }] }, 'VARIANT'],
    [{}, 'VARIANT'],
  ] as [JSONSchema, string][])('%j is %s', (schema, sql) => {
    expect(sqlFor(schema)).toBe(sql);
  });

  test('the load SELECT casts scalars and passes VARIANT through', () => {
    expect(castSuffix({ kind: 'NUMBER', scale: 2 })).toBe('::NUMBER(38,2)');
    expect(castSuffix({ kind: 'TIMESTAMP_TZ' })).toBe('::TIMESTAMP_TZ(9)');
    expect(castSuffix({ kind: 'VARIANT' })).toBe('');
  });

  test('columns read back from INFORMATION_SCHEMA', () => {
    expect(columnTypeFromCatalog('NUMBER', '4')).toEqual({ kind: 'NUMBER', scale: 4 });
    expect(columnTypeFromCatalog('TEXT', null)).toEqual({ kind: 'VARCHAR' });
    expect(columnTypeFromCatalog('VARIANT', null)).toEqual({ kind: 'VARIANT' });
    expect(columnTypeFromCatalog('GEOGRAPHY', null)).toBeUndefined();
  });
});

describe('widening an existing column', () => {
  test('the same type, or a smaller scale, needs nothing', () => {
    expect(widenColumnType({ kind: 'NUMBER', scale: 4 }, { kind: 'NUMBER', scale: 2 })).toEqual({
      type: { kind: 'NUMBER', scale: 4 },
      inPlace: true,
    });
  });

  test('a larger scale is a new NUMBER column, since Snowflake cannot change a scale in place', () => {
    expect(widenColumnType({ kind: 'NUMBER', scale: 0 }, { kind: 'NUMBER', scale: 3 })).toEqual({
      type: { kind: 'NUMBER', scale: 3 },
      inPlace: false,
    });
  });

  test('VARCHAR and VARIANT take anything they can hold; other mixes go to VARCHAR or VARIANT', () => {
    expect(widenColumnType({ kind: 'VARCHAR' }, { kind: 'NUMBER', scale: 2 })).toEqual({
      type: { kind: 'VARCHAR' },
      inPlace: true,
    });
    expect(widenColumnType({ kind: 'VARIANT' }, { kind: 'BOOLEAN' })).toEqual({
      type: { kind: 'VARIANT' },
      inPlace: true,
    });
    expect(widenColumnType({ kind: 'BOOLEAN' }, { kind: 'NUMBER', scale: 0 })).toEqual({
      type: { kind: 'VARCHAR' },
      inPlace: false,
    });
    expect(widenColumnType({ kind: 'NUMBER', scale: 0 }, { kind: 'VARIANT' })).toEqual({
      type: { kind: 'VARIANT' },
      inPlace: false,
    });
  });
});
