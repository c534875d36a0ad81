import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { onSingerMessages } from '../fixtures/singer-lines.js';

const bin = fileURLToPath(new URL('../fixtures/ticker-tap.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  ids: number[];
  /** How many of `ids` came before the run's last STATE: all a restart may count on. */
  idsBeforeLastState: number;
  lastState: unknown;
}

/** Runs the tap, SIGKILLs it after `killAfter` records (if given), and returns what reached stdout. */
async function run(config: Record<string, unknown>, state: unknown, killAfter?: number): Promise<Run> {
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const args = [bin, '--config', configPath];
  if (state) {
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    args.push('--state', join(dir, 'state.json'));
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const result: Run = { ids: [], idsBeforeLastState: 0, lastState: undefined };
  onSingerMessages(child.stdout, (message) => {
    if (message.type === 'RECORD') result.ids.push(message.record.id);
    if (message.type === 'STATE') {
      result.lastState = message.value;
      result.idsBeforeLastState = result.ids.length;
    }
    if (killAfter !== undefined && result.ids.length >= killAfter) child.kill('SIGKILL');
  });
  await new Promise((resolve) => child.on('close', resolve));
  return result;
}

/**
 * Kills the tap at each point, restarting from the last STATE, then lets it finish. A killed run's
 * records after its last STATE are not counted: a restart must emit them again.
 */
async function killAndResume(config: Record<string, unknown>, killPoints: number[]) {
  const delivered = new Set<number>();
  let state: unknown;
  let droppedAfterState = 0;
  for (const killAfter of killPoints) {
    const partial = await run(config, state, killAfter);
    for (const id of partial.ids.slice(0, partial.idsBeforeLastState)) delivered.add(id);
    droppedAfterState += partial.ids.length - partial.idsBeforeLastState;
    state = partial.lastState ?? state;
  }
  const rest = await run(config, state);
  for (const id of rest.ids) delivered.add(id);
  return { delivered, droppedAfterState };
}

describe('resumable runs', () => {
  const count = 40_000;
  const killPoints = [12_000, 7_500, 15_000];

  it('loses no record when killed at several points mid-stream and restarted from its last STATE', async () => {
    const { delivered, droppedAfterState } = await killAndResume({ count }, killPoints);
    // The kills land between STATEs, so the check above really depends on the restarts.
    expect(droppedAfterState).toBeGreaterThan(0);
    expect(delivered.size).toBe(count);
    expect(Math.min(...delivered)).toBe(0);
    expect(Math.max(...delivered)).toBe(count - 1);
  });

  it('catches a tap that skips records after the STATE it resumes from', async () => {
    // The records a killed run emitted after its last STATE would have hidden this defect.
    const { delivered } = await killAndResume({ count, skip_after_resume: 5 }, killPoints);
    expect(delivered.size).toBeLessThan(count);
  });
});
