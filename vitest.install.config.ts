import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `pnpm test:install`: the pack-and-install test, apart from `pnpm test` (it needs the npm registry). */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/**/*.test.ts'] },
});
