/**
 * Exactly-once resume through the built CLI: target-snowflake is killed with SIGKILL while loading
 * (once it has printed a STATE, so mid-run), the "tap" restarts from the last STATE printed, and the
 * final table must equal a clean load: no key lost, none twice, every row at its last version.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KeyedUpdates, runConnectorProcess } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { startEmulator } from './support.js';
import { emulatorConfig, rows, uniqueSchema } from './target-support.js';

const BIN = fileURLToPath(new URL('../bin/target-snowflake.js', import.meta.url));

let emulator: SnowflakeEmulator;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/bundle/cli.js', import.meta.url))))
    throw new Error('target-snowflake is not built: run `pnpm build` before this test');
  emulator = await startEmulator({ syncWindowMs: 10_000 });
});
afterAll(async () => {
  await emulator?.close();
});

const TOTAL = 3_000;
const KEYS = 1_200;
const updates = new KeyedUpdates(TOTAL, KEYS, 100);
const tapOutput = (from: number) => updates.input(from);

/**
 * Runs the built CLI on `input`; with `killAfterStates`, SIGKILLs it as soon as it has printed that many STATEs
 * (on the event, not after a guessed delay).
 */
async function runCli(
  config: Record<string, unknown>,
  input: string,
  killAfterStates?: number,
): Promise<{ states: number[]; killed: boolean; code: number; stderr: string }> {
  let states = 0;
  const run = await runConnectorProcess(BIN, {
    config,
    input,
    timeoutMs: 170_000,
    ...(killAfterStates === undefined
      ? {}
      : { killWhen: (message) => message.type === 'STATE' && ++states >= killAfterStates }),
  });
  return {
    states: run.states().map((value) => (value as { bookmark: number }).bookmark),
    killed: run.signal !== null,
    code: run.exitCode,
    stderr: run.stderr,
  };
}

test('resumes from the last STATE after SIGKILL mid-run and ends equal to a clean load', async () => {
  const schema = uniqueSchema('CRASH');
  // Small batches, so a kill lands between commits; the emulator answers slowly enough to be caught.
  const config = emulatorConfig(emulator, schema, { batch_size_rows: 150 });

  let bookmark = 0;
  let kills = 0;
  for (const killAfter of [2, 3]) {
    const run = await runCli(config, tapOutput(bookmark), killAfter);
    if (run.killed) kills += 1;
    const last = run.states.at(-1);
    if (last === undefined) continue;
    expect(last).toBeGreaterThan(bookmark);
    // Every row of a printed STATE is committed: nothing at or before the bookmark is missing.
    const [committed] = await rows(emulator, `SELECT MAX("SEQ") FROM "${schema}"."TICKETS"`);
    expect(Number(Object.values(committed ?? {})[0])).toBeGreaterThanOrEqual(last);
    bookmark = last;
  }
  expect(kills).toBe(2);
  const final = await runCli(config, tapOutput(bookmark));
  expect(final.code, final.stderr).toBe(0);
  expect(final.states.at(-1)).toBe(TOTAL);

  const table = await rows(emulator, `SELECT "ID", "SEQ", "BODY" FROM "${schema}"."TICKETS" ORDER BY "ID"`);
  expect(table).toHaveLength(KEYS);
  for (const row of table) {
    const id = Number(row.ID);
    const { seq, body } = updates.expectedRow(id)!;
    expect(row).toEqual({ ID: String(id), SEQ: String(seq), BODY: body });
  }
}, 180_000);

test('a load that outlives its key-pair JWT re-signs the token through the CLI and loses nothing', async () => {
  // Statements take at least 150 ms and tokens live 2 s (re-signed 1 s before they expire), so the
  // run needs several tokens; the emulator refuses any token past its expiry.
  const slow = await startEmulator({ syncWindowMs: 10_000, statementDelayMs: 150 });
  try {
    const schema = uniqueSchema('TOKEN');
    const config = emulatorConfig(slow, schema, { batch_size_rows: 100, jwt_lifetime_seconds: 2 });
    const started = Date.now();
    const run = await runCli(config, tapOutput(0));
    expect(run.code, run.stderr).toBe(0);
    expect(run.states.at(-1)).toBe(TOTAL);
    expect(Date.now() - started).toBeGreaterThan(4_000);
    const tokens = new Set(slow.requests.flatMap((request) => request.tokenIssuedAt ?? []));
    expect(tokens.size).toBeGreaterThanOrEqual(3);
    // A request delayed past its token's expiry (a loaded machine) is refused and re-sent with a new one.
    for (const refused of slow.requests.filter((request) => request.status === 401))
      expect(refused.authFailure).toBe('expired');
    const table = await rows(slow, `SELECT "ID", "SEQ", "BODY" FROM "${schema}"."TICKETS" ORDER BY "ID"`);
    expect(table).toHaveLength(KEYS);
    for (const row of table) {
      const { seq, body } = updates.expectedRow(Number(row.ID))!;
      expect(row).toEqual({ ID: row.ID, SEQ: String(seq), BODY: body });
    }
  } finally {
    await slow.close();
  }
}, 180_000);

test('the CLI prints one line on stderr and exits non-zero for a key Snowflake does not know', async () => {
  const { keyPair } = await import('./support.js');
  const config = emulatorConfig(emulator, uniqueSchema(), { private_key: keyPair(1).privatePem });
  const run = await runCli(config, `${updates.schemaLine()}\n`);
  expect(run.code).not.toBe(0);
  const lines = run.stderr.split('\n').filter((line) => line.includes('SINGER_SNOWFLAKE_AUTH'));
  expect(lines).toHaveLength(1);
  expect(run.stderr).not.toContain('PRIVATE KEY');
}, 60_000);
