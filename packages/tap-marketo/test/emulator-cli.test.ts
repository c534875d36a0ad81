import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/emulator/main.js', import.meta.url));

describe('emulator command', () => {
  it('prints its URL, serves the API with the credentials it names, and stops on SIGTERM', async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: run pnpm build first`).toBe(true);
    const child = spawn(
      process.execPath,
      [
        MAIN,
        '--',
        '--leads',
        '50',
        '--now',
        '2025-02-01T00:00:00Z',
        '--client-id',
        'cli',
        '--client-secret',
        'cli-secret',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    try {
      const [first] = (await once(child.stdout, 'data')) as [Buffer];
      const url = first.toString().trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = (await (
        await fetch(
          `${url}/identity/oauth/token?grant_type=client_credentials&client_id=cli&client_secret=cli-secret`,
        )
      ).json()) as { access_token: string };
      const describeBody = (await (
        await fetch(`${url}/rest/v1/leads/describe.json`, {
          headers: { Authorization: `Bearer ${token.access_token}` },
        })
      ).json()) as { success: boolean; result: unknown[] };
      expect(describeBody.success).toBe(true);
      expect(stderr).toContain('"client_id": "cli"');
      const state = (await (await fetch(`${url}/__emulator/state`)).json()) as {
        now: string;
        counts: { leads: number };
      };
      expect(state).toMatchObject({ now: '2025-02-01T00:00:00Z', counts: { leads: 50 } });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
