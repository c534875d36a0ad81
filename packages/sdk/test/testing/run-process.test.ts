import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConnectorProcess } from '../../src/testing/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'run-process-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in connector: prints records with a STATE after every second one, then a half line, then hangs. */
const bin = join(scratch, 'fake-tap.mjs');
writeFileSync(
  bin,
  `const out = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
out({ type: 'SCHEMA', stream: 's', schema: { type: 'object' }, key_properties: [] });
for (let i = 1; i <= 6; i++) {
  out({ type: 'RECORD', stream: 's', record: { id: i } });
  if (i % 2 === 0) out({ type: 'STATE', value: { at: i } });
}
out({ type: 'RECORD', stream: 's', record: { id: 7 } });
process.stdout.write('{"type":"RECO');
setInterval(() => {}, 1000);
`,
);

describe('runConnectorProcess', () => {
  it('kills on the message killWhen picks and keeps only what was printed up to it', async () => {
    const run = await runConnectorProcess(bin, {
      killWhen: (m) => m.type === 'STATE' && (m.value as { at: number }).at === 4,
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.states()).toEqual([{ at: 2 }, { at: 4 }]);
    expect(run.records('s').map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(run.recordsBeforeLastState('s').map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('after a timed kill keeps the whole lines printed and drops a half-written one', async () => {
    // The stand-in prints everything at once on start; 4 s leaves a loaded machine time to start Node.
    const run = await runConnectorProcess(bin, { killAfterMs: 4_000 });
    expect(run.signal).toBe('SIGKILL');
    expect(run.exitCode).toBe(137);
    expect(run.records('s').map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Record 7 came after the last STATE: a rerun from that STATE may send it again.
    expect(run.recordsBeforeLastState('s').map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.lastState()).toEqual({ at: 6 });
  });
});
