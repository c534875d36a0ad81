// Settings a tap changes at runtime (a rotated OAuth refresh token) go back to the config file they
// came from: atomically, every other key kept exactly, the log naming the settings but never a value.
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFileFor, updateConfigFile } from '../../src/config-file.js';
import { type ConnectorInfo, Stream, schema, Tap } from '../../src/index.js';
import { runConnector } from '../../src/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'save-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RotatingConfig {
  refresh_token: string;
}

/** A tap whose one stream "rotates" its refresh token half way, as an OAuth token endpoint does. */
class RotatingTap extends Tap<RotatingConfig> {
  static override info: ConnectorInfo = {
    name: 'tap-rotating',
    version: '0.0.0',
    description: 'test',
    kind: 'tap',
    capabilities: [],
    settings: {
      type: 'object',
      properties: { refresh_token: { type: 'string', secret: true, writeOnly: true } },
      required: ['refresh_token'],
    },
  };
  override discoverStreams() {
    const tap = this;
    return [
      new (class extends Stream<{ id: number }, RotatingConfig> {
        readonly name = 'items';
        readonly schema = schema.object({ id: schema.integer() });
        async *getRecords() {
          yield { id: 1 };
          tap.saveConfig({ refresh_token: `${tap.config.refresh_token}-rotated` });
          yield { id: 2 };
        }
      })(this),
    ];
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('Tap.saveConfig: runtime changes written back to the config file', () => {
  it('replaces the file atomically, keeping every other key exactly and the file mode', () => {
    const path = file(
      'keep.json',
      '{"refresh_token": "old", "account_id": 9223372036854775807, "nested": {"a": [1, "x"]}}',
    );
    chmodSync(path, 0o600);
    updateConfigFile(path, { refresh_token: 'new', access_token: 'fresh' });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('"account_id": 9223372036854775807');
    expect(JSON.parse(text)).toMatchObject({
      refresh_token: 'new',
      access_token: 'fresh',
      nested: { a: [1, 'x'] },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // No temporary file is left next to it.
    expect(readdirSync(dir).filter((name) => name.includes('keep.json'))).toEqual(['keep.json']);
  });

  it('writes through a symlink to the file it points at, leaving the link in place', () => {
    const target = file('target.json', '{"refresh_token": "old", "other": 1}');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    updateConfigFile(link, { refresh_token: 'new' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ refresh_token: 'new', other: 1 });
  });

  it('picks the last --config file that holds the setting, else the last file; none for ENV only', () => {
    const base = file('base.json', '{"refresh_token": "a"}');
    const extra = file('extra.json', '{"start_date": "2024-01-01T00:00:00Z"}');
    expect(configFileFor([base, extra], ['refresh_token'])).toBe(base);
    expect(configFileFor([base, extra], ['other'])).toBe(extra);
    expect(configFileFor(['ENV'], ['refresh_token'])).toBeUndefined();
  });

  it('through the CLI: the --config file gets the new value, the log names the setting, never the value', async () => {
    const path = file('cli.json', '{"refresh_token": "tok-0123456789", "note": "kept"}');
    const result = await runConnector(RotatingTap, { args: ['--config', path] });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.records('items')).toHaveLength(2);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      refresh_token: 'tok-0123456789-rotated',
      note: 'kept',
    });
    expect(result.stderr).toContain(
      `refresh_token changed during the run and written back to config file ${path}`,
    );
    expect(result.stderr).not.toContain('tok-0123456789');
  });

  it('warns, without failing, when the config came from the environment only', async () => {
    const result = await runConnector(RotatingTap, {
      args: ['--config', 'ENV'],
      env: { TAP_ROTATING_REFRESH_TOKEN: 'env-token-abcdef' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /refresh_token changed during the run, but the config came from the environment only/,
    );
    expect(result.stderr).not.toContain('env-token-abcdef');
  });
});
