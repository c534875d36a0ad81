import { columnNamesFor, type SQLColumn } from '@singer-ts/sdk';
import { describe, expect, test } from 'vitest';
import {
  IdentifierCollisionError,
  MAX_IDENTIFIER_LENGTH,
  qualified,
  quote,
  refuseColumnCollisions,
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

  const columns = (properties: string[], reserved: string[] = []): SQLColumn[] => {
    const names = columnNamesFor(properties, reserved, MAX_IDENTIFIER_LENGTH);
    return [
      ...[...names].map(([property, name]) => ({ name, property, type: 'string' as const, schema: {} })),
      ...reserved.map((name) => ({
        name,
        metadata: name as SQLColumn['metadata'],
        type: 'date-time' as const,
        schema: {},
      })),
    ];
  };

  test('properties with distinct column names pass', () => {
    expect(() =>
      refuseColumnCollisions(columns(['id', 'updatedAt', 'Unit Price']), 'users', MAX_IDENTIFIER_LENGTH),
    ).not.toThrow();
  });

  test.each([
    [['id', 'name', 'ID'], `properties 'id' and 'ID' of stream 'users' would both be stored as column "ID"`],
    [
      ['firstName', 'first_name'],
      `properties 'firstName' and 'first_name' of stream 'users' would both be stored as column "FIRST_NAME"`,
    ],
  ])('%j: two properties that share a column are an error naming both', (properties, message) => {
    const attempt = () => refuseColumnCollisions(columns(properties), 'users', MAX_IDENTIFIER_LENGTH);
    expect(attempt).toThrow(IdentifierCollisionError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as IdentifierCollisionError).code).toBe('SINGER_SNOWFLAKE_NAME_COLLISION');
      expect((error as IdentifierCollisionError).context).toMatchObject({
        stream: 'users',
        field: properties.at(-1),
      });
    }
  });

  test('a property colliding with a metadata column is an error too', () => {
    expect(() =>
      refuseColumnCollisions(
        columns(['_SDC_DELETED_AT'], ['_sdc_deleted_at']),
        'users',
        MAX_IDENTIFIER_LENGTH,
      ),
    ).toThrow(`properties '_sdc_deleted_at' and '_SDC_DELETED_AT'`);
  });
});
