/**
 * Versions for `--version` and `--about`: a connector's from its own package.json (found upwards from
 * the module that asks, which also holds inside a bundle two levels below the package), the SDK's
 * from the constant below, which a test keeps equal to packages/sdk/package.json (the SDK is
 * bundled into each connector, so its own package.json is not there to read at run time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK_VERSION = '0.1.0';

/** What a connector's package.json says about it: the facts `--about` and `--version` print. */
export interface PackageFacts {
  name: string;
  version: string;
  description?: string;
}

/** The name, version and description of the nearest package.json above `moduleUrl` that has a version. */
export function packageFacts(moduleUrl: string): PackageFacts {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'version' in parsed) {
        const { name, version, description } = parsed as Record<string, unknown>;
        if (typeof version === 'string')
          return {
            name: typeof name === 'string' ? name : '',
            version,
            ...(typeof description === 'string' ? { description } : {}),
          };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json with a version above ${moduleUrl}`);
    dir = parent;
  }
}

/** The `version` of the nearest package.json above `moduleUrl` (pass `import.meta.url`). */
export function packageVersion(moduleUrl: string): string {
  return packageFacts(moduleUrl).version;
}
