import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argsFor, runConnector } from '@singer-ts/sdk/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startZuoraEmulator, type ZuoraEmulator } from '../src/emulator/index.js';
import { TapZuora } from '../src/tap.js';
import { bookmarksOf, catalogSelecting, configFor } from './tap-helpers.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'tap-zuora-resume-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bin = fileURLToPath(new URL('../bin/tap-zuora.js', import.meta.url));

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

interface Spawned {
  /** `stream:Id` of every record written before the last STATE read. */
  keys: string[];
  lastState: unknown;
  stderr: string;
  code: number | null;
}

/**
 * Runs the built bin as a user would; `killWhen` sees each STATE (and the records read since the one before)
 * and says when to SIGKILL. Records count only up to the last STATE read: that is what a rerun resumes from.
 */
async function runBin(
  args: string[],
  killWhen?: (state: unknown, pending: string[]) => boolean,
): Promise<Spawned> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pending: string[] = [];
  const keys: string[] = [];
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
      if (child.killed) return;
      const message = JSON.parse(line);
      if (message.type === 'RECORD') pending.push(`${message.stream}:${message.record.Id}`);
      if (message.type === 'STATE') {
        const kill = killWhen?.(message.value, pending) ?? false;
        lastState = message.value;
        keys.push(...pending.splice(0));
        if (kill) child.kill('SIGKILL');
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { keys, lastState, stderr, code };
}

describe('tap-zuora killed and resumed', () => {
  it('loses nothing when SIGKILLed while reading a job’s file, and the rerun reads that job again', async () => {
    // Real time (a spawned tap polls on the real clock), with jobs that take a fraction of a second.
    em = await startZuoraEmulator({ accounts: 300, seed: 11, submittedMs: 100, executingMs: 300 });
    const config = configFor(em, { poll_interval_ms: 100, state_interval_rows: 25 });
    const catalog = await catalogSelecting(TapZuora, config, ['Account', 'Invoice', 'InvoiceItem']);
    const reference = await runConnector(TapZuora, { config, catalog });
    expect(reference.exitCode, reference.stderr).toBe(0);
    const expected = new Set(
      ['Account', 'Invoice', 'InvoiceItem'].flatMap((s) => reference.records(s).map((r) => `${s}:${r.Id}`)),
    );
    expect(expected.size).toBeGreaterThan(1000);

    const args = argsFor({ config, catalog }, scratch);
    // Killed in the middle of InvoiceItem's file: its job id is in STATE, some of its rows are out.
    const killed = await runBin(args, (state, pending) => {
      const b = bookmarksOf(state).InvoiceItem;
      return typeof b?.job_id === 'string' && pending.some((k) => k.startsWith('InvoiceItem:'));
    });
    expect(killed.code).toBeNull();
    const killedState = bookmarksOf(killed.lastState);
    expect(typeof killedState.InvoiceItem?.job_id).toBe('string');
    expect(killed.keys.some((k) => k.startsWith('InvoiceItem:'))).toBe(true);

    const resumed = await runBin(argsFor({ config, catalog, state: killed.lastState }, scratch));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming export job ${killedState.InvoiceItem!.job_id as string}`);
    const got = new Set([...killed.keys, ...resumed.keys]);
    const missing = [...expected].filter((k) => !got.has(k));
    expect(missing).toEqual([]);
    expect(bookmarksOf(resumed.lastState).InvoiceItem?.job_id).toBeUndefined();
  }, 120_000);
});
