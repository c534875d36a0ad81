// Every stream selected, in each mode, run against the emulator (whose data follows Zuora's documentation, not
// the tap's schemas): each RECORD must validate against the SCHEMA emitted for its stream, every available stream
// must emit records, and every property a schema declares must arrive filled in at least once, so a wrong or
// thin schema fails here and not in a target.
import type { SchemaMessage } from '@singer-ts/sdk';
import { type RunResult, recordProblems, runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import { start } from './helpers.js';
import { catalogSelecting, configFor, tapOn } from './tap-helpers.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

/** Discovers, selects every stream discovery offers as available, and syncs them all. */
async function syncEverything(
  config: Record<string, unknown>,
): Promise<{ run: RunResult; streams: string[] }> {
  const Tap = tapOn(em!);
  const discovered = await catalogSelecting(Tap, config, []);
  const streams = discovered.streams
    .filter((s) => s.metadata.find((m) => m.breadcrumb.length === 0)?.metadata.inclusion !== 'unsupported')
    .map((s) => s.tap_stream_id);
  const catalog = await catalogSelecting(Tap, config, streams);
  return { run: await runConnector(Tap, { config, catalog }), streams };
}

/** `stream.property` of each declared property no record of the stream fills. */
function unfilledProperties(run: RunResult): string[] {
  const unfilled: string[] = [];
  for (const message of run.schemas()) {
    const { stream, schema } = message as SchemaMessage;
    const records = run.records(stream);
    for (const property of Object.keys(schema.properties ?? {})) {
      // `Deleted` is set only on rows a stateful job reports deleted; a first (full) run has none.
      if (property === 'Deleted') continue;
      if (!records.some((record) => record[property] !== null && record[property] !== undefined))
        unfilled.push(`${stream}.${property}`);
    }
  }
  return unfilled;
}

describe.each(['REST', 'SOAP'])('tap-zuora with api_type %s and every stream selected', (apiType) => {
  it('emits records for every stream, each valid against its SCHEMA, every declared property filled', async () => {
    em = await start({ accounts: 40 });
    const config = {
      ...configFor(em),
      api_type: apiType,
      ...(apiType === 'SOAP' ? { username: em.credentials.username, password: em.credentials.password } : {}),
    };
    const { run, streams } = await syncEverything(config);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(streams.length).toBeGreaterThan(15);
    expect(streams.filter((stream) => run.records(stream).length === 0)).toEqual([]);
    expect(recordProblems(run)).toEqual([]);
    expect(unfilledProperties(run)).toEqual([]);
  }, 120_000);
});
