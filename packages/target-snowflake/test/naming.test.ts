import { describe, expect, test } from 'vitest';
import {
  columnIdentifiers,
  IdentifierCollisionError,
  qualified,
  quote,
  snowflakeIdentifier,
  writableUnquoted,
} from '../src/naming.js';

describe('Snowflake identifiers', () => {
  test.each([
    ['updated_at', 'UPDATED_AT'],
    ['updatedAt', 'UPDATEDAT'],
    ['ID', 'ID'],
    ['_sdc_batched_at', '_SDC_BATCHED_AT'],
    ['order', 'ORDER'],
    ['price$', 'PRICE$'],
  ])('%s, writable unquoted, is stored upper-cased as %s', (name, stored) => {
    expect(snowflakeIdentifier(name)).toBe(stored);
  });

  test.each([
    'Unit Price',
    'agent:os',
    '2fa_enabled',
    'first-name',
    'naïve',
    'a.b',
    'say "hi"',
  ])('%s is kept exactly (it needs quotes)', (name) => {
    expect(snowflakeIdentifier(name)).toBe(name);
    expect(writableUnquoted(snowflakeIdentifier(name))).toBe(false);
  });

  test('every identifier is quoted, with inner quotes doubled, so no name injects SQL', () => {
    expect(quote('say "hi"')).toBe('"say ""hi"""');
    expect(quote('x"; DROP TABLE "T')).toBe('"x""; DROP TABLE ""T"');
    expect(qualified('RAW', 'ZUORA', 'Unit Price')).toBe('"RAW"."ZUORA"."Unit Price"');
  });

  test('names over 255 characters keep their start and a hash, and stay distinct', () => {
    const a = `${'x'.repeat(300)}a`;
    const b = `${'x'.repeat(300)}b`;
    expect(snowflakeIdentifier(a).length).toBeLessThanOrEqual(255);
    expect(snowflakeIdentifier(a)).not.toBe(snowflakeIdentifier(b));
  });

  test('column names map each property, in order', () => {
    expect([...columnIdentifiers(['id', 'updatedAt', 'Unit Price'])]).toEqual([
      ['id', 'ID'],
      ['updatedAt', 'UPDATEDAT'],
      ['Unit Price', 'Unit Price'],
    ]);
  });

  test('two properties that share a column name are an error naming both and the stream', () => {
    const attempt = () => columnIdentifiers(['id', 'name', 'ID'], { stream: 'users' });
    expect(attempt).toThrow(IdentifierCollisionError);
    expect(attempt).toThrow(`properties 'id' and 'ID' would both be stored as column "ID"`);
    try {
      attempt();
    } catch (error) {
      expect((error as IdentifierCollisionError).code).toBe('SINGER_SNOWFLAKE_NAME_COLLISION');
      expect((error as IdentifierCollisionError).context.stream).toBe('users');
    }
  });

  test('a property colliding with a metadata column is an error too', () => {
    expect(() =>
      columnIdentifiers(['_SDC_DELETED_AT'], { reserved: [['_SDC_DELETED_AT', '_sdc_deleted_at']] }),
    ).toThrow(`properties '_sdc_deleted_at' and '_SDC_DELETED_AT'`);
  });

  test('names that differ only where Snowflake keeps them apart do not collide', () => {
    expect([...columnIdentifiers(['Unit Price', 'unit price']).values()]).toEqual([
      'Unit Price',
      'unit price',
    ]);
  });
});
