// Every stream selected, run against the emulator (whose data follows Marketo's API documentation, not the tap's
// schemas): each RECORD must validate against the SCHEMA emitted for its stream, every stream must emit records,
// and every property a schema declares must arrive filled in at least once, so a wrong or thin schema fails here
// and not in a target.
import type { SchemaMessage } from '@singer-ts/sdk';
import { recordProblems, runConnector } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { start } from './emulator-helpers.js';
import { catalogSelecting, configFor, tapOn } from './tap-helpers.js';

let em: MarketoEmulator;
let run: Awaited<ReturnType<typeof runConnector>>;
let streams: string[];

/** Activities not driven by a campaign (a page visit, a webinar) carry no campaignId in Marketo, as in the emulator. */
const nullByNature = (stream: string, property: string) =>
  stream.startsWith('activities_') && property === 'campaignId';

beforeAll(async () => {
  // Enough history that the rarest activity type (weight 1 of about 100) appears in the window.
  em = await start({ activities: 6000 });
  const Tap = tapOn(em);
  const config = configFor(em);
  const discovered = await catalogSelecting(Tap, config, []);
  streams = discovered.streams.map((s) => s.tap_stream_id);
  const catalog = await catalogSelecting(Tap, config, streams);
  run = await runConnector(Tap, { config, catalog });
}, 120_000);
afterAll(async () => em?.close());

describe('tap-marketo with every stream selected', () => {
  it('exits 0 and emits records for every stream', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const empty = streams.filter((stream) => run.records(stream).length === 0);
    expect(empty).toEqual([]);
    expect(streams.length).toBeGreaterThan(8);
  });

  it('emits only records valid against the SCHEMA of their stream', () => {
    expect(recordProblems(run)).toEqual([]);
  });

  it('fills every declared property in at least one record', () => {
    const unfilled: string[] = [];
    for (const message of run.schemas()) {
      const { stream, schema } = message as SchemaMessage;
      const records = run.records(stream);
      for (const property of Object.keys(schema.properties ?? {})) {
        const filled = records.some((record) => record[property] !== null && record[property] !== undefined);
        if (!filled && !nullByNature(stream, property)) unfilled.push(`${stream}.${property}`);
      }
    }
    expect(unfilled).toEqual([]);
    // ...but campaign-driven activities do carry it.
    const withCampaign = streams.filter((stream) => run.records(stream).some((r) => r.campaignId != null));
    expect(withCampaign.length).toBeGreaterThan(0);
  });
});
