/**
 * The public target test streams (Meltano SDK's target tests and MeltanoLabs target-postgres's, the
 * same files target-postgres's conformance test runs) go through target-snowflake against the
 * emulator: each loads and fills its tables, or fails with the clear, named error it must.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { startEmulator } from './support.js';
import { emulatorConfig, rows, runTarget, uniqueSchema } from './target-support.js';

/**
 * Where target-postgres's conformance test reads the streams from (outside the repository), or
 * SINGER_CONFORMANCE_DIR (a git worktree sits one level deeper).
 */
const CONFORMANCE =
  process.env.SINGER_CONFORMANCE_DIR ??
  fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));
const FOUND = existsSync(CONFORMANCE);
if (!FOUND) console.warn(`conformance streams skipped: ${CONFORMANCE} does not exist`);

let emulator: SnowflakeEmulator;
beforeAll(async () => {
  if (FOUND) emulator = await startEmulator({ syncWindowMs: 10_000 });
});
afterAll(async () => {
  await emulator?.close();
});

/** Files that must fail, and the error code each must fail with. */
const MUST_FAIL: Record<string, string> = {
  invalid_schema: 'SINGER_SCHEMA_INVALID',
  record_before_schema: 'SINGER_RECORD_BEFORE_SCHEMA',
  record_missing_key_property: 'SINGER_RECORD_MISSING_KEY',
  record_missing_required_property: 'SINGER_RECORD_INVALID',
};

describe.skipIf(!FOUND).each([['meltanolabs-target-postgres'], ['meltano-sdk-target-tests']])(
  '%s',
  (folder) => {
    const dir = join(CONFORMANCE, folder);
    const names = FOUND
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.singer'))
          .map((name) => name.slice(0, -'.singer'.length))
      : [];

    test.each(names)('%s loads, or fails with a clear error when it must', async (name) => {
      const schema = uniqueSchema();
      const run = await runTarget(emulatorConfig(emulator, schema), { file: join(dir, `${name}.singer`) });
      const expected = MUST_FAIL[name];
      if (expected !== undefined) {
        expect((run.error as { code?: string } | undefined)?.code).toBe(expected);
        expect((run.error as { context: { stream?: string } }).context.stream).toMatch(/^test_/);
        return;
      }
      expect(run.error).toBeUndefined();
      const tables = await rows(
        emulator,
        `SELECT table_name FROM RAW.INFORMATION_SCHEMA.TABLES WHERE table_schema = '${schema}'`,
      );
      expect(tables.length).toBeGreaterThan(0);
      expect(tables.every((table) => !String(table.table_name).startsWith('_SINGER_STAGE'))).toBe(true);
    });
  },
);
