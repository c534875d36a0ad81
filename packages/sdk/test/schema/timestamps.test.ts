import { describe, expect, it } from 'vitest';
import { compileValidator, ExactNumber, RecordValidationError, toUtcTimestamp } from '../../src/index.js';
import { compileConformer } from '../../src/schema/conform.js';
import { isRfc3339DateTime } from '../../src/schema/timestamps.js';

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

  it.each([
    ['2024-02-28T23:30:00-01:00', '2024-02-29T00:30:00Z'],
    ['2023-02-28T23:30:00-0100', '2023-03-01T00:30:00Z'],
    ['2024-03-01T00:15:00+0100', '2024-02-29T23:15:00Z'],
    ['2100-03-01T00:15:00+01:00', '2100-02-28T23:15:00Z'],
    ['2000-03-01T00:15:00+01:00', '2000-02-29T23:15:00Z'],
    ['2025-01-01T00:00:00.5+00:01', '2024-12-31T23:59:00.5Z'],
    ['2024-04-30T16:00:00.000-08:00', '2024-05-01T00:00:00.000Z'],
    ['2024-01-02T03:04:05.123456789-0800', '2024-01-02T11:04:05.123456789Z'],
    ['2024-06-30T23:59:59+23:59', '2024-06-30T00:00:59Z'],
    ['2024-06-30T00:00:59-23:59', '2024-06-30T23:59:59Z'],
    ['9999-12-31T23:59:59-00:00', '9999-12-31T23:59:59Z'],
    ['0100-01-01T00:30:00+00:00', '0100-01-01T00:30:00Z'],
  ])('moves %s across days, months, years and leap days to %s', (input, expected) => {
    expect(toUtcTimestamp(input)).toBe(expected);
  });

  it('reads a numeric offset as Date does, over random instants, offsets and fractions', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const two = (n: number) => String(n).padStart(2, '0');
    for (let round = 0; round < 20_000; round += 1) {
      // Around month and year ends most of the time, anywhere in 1900-2100 otherwise.
      const day = random(4) === 0 ? random(73_000) : [59, 60, 365, 366, 1154, 1155, 1461][random(7)]!;
      const ms = (day + random(200) * 365) * 86_400_000 - 2_208_988_800_000 + random(86_400) * 1000;
      const local = new Date(ms).toISOString().slice(0, 19);
      const offset = (random(2) === 0 ? -1 : 1) * random(24 * 60);
      const sign = offset < 0 ? '-' : '+';
      const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}${random(2) === 0 ? ':' : ''}${two(Math.abs(offset) % 60)}`;
      const fraction = ['', '.000', '.5', '.123456'][random(4)]!;
      const expected = `${new Date(ms - offset * 60_000).toISOString().slice(0, 19)}${fraction}Z`;
      const text = `${local}${fraction}${zone}`;
      expect([text, toUtcTimestamp(text)]).toEqual([text, expected]);
    }
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

describe('isRfc3339DateTime', () => {
  it('says yes only to in-range RFC 3339 timestamps, each of which Date.parse accepts too', () => {
    for (const text of [
      '2024-05-01T12:34:56Z',
      '2024-05-01T12:34:56.123456789Z',
      '2024-02-29T23:59:59+00:00',
      '0100-01-01T00:00:00-23:59',
    ]) {
      expect([text, isRfc3339DateTime(text)]).toEqual([text, true]);
      expect(Number.isNaN(Date.parse(text))).toBe(false);
    }
    for (const text of [
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T23:59:60Z',
      '2024-05-01T12:34:56.Z',
      '2024-05-01T12:34:56+24:00',
      '2024-05-01T12:34:56+0530',
      '2024-05-01 12:34:56Z',
      '2024-05-01T12:34:56',
      '0099-01-01T00:00:00Z',
    ]) {
      expect([text, isRfc3339DateTime(text)]).toEqual([text, false]);
    }
  });

  it('never says yes where Date.parse says no, over random near-miss strings', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ['0', '1', '2', '3', '5', '9', '-', ':', 'T', 'Z', '.', '+', ' '];
    let accepted = 0;
    for (let round = 0; round < 20_000; round += 1) {
      const base = new Date(random(400_000) * 86_400_000 - 2e13 + random(86_400_000)).toISOString();
      const chars = [...base.replace(/\.\d+Z$/, random(2) === 0 ? 'Z' : '+05:30')];
      for (let edits = random(3); edits > 0; edits -= 1)
        chars[random(chars.length)] = pieces[random(pieces.length)] ?? '';
      const text = chars.join('');
      if (isRfc3339DateTime(text)) {
        accepted += 1;
        expect([text, Number.isNaN(Date.parse(text))]).toEqual([text, false]);
      }
    }
    expect(accepted).toBeGreaterThan(1000);
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

  it('checks date-time strings: RFC 3339 and whatever else a date parser reads pass, the rest fail', () => {
    const check = compileValidator(
      { type: 'object', properties: { at: { type: 'string', format: 'date-time' } } },
      'events',
    );
    for (const at of ['2024-05-01T12:34:56.5+02:00', '2024-05-01 12:34:56', 'May 1, 2024']) {
      expect(() => check({ at })).not.toThrow();
    }
    expect(() => check({ at: 'yesterday' }, 3)).toThrow(RecordValidationError);
  });
});

describe('toUtcTimestamp fast forms (dates, numeric offsets)', () => {
  it('give what the general path gives (a trailing space forces that path)', () => {
    const texts = [
      '2022-12-31T16:30:44-0800',
      '2022-12-31T16:30:44.123456+05:30',
      '2024-02-29',
      '2023-02-29',
      '2024-01-01T00:00:00+0000',
      '2024-01-01T00:00:00.5-00:00',
      '0100-01-01T00:00:00+0100',
      '9999-12-31T23:59:59-0100',
      '2024-03-10T02:30:00-23:59',
      '2024-01-01T00:00:00+01:0',
    ];
    for (const text of texts) expect(toUtcTimestamp(text)).toBe(toUtcTimestamp(`${text} `));
    expect(toUtcTimestamp('2022-12-31T16:30:44-0800')).toBe('2023-01-01T00:30:44Z');
    expect(toUtcTimestamp('2024-02-29')).toBe('2024-02-29T00:00:00Z');
  });
});
