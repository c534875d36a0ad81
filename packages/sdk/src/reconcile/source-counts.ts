/** Counts each selected stream's source rows through its `countRecords` hook. */
import type { Catalog } from '../tap/catalog.js';
import type { StateManager } from '../tap/state.js';
import type { AnyStream } from '../tap/sync-run.js';
import type { CountWindow, SourceCount } from './counts.js';

/** The window of a stream: up to the bookmark the last run reached, if the STATE has one. */
export function windowOf(stream: AnyStream, state: StateManager): CountWindow {
  if (!stream.replicationKey) return {};
  const through = state.startingValue(stream.name, stream.replicationKey, undefined);
  return through === undefined ? {} : { through };
}

export async function countSourceRows(
  streams: readonly AnyStream[],
  catalog: Catalog,
  state: StateManager,
): Promise<Map<string, SourceCount>> {
  const counts = new Map<string, SourceCount>();
  for (const stream of streams) {
    if (!catalog.isStreamSelected(stream.name)) continue;
    counts.set(stream.name, await stream.countRecords(windowOf(stream, state)));
  }
  return counts;
}
