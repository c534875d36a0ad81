import { fileURLToPath } from 'node:url';
import { runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type MarketoEmulator, startMarketoEmulator } from '../src/emulator/index.js';
import { bookmarksOf, catalogSelecting, configFor, tapOn } from './tap-helpers.js';

const bin = fileURLToPath(new URL('../bin/tap-marketo.js', import.meta.url));

let em: MarketoEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

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

    // Killed once the first window is finished and the second window's job is saved, before its rows.
    const killed = await runConnectorProcess(bin, {
      config,
      catalog,
      timeoutMs: 120_000,
      killWhen: (message) => {
        if (message.type !== 'STATE') return false;
        const leads = bookmarksOf(message.value).leads ?? {};
        return leads.replication_key_value !== undefined && typeof leads.export_id === 'string';
      },
    });
    expect(killed.signal, `${killed.exitCode} ${killed.stderr.slice(-1500)}`).toBe('SIGKILL');
    const saved = bookmarksOf(killed.lastState()).leads!;
    expect(saved).toMatchObject({
      replication_key_value: '2024-10-31T00:00:00Z',
      export_end: '2024-11-30T00:00:00Z',
    });

    const resumed = await runConnectorProcess(bin, {
      config,
      catalog,
      state: killed.lastState(),
      timeoutMs: 120_000,
    });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming export job ${String(saved.export_id)}`);
    // Only what came out before the STATE the rerun resumes from counts as delivered by the killed run.
    const before = killed.recordsBeforeLastState('leads').map((r) => String(r.id));
    const after = resumed.records('leads').map((r) => String(r.id));
    expect(new Set([...before, ...after])).toEqual(expected);
    expect(before.length + after.length).toBe(expected.size);
  }, 120_000);
});
