/**
 * Exactly-once resume: the built target is killed with SIGKILL at random points while loading, the
 * "tap" restarts from the last STATE the target printed, and the final table must equal a clean load.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KeyedUpdates, runConnectorProcess, seededRandom } from '@singer-ts/sdk/testing';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { query, uniqueSchema } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/target-postgres.js', import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
    throw new Error('target-postgres is not built: run `pnpm build` before this test');
  }
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const TOTAL = 30_000;
const KEYS = 12_000;
const updates = new KeyedUpdates(TOTAL, KEYS, 250);
const tapOutput = (from: number) => updates.input(from);

/** Loads `input` into `schema` through the built CLI; with `killAfterMs`, SIGKILLs it that long after start. */
async function runTarget(
  schema: string,
  input: string,
  killAfterMs?: number,
): Promise<{ states: number[]; killed: boolean }> {
  const run = await runConnectorProcess(BIN, {
    config: { url: db.url, default_target_schema: schema, batch_size_rows: 700 },
    input,
    ...(killAfterMs === undefined ? {} : { killAfterMs }),
    timeoutMs: 120_000,
  });
  if (killAfterMs === undefined && run.exitCode !== 0)
    throw new Error(`target failed (${run.exitCode}): ${run.stderr}`);
  const states = run.states().map((value) => (value as { bookmark: number }).bookmark);
  return { states, killed: run.signal !== null };
}

/** The row a clean load of records 1..`upTo` leaves for ticket `id`; undefined when none touched it. */
function expectedRow(id: number, upTo: number): { seq: number; body: string } | undefined {
  const row = updates.expectedRow(id, upTo);
  return row && { seq: row.seq, body: row.body };
}

async function tableRows(schema: string): Promise<Map<number, { seq: number; body: string }>> {
  const rows = await query<{ id: string; seq: string; body: string }>(
    db.url,
    `SELECT id, seq, body FROM ${schema}.tickets ORDER BY id`,
  );
  return new Map(rows.map((row) => [Number(row.id), { seq: Number(row.seq), body: row.body }]));
}

test('resumes from the last STATE after SIGKILL at random points and ends equal to a clean load', async () => {
  // CRASH_SEED=<n> replays a run; the seed is printed either way.
  const seed = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`crash.test: CRASH_SEED=${seed}`);
  const random = seededRandom(seed);
  const schema = uniqueSchema('crash');
  const cleanSchema = uniqueSchema('clean');
  let bookmark = 0;
  let kills = 0;
  for (const delay of [150 + random() * 200, 300 + random() * 300, 500 + random() * 400]) {
    const run = await runTarget(schema, tapOutput(bookmark), delay);
    if (run.killed) kills += 1;
    const last = run.states.at(-1);
    if (last === undefined) continue;
    expect(last, `seed ${seed}`).toBeGreaterThanOrEqual(bookmark);
    // Every record up to an emitted STATE is committed: each row is at least what a clean load of
    // records 1..last leaves, and whatever later record it holds, it holds whole.
    const rows = await tableRows(schema);
    for (let id = 0; id < KEYS; id += 1) {
      const want = expectedRow(id, last);
      const got = rows.get(id);
      if (want === undefined) continue;
      expect(got, `seed ${seed}: ticket ${id} after STATE ${last}`).toBeDefined();
      expect(got!.seq % KEYS, `seed ${seed}: ticket ${id}`).toBe(id);
      expect(got!.seq, `seed ${seed}: ticket ${id} after STATE ${last}`).toBeGreaterThanOrEqual(want.seq);
      expect(got!.body, `seed ${seed}: ticket ${id}`).toBe(`ticket ${got!.seq}`);
    }
    bookmark = last;
  }
  // A run the kill came too late for may already have committed everything: then the final run gets
  // no records and prints no STATE, and the bookmark stands.
  const final = await runTarget(schema, tapOutput(bookmark));
  expect(final.states.at(-1) ?? bookmark, `seed ${seed}`).toBe(TOTAL);
  expect(kills, `seed ${seed}: no run was killed mid-load`).toBeGreaterThan(0);

  // The same input loaded once, without kills, into its own schema: the tables must be equal.
  await runTarget(cleanSchema, tapOutput(0));
  const clean = await tableRows(cleanSchema);
  expect(clean.size).toBe(KEYS);
  for (const [id, row] of clean) expect(row, `clean ticket ${id}`).toEqual(expectedRow(id, TOTAL));
  expect([...(await tableRows(schema)).entries()], `seed ${seed}`).toEqual([...clean.entries()]);
}, 180_000);
