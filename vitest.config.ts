import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSource = (path: string): string =>
  fileURLToPath(new URL(`./packages/sdk/src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // In-process tests run against the SDK's sources; spawned bins use the built dist.
    alias: [
      { find: /^@singer-ts\/sdk\/testing\/postgres$/, replacement: sdkSource('testing/postgres.ts') },
      { find: /^@singer-ts\/sdk\/testing$/, replacement: sdkSource('testing/index.ts') },
      { find: /^@singer-ts\/sdk\/(postgres|soap|typegen)$/, replacement: sdkSource('$1.ts') },
      { find: /^@singer-ts\/sdk$/, replacement: sdkSource('index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
