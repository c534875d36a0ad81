import { describe, expect, test } from 'vitest';
import {
  columnNamesFor,
  quoteIdentifier,
  snakeCase,
  TableNameRegistry,
  tableLocationFor,
  tableNameFor,
  truncateIdentifier,
} from '../../src/target/naming.js';

describe('SQL naming', () => {
  test('table names are lowercased with anything outside [a-z0-9_] replaced', () => {
    expect(tableNameFor('test:SpecialChars!in?attributes')).toBe('test_specialchars_in_attributes');
    expect(tableNameFor('Account')).toBe('account');
  });

  test('column names are snake_case', () => {
    expect(snakeCase('firstName')).toBe('first_name');
    expect(snakeCase('HTTPStatus')).toBe('http_status');
    expect(snakeCase('agent:os:version')).toBe('agent_os_version');
    expect(snakeCase('_id')).toBe('_id');
    expect(snakeCase('Id')).toBe('id');
  });

  test('names over 63 bytes are truncated with a hash suffix and never collide', () => {
    const a = truncateIdentifier(`${'x'.repeat(70)}a`);
    const b = truncateIdentifier(`${'x'.repeat(70)}b`);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    const multibyte = truncateIdentifier('é'.repeat(40));
    expect(Buffer.byteLength(multibyte)).toBeLessThanOrEqual(63);
  });

  test('two properties mapping to the same column get distinct names', () => {
    const names = columnNamesFor(['firstName', 'first_name', '_sdc_sequence'], ['_sdc_sequence']);
    expect(names.get('firstName')).toBe('first_name');
    expect(names.get('first_name')).toMatch(/^first_name_[0-9a-f]{8}$/);
    expect(names.get('_sdc_sequence')).not.toBe('_sdc_sequence');
  });

  test('identifiers are always quoted with embedded quotes doubled', () => {
    expect(quoteIdentifier('select')).toBe('"select"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});

describe('table names across streams', () => {
  test('a second stream mapping to a claimed table is an error naming both; the same stream may claim again', () => {
    const registry = new TableNameRegistry();
    registry.claim('Users', 'raw', 'users');
    registry.claim('Users', 'raw', 'users');
    registry.claim('users', 'other', 'users');
    expect(() => registry.claim('users', 'raw', 'users')).toThrow(
      expect.objectContaining({
        code: 'SINGER_TABLE_NAME_COLLISION',
        message: expect.stringContaining("streams 'Users' and 'users' both map to table raw.users"),
        context: { stream: 'users', table: 'raw.users', otherStream: 'Users' },
      }),
    );
  });
});

describe('where a stream loads (the Meltano SDK rule)', () => {
  const rules = { fallbackSchema: 'public' };
  test('table = last `-` part; schema = the part before it in a two- or three-part name', () => {
    expect(tableLocationFor('users', rules)).toEqual({ schema: 'public', table: 'users' });
    expect(tableLocationFor('public-users', rules)).toEqual({ schema: 'public', table: 'users' });
    expect(tableLocationFor('tap_mysql_test-test_table_one', rules)).toEqual({
      schema: 'tap_mysql_test',
      table: 'test_table_one',
    });
    expect(tableLocationFor('db-Sales-Orders', rules)).toEqual({ schema: 'sales', table: 'orders' });
    expect(tableLocationFor('a-b-c-d', rules)).toEqual({ schema: 'public', table: 'd' });
  });

  test('default_target_schema, then the load schema, win over the stream name; raw names keep it whole', () => {
    expect(tableLocationFor('public-users', { ...rules, defaultSchema: 'Raw', loadSchema: 'env' })).toEqual({
      schema: 'Raw',
      table: 'users',
    });
    expect(tableLocationFor('public-users', { ...rules, loadSchema: 'tap_pg' })).toEqual({
      schema: 'tap_pg',
      table: 'users',
    });
    expect(tableLocationFor('public-users', { ...rules, rawStreamNames: true })).toEqual({
      schema: 'public',
      table: 'public_users',
    });
    expect(tableLocationFor('public-users', { ...rules, defaultSchema: '' })).toEqual({
      schema: 'public',
      table: 'users',
    });
  });
});
