import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

// Spawned: each bin runs the bundle `pnpm build` makes (scripts/bundle.mjs), as a user runs it.
const run = promisify(execFile);
const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

const connectors = readdirSync(packagesDir)
  .filter((name) => name !== 'sdk' && existsSync(join(packagesDir, name, 'package.json')))
  .flatMap((name) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as {
      bin?: Record<string, string>;
    };
    // The connector's bin is the one named after its package; others (tap-zendesk-emulator) are tools.
    return Object.entries(manifest.bin ?? {})
      .filter(([bin]) => bin === name)
      .map(([bin, file]) => ({ bin, path: join(packagesDir, name, file) }));
  });

describe('connector bins', () => {
  test('there is one per connector package', () => {
    expect(connectors.map((connector) => connector.bin).sort()).toEqual([
      'tap-marketo',
      'tap-zendesk',
      'tap-zuora',
      'target-postgres',
      'target-snowflake',
    ]);
  });

  const placeholders = new Set<string>();

  test.each(
    connectors.filter(({ bin }) => !placeholders.has(bin)),
  )('$bin answers --version and --about from its bundle', async ({ bin, path }) => {
    const version = await run(process.execPath, [path, '--version']);
    expect(version.stdout).toMatch(new RegExp(`^${bin} \\d+\\.\\d+\\.\\d+`));
    const about = await run(process.execPath, [path, '--about', '--format', 'json']);
    const info = JSON.parse(about.stdout) as { name: string; settings: unknown };
    expect(info.name).toBe(bin);
    expect(info.settings).toBeTypeOf('object');
  });

  test.each(
    connectors.filter(({ bin }) => placeholders.has(bin)),
  )('$bin, not built yet, says so in one line and fails', async ({ bin, path }) => {
    const failure = await run(process.execPath, [path, '--version']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${bin}: not implemented yet`)),
    ]);
  });
});
