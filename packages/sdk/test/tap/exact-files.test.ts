import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, ExactNumber, isExactNumber, StateError, serializeJson } from '../../src/index.js';
import { Catalog } from '../../src/tap/catalog.js';
import { compareBookmarkValues, StateManager } from '../../src/tap/state.js';

const dir = mkdtempSync(join(tmpdir(), 'exact-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('STATE and catalog files are read exactly', () => {
  it('keeps a 64-bit bookmark as written and orders it exactly against its neighbours', () => {
    const state = StateManager.fromFile(
      file(
        'state.json',
        '{"bookmarks":{"t":{"replication_key":"seq","replication_key_value":9223372036854775801}}}',
      ),
    );
    const value = state.startingValue('t', 'seq');
    expect(isExactNumber(value)).toBe(true);
    expect(serializeJson(state.snapshot())).toContain('9223372036854775801');
    expect(compareBookmarkValues(value, new ExactNumber('9223372036854775800'))).toBeGreaterThan(0);
    expect(compareBookmarkValues(value, new ExactNumber('9223372036854775802'))).toBeLessThan(0);
    expect(compareBookmarkValues(value, new ExactNumber('9223372036854775801'))).toBe(0);
  });

  it('reads an empty STATE file as no state, and names a broken one with its place', () => {
    expect(StateManager.fromFile(file('empty.json', '  \n')).snapshot()).toEqual({ bookmarks: {} });
    expect(() => StateManager.fromFile(file('broken.json', '{"bookmarks":\n  {,}}'))).toThrow(StateError);
    expect(() => StateManager.fromFile(file('broken2.json', '{"bookmarks":\n  {,}}'))).toThrow(
      /state file .*broken2\.json is not valid JSON near line 2/,
    );
    expect(() => StateManager.fromFile(join(dir, 'missing.json'))).toThrow(
      /cannot read state file .*: no such file/,
    );
  });

  it('keeps 64-bit values in a catalog (a schema bound, a metadata value) as written', () => {
    const catalog = Catalog.fromFile(
      file(
        'catalog.json',
        '{"streams":[{"tap_stream_id":"t","schema":{"type":"object","properties":{"id":{"type":"integer","maximum":9223372036854775807}}},"metadata":[{"breadcrumb":[],"metadata":{"selected":true,"x-last-id":9223372036854775806}}]}]}',
      ),
    );
    const maximum = catalog.get('t')?.schema.properties?.id?.maximum;
    expect(isExactNumber(maximum)).toBe(true);
    expect(String(maximum)).toBe('9223372036854775807');
    expect(String(catalog.metadata('t')?.['x-last-id'])).toBe('9223372036854775806');
    expect(() => Catalog.fromFile(file('bad-catalog.json', '{"streams": ['))).toThrow(CatalogError);
  });
});
