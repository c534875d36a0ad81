/**
 * Installed as users install it: every publishable package is packed (its prepack builds it), the
 * tarballs are installed with npm into empty directories outside the workspace, and the installed
 * bins run a real pipeline, `tap-zendesk | target-postgres`, against the installed Zendesk emulator
 * (`tap-zendesk-emulator`) and a throwaway PostgreSQL. The two connectors alone must stay a light
 * install: they run self-contained bundles and declare no runtime dependencies.
 *
 *   pnpm test:install   (needs the npm registry for the SDK's own dependencies; .ci/run runs it)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_PACKAGES = 30;
const MAX_BYTES = 15 * 1024 * 1024;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
}

const workspacePackages = ['packages', 'examples'].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .map((name) => join(ROOT, group, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
    })),
);
const publishable = workspacePackages.filter((entry) => entry.manifest.private !== true);

const work = mkdtempSync(join(tmpdir(), 'singer-ts-pack-'));
const tarballs = new Map<string, string>();
const children: ChildProcess[] = [];
let db: TestDatabase | undefined;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** An empty npm project outside the workspace with the given tarballs installed. */
function installInto(name: string, files: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `try-${name}`, private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], dir);
  return dir;
}

/** Every installed package (scoped ones included) and the bytes under node_modules. */
function installedWeight(dir: string): { packages: string[]; bytes: number } {
  const packages: string[] = [];
  let bytes = 0;
  const walk = (path: string, depth: string[]): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(full, [...depth, entry.name]);
      else {
        bytes += statSync(full).size;
        if (entry.name === 'package.json' && depth.at(-2) === 'node_modules') packages.push(depth.at(-1)!);
        if (
          entry.name === 'package.json' &&
          depth.at(-3) === 'node_modules' &&
          depth.at(-2)!.startsWith('@')
        ) {
          packages.push(`${depth.at(-2)}/${depth.at(-1)}`);
        }
      }
    }
  };
  walk(join(dir, 'node_modules'), ['node_modules']);
  return { packages: packages.filter((name) => !name.startsWith('.')).sort(), bytes };
}

const bin = (dir: string, name: string) => join(dir, 'node_modules', '.bin', name);

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

beforeAll(() => {
  const out = join(work, 'tarballs');
  mkdirSync(out);
  for (const { dir, manifest } of publishable) {
    run('pnpm', ['pack', '--pack-destination', out], dir);
    const file = readdirSync(out).find(
      (name) => name === `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`,
    );
    if (file === undefined) throw new Error(`pnpm pack of ${manifest.name} left no tarball in ${out}`);
    tarballs.set(manifest.name, join(out, file));
  }
}, 600_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await db?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('packed tarballs', () => {
  test('the published set is the SDK, tap-marketo, tap-zendesk, tap-zuora and target-postgres; connectors whose issues are open and examples stay private', () => {
    expect([...tarballs.keys()].sort()).toEqual([
      '@singer-ts/sdk',
      'tap-marketo',
      'tap-zendesk',
      'tap-zuora',
      'target-postgres',
    ]);
  });

  test.each([
    'tap-marketo',
    'tap-zendesk',
    'tap-zuora',
    'target-postgres',
  ])('%s ships its bundle and licence and no source maps', (name) => {
    const files = run('tar', ['tzf', tarballs.get(name)!], work).split('\n');
    expect(files).toContain('package/dist/bundle/cli.js');
    expect(files).toContain('package/LICENSE');
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    // A bundle holding the SDK's CSV reader starts its parsing worker from a file beside it.
    const bundle = readFileSync(new URL(`../packages/${name}/dist/bundle/cli.js`, import.meta.url), 'utf8');
    if (bundle.includes('"./csv-parse-worker.js"'))
      expect(files).toContain('package/dist/bundle/csv-parse-worker.js');
  });

  test.each(['tap-marketo', 'tap-zendesk', 'tap-zuora'])('%s ships its emulator and its guide', (name) => {
    const files = run('tar', ['tzf', tarballs.get(name)!], work).split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/dist/bundle/emulator.js', 'package/EMULATOR.md']));
  });

  test('the SDK ships the sources its source maps point at', () => {
    const files = run('tar', ['tzf', tarballs.get('@singer-ts/sdk')!], work).split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js.map', 'package/src/index.ts']));
  });
});

describe('npm install of the tarballs into an empty directory', () => {
  test(`the connectors install as at most ${MAX_PACKAGES} packages and 15 MB, and start`, () => {
    const dir = installInto('connectors', [
      tarballs.get('tap-marketo')!,
      tarballs.get('tap-zendesk')!,
      tarballs.get('tap-zuora')!,
      tarballs.get('target-postgres')!,
    ]);
    const { packages, bytes } = installedWeight(dir);
    console.log(
      `connectors install: ${packages.length} packages, ${(bytes / 1e6).toFixed(1)} MB: ${packages.join(' ')}`,
    );
    expect(packages.length).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(run(bin(dir, 'tap-zendesk'), ['--version'], dir).trim()).toMatch(/^tap-zendesk \d+\.\d+\.\d+/);
    expect(run(bin(dir, 'target-postgres'), ['--version'], dir).trim()).toMatch(
      /^target-postgres \d+\.\d+\.\d+/,
    );
    expect(run(bin(dir, 'tap-marketo'), ['--version'], dir).trim()).toMatch(/^tap-marketo \d+\.\d+\.\d+/);
    expect(run(bin(dir, 'tap-zuora'), ['--version'], dir).trim()).toMatch(/^tap-zuora \d+\.\d+\.\d+/);
    // The emulators are bundled like the taps: they start without the SDK installed.
    expect(run(bin(dir, 'tap-zendesk-emulator'), ['--help'], dir)).toMatch(/--tickets/);
    expect(run(bin(dir, 'tap-marketo-emulator'), ['--help'], dir)).toMatch(/--leads/);
    expect(run(bin(dir, 'tap-zuora-emulator'), ['--help'], dir)).toMatch(/--accounts/);
  }, 300_000);

  test("a REST tap written against the installed SDK typechecks with skipLibCheck off, needing only Node's types", () => {
    const dir = installInto('author', [
      tarballs.get('@singer-ts/sdk')!,
      'typescript@5.9.3',
      '@types/node@20.19.43',
    ]);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'try-author', private: true, type: 'module' }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['tap.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'tap.ts'),
      [
        "import { type ConfigOf, defineSchema, defineSettings, RESTStream, type RecordOf, Tap, tapInfo } from '@singer-ts/sdk';",
        "const settings = defineSettings({ token: { type: 'string', secret: true } }, { required: ['token'] });",
        "const item = defineSchema({ id: { type: 'integer' } }, { required: ['id'] });",
        'class Items extends RESTStream<RecordOf<typeof item>> {',
        "  readonly name = 'items';",
        '  readonly schema = item;',
        "  readonly path = '/items';",
        '}',
        'export class TapItems extends Tap<ConfigOf<typeof settings>> {',
        "  static override info = tapInfo({ name: 'tap-items', description: 'items', settings, moduleUrl: import.meta.url });",
        '  override readonly streamTypes = [Items];',
        '}',
        '',
      ].join('\n'),
    );
    // tsc prints its errors on stdout and exits non-zero: execFileSync throws with them.
    expect(run(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], dir)).toBe('');
  }, 300_000);

  test('the installed bins run tap-zendesk | target-postgres against the installed emulator', async () => {
    const dir = installInto('everything', [...tarballs.values()]);
    expect(run(bin(dir, 'singer-map'), ['--version'], dir).trim()).toMatch(/^singer-map \d+\.\d+\.\d+/);

    const emulator = spawn(
      bin(dir, 'tap-zendesk-emulator'),
      [
        '--port',
        '0',
        '--seed',
        '7',
        '--tickets',
        '40',
        '--users',
        '20',
        '--organizations',
        '5',
        '--no-rate-limit',
        '--email',
        'pack@example.test',
        '--api-token',
        'pack-token',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(emulator);
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: emulator.stdout! }).once('line', resolve);
      emulator.once('close', (code) =>
        reject(new Error(`tap-zendesk-emulator exited ${code} before its URL`)),
      );
    });
    const url = firstLine.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    db = await startTestDatabase();
    const tapConfig = join(dir, 'zendesk.json');
    const targetConfig = join(dir, 'pg.json');
    writeFileSync(
      tapConfig,
      JSON.stringify({
        subdomain: 'acme',
        base_url: url,
        email: 'pack@example.test',
        api_token: 'pack-token',
        start_date: '2000-01-01T00:00:00Z',
      }),
    );
    writeFileSync(targetConfig, JSON.stringify({ url: db.url, default_target_schema: 'zendesk' }));

    const tap = spawn(bin(dir, 'tap-zendesk'), ['--config', tapConfig], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const target = spawn(bin(dir, 'target-postgres'), ['--config', targetConfig], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(tap, target);
    tap.stdout!.pipe(target.stdin!);
    let tapErr = '';
    let targetErr = '';
    let targetOut = '';
    tap.stderr!.on('data', (chunk) => {
      tapErr += chunk;
    });
    target.stderr!.on('data', (chunk) => {
      targetErr += chunk;
    });
    target.stdout!.on('data', (chunk) => {
      targetOut += chunk;
    });
    const [tapCode, targetCode] = await Promise.all([exited(tap), exited(target)]);
    expect({ tapCode, tapErr: tapCode === 0 ? '' : tapErr.slice(-2000) }).toEqual({ tapCode: 0, tapErr: '' });
    expect({ targetCode, targetErr: targetCode === 0 ? '' : targetErr.slice(-2000) }).toEqual({
      targetCode: 0,
      targetErr: '',
    });

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const count = async (table: string) =>
        Number((await client.query(`SELECT count(*) AS n FROM zendesk.${table}`)).rows[0].n);
      expect(await count('tickets')).toBeGreaterThan(0);
      expect(await count('tickets')).toBeLessThanOrEqual(40);
      expect(await count('users')).toBeGreaterThan(0);
      expect(await count('organizations')).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    const states = targetOut
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; value: { bookmarks?: Record<string, unknown> } });
    expect(states.at(-1)?.type).toBe('STATE');
    expect(Object.keys(states.at(-1)!.value.bookmarks ?? {})).toContain('tickets');
  }, 300_000);
});
