import { describe, expect, it } from 'vitest';
import { MissingDependencyError } from '../../src/index.js';
import { importOptional } from '../../src/optional-dependency.js';

describe('optional peer dependencies', () => {
  it('names the missing package, what needs it and how to install it', async () => {
    const missing = 'no-such-package-for-singer-ts-tests';
    const error = await importOptional(missing, 'PostgreSQL access', () => import(missing)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).code).toBe('SINGER_MISSING_DEPENDENCY');
    expect((error as Error).message).toBe(
      `PostgreSQL access needs the package '${missing}', which is not installed: run \`npm install ${missing}@latest\` in your connector`,
    );
  });

  it('passes other failures of a present package through unchanged', async () => {
    const boom = new Error('broken inside');
    await expect(importOptional('pg', 'x', () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
