import { toUtcTimestamp } from '@singer-ts/sdk';
import { REPLICATION_KEYS } from './deleted-support.js';
import { ZuoraStateError } from './errors.js';

/**
 * A STATE as this tap reads it. singer-io/tap-zuora keeps a stream's bookmark under the replication key's own
 * name (`{"bookmarks": {"Account": {"UpdatedDate": "2024-05-01T00:00:00+00:00", "version": 1700000000,
 * "file_ids": […]}}, "current_stream": …}`); such an entry gains the SDK's `replication_key` and
 * `replication_key_value` (in UTC), and keeps its own keys, which this tap reads too (`version` names the AQuA
 * session, `file_ids` are files left to read) and writes back, so either tap can resume from the other's STATE.
 */
export function fromSingerIoState(state: unknown): unknown {
  if (!state || typeof state !== 'object' || Array.isArray(state)) return state;
  const root = state as Record<string, unknown>;
  const bookmarks = root.bookmarks;
  if (!bookmarks || typeof bookmarks !== 'object' || Array.isArray(bookmarks)) return state;
  const out: Record<string, unknown> = {};
  for (const [stream, value] of Object.entries(bookmarks as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || 'replication_key_value' in value) {
      out[stream] = value;
      continue;
    }
    const b = value as Record<string, unknown>;
    const key = REPLICATION_KEYS.find((k) => typeof b[k] === 'string' && b[k] !== '');
    if (key === undefined) {
      out[stream] = value;
      continue;
    }
    const utc = toUtcTimestamp(b[key] as string);
    if (utc === undefined) {
      throw new ZuoraStateError(
        `the bookmark ${key} '${String(b[key])}' is not a timestamp; fix or remove it`,
        {
          stream,
          field: key,
        },
      );
    }
    out[stream] = { ...b, [key]: utc, replication_key: key, replication_key_value: utc };
  }
  // singer-io resumes from `current_stream`, skipping the streams before it; this tap does not, and a stale name
  // left in the STATE it writes would make singer-io skip streams, so it is cleared.
  return { ...root, ...('current_stream' in root ? { current_stream: null } : {}), bookmarks: out };
}
