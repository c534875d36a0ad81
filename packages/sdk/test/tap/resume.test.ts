import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../fixtures/ticker-tap.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'resume-'));

/** Runs the tap, SIGKILLs it after `killAfter` records (if given), and returns what reached stdout. */
async function run(count: number, state: unknown, killAfter?: number) {
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ count }));
  const args = [bin, '--config', configPath];
  if (state) {
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    args.push('--state', join(dir, 'state.json'));
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ids: number[] = [];
  let lastState: unknown;
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line);
      if (message.type === 'RECORD') ids.push(message.record.id);
      if (message.type === 'STATE') lastState = message.value;
      if (killAfter !== undefined && ids.length >= killAfter) child.kill('SIGKILL');
    }
  });
  await new Promise((resolve) => child.on('close', resolve));
  return { ids, lastState };
}

describe('resumable runs', () => {
  it('loses no record when killed at several points mid-stream and restarted from its last STATE', async () => {
    const count = 40_000;
    const seen = new Set<number>();
    let state: unknown;
    for (const killAfter of [12_000, 7_500, 15_000]) {
      const partial = await run(count, state, killAfter);
      for (const id of partial.ids) seen.add(id);
      state = partial.lastState ?? state;
    }
    const rest = await run(count, state);
    for (const id of rest.ids) seen.add(id);
    expect(seen.size).toBe(count);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(count - 1);
  });
});
