import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argsFor, runConnector } from '@singer-ts/sdk/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type MarketoEmulator, startMarketoEmulator } from '../src/emulator/index.js';
import { bookmarksOf, catalogSelecting, configFor, tapOn } from './tap-helpers.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'tap-marketo-resume-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bin = fileURLToPath(new URL('../bin/tap-marketo.js', import.meta.url));

let em: MarketoEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

interface Spawned {
  ids: string[];
  lastState: unknown;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the built bin as a user would; `killWhen` sees each STATE and says when to SIGKILL. Records
 * count only up to the last STATE read (the one a rerun resumes from).
 */
async function runBin(args: string[], killWhen?: (state: unknown) => boolean): Promise<Spawned> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pending: string[] = [];
  const ids: string[] = [];
  let lastState: unknown;
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line);
      if (message.type === 'RECORD' && message.stream === 'leads') pending.push(String(message.record.id));
      if (message.type === 'STATE' && !child.killed) {
        lastState = message.value;
        ids.push(...pending.splice(0));
        if (killWhen?.(message.value)) child.kill('SIGKILL');
      }
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  if (!child.killed) ids.push(...pending.splice(0));
  return { ids, lastState, stderr, code, signal };
}

describe('tap-marketo killed and resumed', () => {
  it('loses nothing when SIGKILLed while waiting for a bulk job, and the rerun picks that job up', async () => {
    // Real time, with Marketo's minutes shrunk to seconds, since a spawned tap polls on the real clock.
    em = await startMarketoEmulator({
      leads: 300,
      rateLimit: false,
      bulk: { tickSeconds: 1, processingSeconds: 1 },
    });
    const config = configFor(em, {
      start_date: '2024-10-01T00:00:00Z',
      bulk_poll_interval_ms: 1000,
      max_export_wait_ms: 60_000,
    });
    const catalog = await catalogSelecting(tapOn(em), config, ['leads']);
    const reference = await runConnector(tapOn(em), { config, catalog });
    expect(reference.exitCode).toBe(0);
    const expected = new Set(reference.records('leads').map((r) => String(r.id)));
    expect(expected.size).toBeGreaterThan(50);

    const args = argsFor({ config, catalog }, scratch);
    // Killed once the first window is finished and the second window's job is saved, before its rows.
    const killed = await runBin(args, (state) => {
      const leads = bookmarksOf(state).leads ?? {};
      return leads.replication_key_value !== undefined && typeof leads.export_id === 'string';
    });
    expect(killed.signal, `${killed.code} ${killed.stderr.slice(-1500)}`).toBe('SIGKILL');
    const saved = bookmarksOf(killed.lastState).leads!;
    expect(saved).toMatchObject({
      replication_key_value: '2024-10-31T00:00:00Z',
      export_end: '2024-11-30T00:00:00Z',
    });

    const resumed = await runBin(argsFor({ config, catalog, state: killed.lastState }, scratch));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming export job ${String(saved.export_id)}`);
    const got = new Set([...killed.ids, ...resumed.ids]);
    expect(got).toEqual(expected);
    expect(killed.ids.length + resumed.ids.length).toBe(expected.size);
  }, 120_000);
});
