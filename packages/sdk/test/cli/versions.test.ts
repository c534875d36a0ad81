import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageVersion, SDK_VERSION, tapInfo } from '../../src/index.js';

describe('versions', () => {
  it("keeps SDK_VERSION equal to the SDK's package.json version (sdk_version in --about)", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(SDK_VERSION).toBe(manifest.version);
  });

  it("reads a connector's version from the nearest package.json above its module", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(packageVersion(import.meta.url)).toBe(manifest.version);
  });

  it("takes a tap's name and description from its package.json unless it gives its own", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const settings = { type: 'object', properties: {} } as const;
    const read = tapInfo({ settings, moduleUrl: import.meta.url });
    expect(read).toMatchObject({
      name: manifest.name,
      description: manifest.description,
      version: manifest.version,
    });
    const given = tapInfo({ name: 'tap-other', description: 'Other', settings, moduleUrl: import.meta.url });
    expect(given).toMatchObject({ name: 'tap-other', description: 'Other', version: manifest.version });
  });
});
