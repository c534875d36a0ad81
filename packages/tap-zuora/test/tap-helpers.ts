import { type JobClock, parseJson } from '@singer-ts/sdk';
import { runConnector } from '@singer-ts/sdk/testing';
import { objectDef, type ZuoraEmulator } from '../src/emulator/index.js';
import { TapZuora } from '../src/tap.js';

/**
 * The tap on the emulator's clock: job polls move it instead of waiting, and token expiry follows it.
 * `onSleep` runs after each poll wait (to inject a fault in the middle of a job).
 */
export function tapOn(em: ZuoraEmulator, onSleep?: (slept: number) => void): typeof TapZuora {
  let sleeps = 0;
  return class extends TapZuora {
    protected override jobClock(): JobClock {
      return {
        now: () => em.control.now().getTime(),
        sleep: async (ms) => {
          em.control.advance(ms / 1000);
          onSleep?.(++sleeps);
        },
      };
    }
  };
}

export function configFor(em: ZuoraEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base_url: em.url,
    client_id: em.credentials.clientId,
    client_secret: em.credentials.clientSecret,
    start_date: '2020-01-01T00:00:00Z',
    partner_id: 'singer-ts',
    poll_interval_ms: 1000,
    max_job_wait_ms: 3_600_000,
    ...extra,
  };
}

export type CatalogDoc = {
  streams: {
    tap_stream_id: string;
    schema: { properties: Record<string, Record<string, unknown>> };
    metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
  }[];
};

/** Discovery, then a catalog selecting only `streams`. */
export async function catalogSelecting(
  Tap: typeof TapZuora,
  config: Record<string, unknown>,
  streams: string[],
): Promise<CatalogDoc> {
  const discovered = await runConnector(Tap, { config, args: ['--discover'] });
  if (discovered.exitCode !== 0) throw new Error(discovered.stderr);
  const catalog = parseJson(discovered.stdout) as CatalogDoc;
  for (const entry of catalog.streams) {
    const root = entry.metadata.find((m) => m.breadcrumb.length === 0)!;
    root.metadata.selected = streams.includes(entry.tap_stream_id);
  }
  return catalog;
}

/** Ids of an object's rows alive at `atMs` and changed after `sinceMs`, from the generator itself. */
export function liveIds(em: ZuoraEmulator, object: string, sinceMs: number, atMs: number): Set<string> {
  const o = objectDef(object)!;
  const ids = new Set<string>();
  for (let i = 0; i < em.tenant.count(o); i++) {
    const t = em.tenant.times(o, i);
    if (t.createdMs > atMs || (t.deletedMs !== null && t.deletedMs <= atMs)) continue;
    if (t.changedMs > sinceMs && t.changedMs <= atMs) ids.add(em.tenant.idOf(o, i));
  }
  return ids;
}

export const bookmarksOf = (state: unknown) =>
  (state as { bookmarks: Record<string, Record<string, unknown>> }).bookmarks;

export const idsOf = (records: Record<string, unknown>[]) => records.map((r) => String(r.Id));
