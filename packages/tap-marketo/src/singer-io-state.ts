import { ACTIVITIES, replicationKeyOf } from './catalogue.js';
import { MarketoValueError } from './errors.js';
import { marketoTimestamp } from './values.js';

/** One stream's entry in a STATE written by singer-io tap-marketo, read into named parts. */
export interface StreamBookmark {
  /** The replication key value (UTC), or null. */
  bookmark: string | null;
  /** A bulk export created before polling began, to resume instead of paying for a new one. */
  exportId: string | null;
  /** The end of that export's window (UTC). */
  exportEnd: string | null;
  /** campaigns/lists: the page to resume a list at. */
  nextPageToken: string | null;
}

export interface SingerIoState {
  currentlySyncing: string | null;
  streams: Map<string, StreamBookmark>;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function timestamp(stream: string, field: string, value: string | null): string | null {
  if (value === null) return null;
  const utc = marketoTimestamp(value);
  if (utc === undefined) {
    throw new MarketoValueError(`'${value}' in STATE is not a timestamp; fix or remove the bookmark`, {
      stream,
      field,
    });
  }
  return utc;
}

/**
 * singer-io's STATE: `{"currently_syncing": id|null, "bookmarks": {<stream>: {<replication key>: iso,
 * "export_id": uuid|null, "export_end": iso|null, "next_page_token": token|null}}}`. Timestamps are
 * pendulum's (`2024-05-01T00:00:00+00:00`) and normalised to UTC `Z` here. An activity stream's bookmark
 * is the start of its last finished window (singer-io re-exports that window); a lead bookmark is the
 * end of the last window. Unknown streams are kept: the catalog decides what is synced. A bookmark
 * that is not a timestamp fails, naming the stream and key.
 */
export function readSingerIoState(state: unknown): SingerIoState {
  const root = state && typeof state === 'object' ? (state as Record<string, unknown>) : {};
  const bookmarks =
    root.bookmarks && typeof root.bookmarks === 'object' ? (root.bookmarks as Record<string, unknown>) : {};
  const streams = new Map<string, StreamBookmark>();
  for (const [stream, value] of Object.entries(bookmarks)) {
    const b = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const key =
      replicationKeyOf(stream) ?? (stream.startsWith('activities_') ? ACTIVITIES.replicationKey : null);
    streams.set(stream, {
      bookmark: key === null ? null : timestamp(stream, key, text(b[key])),
      exportId: text(b.export_id),
      exportEnd: timestamp(stream, 'export_end', text(b.export_end)),
      nextPageToken: text(b.next_page_token),
    });
  }
  return { currentlySyncing: text(root.currently_syncing), streams };
}

/**
 * A STATE as the SDK reads it: this tap's own entries unchanged; singer-io's (bookmarks keyed by the
 * replication key itself, e.g. `{"updatedAt": …}`) turned into `replication_key`/`replication_key_value`,
 * keeping `export_id`, `export_end` and `next_page_token`, so a job or page it saved is resumed.
 */
export function fromSingerIoState(state: unknown): unknown {
  if (!state || typeof state !== 'object') return state;
  const root = state as Record<string, unknown>;
  const bookmarks = root.bookmarks;
  if (!bookmarks || typeof bookmarks !== 'object') return state;
  const singerIo = (stream: string, b: unknown): boolean => {
    if (!b || typeof b !== 'object' || 'replication_key_value' in b) return false;
    const key = replicationKeyOf(stream);
    return key !== null && key in b;
  };
  const entries = Object.entries(bookmarks as Record<string, unknown>);
  if (!entries.some(([stream, b]) => singerIo(stream, b))) return state;
  const read = readSingerIoState(state);
  const out: Record<string, unknown> = {};
  for (const [stream, value] of entries) {
    const b = read.streams.get(stream);
    if (!singerIo(stream, value) || b === undefined) {
      out[stream] = value;
      continue;
    }
    out[stream] = {
      ...(b.bookmark !== null
        ? { replication_key: replicationKeyOf(stream), replication_key_value: b.bookmark }
        : {}),
      ...(b.exportId !== null ? { export_id: b.exportId } : {}),
      ...(b.exportEnd !== null ? { export_end: b.exportEnd } : {}),
      ...(b.nextPageToken !== null ? { next_page_token: b.nextPageToken } : {}),
    };
  }
  return { bookmarks: out };
}
