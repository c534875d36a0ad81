#!/usr/bin/env node
/**
 * Bundles each connector's CLI (`packages/<name>/dist/cli.js`, built by `tsc -b`) with its
 * dependencies into one file, `dist/bundle/cli.js`, which the package's bin runs. Node resolves and
 * loads one file instead of some 250 modules: a connector starts in about 0.25 s instead of 0.4 s, on
 * every run of every pipeline. The bundle sits two levels below the package, like the compiled
 * modules it replaces, so paths they take relative to their own file still hold.
 *
 * The bundle is self-contained, so a published connector declares no runtime dependencies: an
 * install of tap-zendesk and target-postgres is those two packages, nothing else. The one module the
 * SDK loads lazily, undici (HTTP, ~0.2 s to load, needed by taps only), becomes a second file beside
 * the bundle, `dist/bundle/undici.cjs`, which the bundle loads on first use instead of resolving it
 * from an installed SDK. Likewise the CSV reader's parsing worker thread (packages/sdk/src/sources/
 * csv-worker-rows.ts), a module the reader starts from a file beside its own: when a bundle holds the
 * reader, the worker is bundled too, as `dist/bundle/csv-parse-worker.js`.
 *
 *   node scripts/bundle.mjs   (part of `pnpm build`)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));
const UNDICI_FILE = 'undici.cjs';

/**
 * The SDK's lazy undici load (packages/sdk/src/http/agent.ts) resolves undici from the installed
 * SDK package; inside a bundle it loads the bundled copy next to the bundle instead. The build fails
 * if that code changes shape, rather than shipping a bundle that cannot find undici.
 */
function bundledUndici() {
  const state = { used: false };
  const plugin = {
    name: 'singer-ts-bundled-undici',
    transform(code, id) {
      if (!/[\\/]sdk[\\/]dist[\\/]http[\\/]agent\.js$/.test(id)) return null;
      const from = "createRequire(import.meta.resolve('@singer-ts/sdk/package.json'))('undici')";
      if (!code.includes(from)) {
        throw new Error(`${id}: the lazy undici load changed; update scripts/bundle.mjs to match it`);
      }
      state.used = true;
      return { code: code.replace(from, `createRequire(import.meta.url)('./${UNDICI_FILE}')`), map: null };
    },
  };
  return { plugin, state };
}

/**
 * Checks that the SDK's CSV reader still starts its parsing worker from CSV_WORKER_FILE: the build fails if that
 * changes, rather than shipping a bundle whose worker is missing. Whether a bundle needs the worker is told by
 * the bundle's text (a module can be read and then dropped as unused).
 */
const csvWorkerGuard = {
  name: 'singer-ts-csv-parse-worker',
  transform(code, id) {
    if (!/[\\/]sdk[\\/]dist[\\/]sources[\\/]csv-worker-rows\.js$/.test(id)) return null;
    if (!code.includes(`'./${CSV_WORKER_FILE}'`)) {
      throw new Error(`${id}: the parsing worker's file changed; update scripts/bundle.mjs to match it`);
    }
    return null;
  },
};

const sdkRequire = createRequire(join(packagesDir, 'sdk', 'package.json'));
const CSV_WORKER_FILE = 'csv-parse-worker.js';

for (const name of readdirSync(packagesDir)) {
  const dir = join(packagesDir, name);
  const cli = join(dir, 'dist', 'cli.js');
  const manifest = join(dir, 'package.json');
  if (!existsSync(cli) || !existsSync(manifest)) continue;
  if (JSON.parse(readFileSync(manifest, 'utf8')).bin === undefined) continue;
  const undici = bundledUndici();
  const outDir = join(dir, 'dist', 'bundle');
  await build({
    input: cli,
    platform: 'node',
    // pg loads its optional native binding only when asked to; it is never installed here. Faker (stream
    // maps' fake) is an optional peer loaded by name when a map uses it: installed beside, never bundled.
    external: ['pg-native', '@faker-js/faker'],
    plugins: [undici.plugin, csvWorkerGuard],
    logLevel: 'warn',
    output: { file: join(outDir, 'cli.js'), format: 'esm', codeSplitting: false },
  });
  // An emulator's CLI (a tap's test double, started by its own bin) is bundled the same way: it uses the SDK's
  // emulator kit, and a published tap declares no runtime dependency that could provide it.
  const emulator = join(dir, 'dist', 'emulator', 'main.js');
  if (existsSync(emulator)) {
    await build({
      input: emulator,
      platform: 'node',
      logLevel: 'warn',
      output: { file: join(outDir, 'emulator.js'), format: 'esm', codeSplitting: false },
    });
  }
  const workerFile = join(outDir, CSV_WORKER_FILE);
  rmSync(workerFile, { force: true });
  if (readFileSync(join(outDir, 'cli.js'), 'utf8').includes(`"./${CSV_WORKER_FILE}"`)) {
    await build({
      input: join(packagesDir, 'sdk', 'dist', 'sources', CSV_WORKER_FILE),
      platform: 'node',
      logLevel: 'warn',
      output: { file: workerFile, format: 'esm', codeSplitting: false },
    });
  }
  if (!undici.state.used) continue;
  await build({
    input: sdkRequire.resolve('undici'),
    platform: 'node',
    logLevel: 'warn',
    output: { file: join(outDir, UNDICI_FILE), format: 'cjs', codeSplitting: false },
  });
}
