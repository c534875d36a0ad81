import type { CatalogDocument } from '@singer-ts/sdk';
import { parseCatalog, runConnector } from '@singer-ts/sdk/testing';
import { type EmulatorOptions, startZendeskEmulator, type ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';

/** 2026-06-01T00:00:00Z: after the generated history (which ends 2026-01-01); the clock is frozen there. */
export const NOW_MS = Date.UTC(2026, 5, 1);

export function startEmulator(options: EmulatorOptions = {}): Promise<ZendeskEmulator> {
  return startZendeskEmulator({ tickets: 120, seed: 11, rateLimit: false, now: NOW_MS, ...options });
}

export function configFor(em: ZendeskEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    base_url: em.url,
    email: em.credentials.email,
    api_token: em.credentials.apiToken,
    start_date: '2020-01-01T00:00:00Z',
    // The emulator runs without its rate limiter in most tests; the tap's own budget is raised too.
    incremental_requests_per_minute: 10_000,
    max_attempts: 4,
    ...extra,
  };
}

export async function discover(
  em: ZendeskEmulator,
  extra: Record<string, unknown> = {},
): Promise<CatalogDocument> {
  const result = await runConnector(TapZendesk, { config: configFor(em, extra), args: ['--discover'] });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return parseCatalog(result) as unknown as CatalogDocument;
}

/** A catalog with only these streams selected; `fields` limits a stream's properties. */
export function select(
  catalog: CatalogDocument,
  streams: string[],
  fields: Record<string, string[]> = {},
): CatalogDocument {
  return {
    streams: catalog.streams.map((entry) => ({
      ...entry,
      metadata: entry.metadata.map((item) => {
        if (item.breadcrumb.length === 0)
          return { ...item, metadata: { ...item.metadata, selected: streams.includes(entry.tap_stream_id) } };
        const only = fields[entry.tap_stream_id];
        const name = item.breadcrumb[1]!;
        return only ? { ...item, metadata: { ...item.metadata, selected: only.includes(name) } } : item;
      }),
    })),
  };
}

export function ids(records: Record<string, unknown>[]): number[] {
  return records.map((record) => record.id as number);
}

// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary STATE JSON
export type AnyJson = any;
