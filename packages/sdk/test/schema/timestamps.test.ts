import { describe, expect, it } from 'vitest';
import {
  compileConformer,
  compileValidator,
  ExactNumber,
  RecordValidationError,
  toUtcTimestamp,
} from '../../src/index.js';

describe('toUtcTimestamp', () => {
  it.each([
    ['2024-05-01T12:34:56Z', '2024-05-01T12:34:56Z'],
    ['2024-05-01T12:34:56+02:00', '2024-05-01T10:34:56Z'],
    ['2024-05-01 00:30:00-0130', '2024-05-01T02:00:00Z'],
    ['2024-05-01T12:34:56.123456-05:00', '2024-05-01T17:34:56.123456Z'],
    ['2024-05-01T12:34:56', '2024-05-01T12:34:56Z'],
    ['2024-05-01', '2024-05-01T00:00:00Z'],
    ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00Z'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(toUtcTimestamp(input)).toBe(expected);
  });

  it('leaves text that is not a timestamp alone', () => {
    expect(toUtcTimestamp('yesterday')).toBeUndefined();
  });

  it('normalizes nested date-time fields when conforming a record', () => {
    const conform = compileConformer({
      type: 'object',
      properties: {
        at: { type: ['string', 'null'], format: 'date-time' },
        events: {
          type: 'array',
          items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } } },
        },
      },
    });
    expect(
      conform({ at: '2024-01-01T01:00:00+01:00', events: [{ at: '2024-01-01T00:00:00-01:00', x: 1 }], y: 2 }),
    ).toEqual({
      at: '2024-01-01T00:00:00Z',
      events: [{ at: '2024-01-01T01:00:00Z' }],
    });
  });
});

describe('compileValidator', () => {
  const validate = compileValidator(
    {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'integer' }, amount: { type: 'number' }, name: { type: 'string' } },
    },
    'orders',
  );

  it('accepts exact numbers where the schema wants integers or numbers', () => {
    expect(() =>
      validate({
        id: new ExactNumber('123456789012345678901234567890'),
        amount: new ExactNumber('1.00000000000000000001'),
      }),
    ).not.toThrow();
  });

  it('still rejects other problems in a record that holds exact numbers', () => {
    expect(() => validate({ id: new ExactNumber('123456789012345678901234567890'), name: 5 })).toThrow(
      RecordValidationError,
    );
  });

  it('names the stream, line and field of an invalid record', () => {
    try {
      validate({ id: 'x' }, 7);
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as RecordValidationError).describe()).toBe(
        "SINGER_RECORD_INVALID: stream 'orders', line 7, field 'id': record does not match the schema: must be integer",
      );
    }
    expect(() => validate({}, 8)).toThrow(/required property 'id' is missing/);
  });
});
