import { compileValidator, type JobClock, parseJson, type SchemaMessage } from '@singer-ts/sdk';
import { type RunResult, runConnector } from '@singer-ts/sdk/testing';
import type { MarketoEmulator } from '../src/emulator/index.js';
import { TapMarketo } from '../src/tap.js';

/** The tap with the emulator's clock: job polls move it instead of waiting. */
export function tapOn(em: MarketoEmulator): typeof TapMarketo {
  return class extends TapMarketo {
    protected override jobClock(): JobClock {
      return {
        now: () => em.control.now().getTime(),
        sleep: async (ms) => em.control.advance(ms / 1000),
      };
    }
  };
}

export function configFor(em: MarketoEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base_url: em.url,
    client_id: em.clients[0]!.clientId,
    client_secret: em.clients[0]!.clientSecret,
    start_date: '2024-11-01T00:00:00Z',
    end_date: '2025-01-01T00:00:00Z',
    bulk_poll_interval_ms: 60_000,
    max_export_wait_ms: 3_600_000,
    // The client-side pace (50 calls per 20 s) runs on real time; the emulator's limits are what tests exercise.
    requests_per_minute: 100_000,
    ...extra,
  };
}

type Catalog = {
  streams: {
    tap_stream_id: string;
    metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
  }[];
};

/** Discovery, then a catalog selecting only `streams`. */
export async function catalogSelecting(
  Tap: typeof TapMarketo,
  config: Record<string, unknown>,
  streams: string[],
) {
  const discovered = await runConnector(Tap, { config, args: ['--discover'] });
  if (discovered.exitCode !== 0) throw new Error(discovered.stderr);
  const catalog = parseJson(discovered.stdout) as Catalog;
  for (const entry of catalog.streams) {
    const root = entry.metadata.find((m) => m.breadcrumb.length === 0)!;
    root.metadata.selected = streams.includes(entry.tap_stream_id);
  }
  return catalog;
}

/** Every RECORD checked against the SCHEMA its stream emitted last; returns the problems. */
export function invalidRecords(result: RunResult): string[] {
  const validators = new Map<string, ReturnType<typeof compileValidator>>();
  const problems: string[] = [];
  let line = 0;
  for (const m of result.messages) {
    line += 1;
    if (m.type === 'SCHEMA')
      validators.set(m.stream, compileValidator((m as SchemaMessage).schema, m.stream));
    if (m.type === 'RECORD') {
      try {
        validators.get(m.stream)!(m.record as Record<string, unknown>, line);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  return problems;
}

export const bookmarksOf = (state: unknown) =>
  (state as { bookmarks: Record<string, Record<string, unknown>> }).bookmarks;
