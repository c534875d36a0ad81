import { fileURLToPath } from 'node:url';
import { runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startZuoraEmulator, type ZuoraEmulator } from '../src/emulator/index.js';
import { TapZuora } from '../src/tap.js';
import { bookmarksOf, catalogSelecting, configFor } from './tap-helpers.js';

const STREAMS = ['Account', 'Invoice', 'InvoiceItem'];

const bin = fileURLToPath(new URL('../bin/tap-zuora.js', import.meta.url));

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

describe('tap-zuora killed and resumed', () => {
  it('loses nothing when SIGKILLed while reading a job’s file, and the rerun reads that job again', async () => {
    // Real time (a spawned tap polls on the real clock), with jobs that take a fraction of a second.
    em = await startZuoraEmulator({ accounts: 300, seed: 11, submittedMs: 100, executingMs: 300 });
    const config = configFor(em, { poll_interval_ms: 100, state_interval_rows: 25 });
    const catalog = await catalogSelecting(TapZuora, config, STREAMS);
    const reference = await runConnector(TapZuora, { config, catalog });
    expect(reference.exitCode, reference.stderr).toBe(0);
    const expected = new Set(STREAMS.flatMap((s) => reference.records(s).map((r) => `${s}:${r.Id}`)));
    expect(expected.size).toBeGreaterThan(1000);

    // Killed in the middle of InvoiceItem's file: its job id is in STATE, some of its rows are out.
    let itemsSinceState = 0;
    const killed = await runConnectorProcess(bin, {
      config,
      catalog,
      timeoutMs: 120_000,
      killWhen: (message) => {
        if (message.type === 'RECORD' && message.stream === 'InvoiceItem') itemsSinceState += 1;
        if (message.type !== 'STATE') return false;
        const kill =
          typeof bookmarksOf(message.value).InvoiceItem?.job_id === 'string' && itemsSinceState > 0;
        itemsSinceState = 0;
        return kill;
      },
    });
    expect(killed.signal, killed.stderr.slice(-1500)).toBe('SIGKILL');
    const killedState = bookmarksOf(killed.lastState());
    expect(typeof killedState.InvoiceItem?.job_id).toBe('string');
    // Only what came out before the STATE the rerun resumes from counts as delivered by the killed run.
    const keysOf = (records: (stream: string) => Record<string, unknown>[]) =>
      STREAMS.flatMap((stream) => records(stream).map((r) => `${stream}:${String(r.Id)}`));
    const before = keysOf(killed.recordsBeforeLastState);
    expect(before.some((k) => k.startsWith('InvoiceItem:'))).toBe(true);

    const resumed = await runConnectorProcess(bin, {
      config,
      catalog,
      state: killed.lastState(),
      timeoutMs: 120_000,
    });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming export job ${killedState.InvoiceItem!.job_id as string}`);
    const got = new Set([...before, ...keysOf(resumed.records)]);
    const missing = [...expected].filter((k) => !got.has(k));
    expect(missing).toEqual([]);
    expect(bookmarksOf(resumed.lastState()).InvoiceItem?.job_id).toBeUndefined();
  }, 120_000);
});
