import { MarketoValueError } from './errors.js';

/** Marketo's bulk export filters span at most 31 days. */
export const MAX_EXPORT_DAYS = 31;
const DAY_MS = 86_400_000;

export interface ExportWindow {
  /** Bulk filter times: ISO 8601 in UTC without milliseconds (Marketo refuses them). */
  startAt: string;
  endAt: string;
}

/** `2024-05-01T12:00:00Z`: a time as bulk filters and `sinceDatetime` accept it. */
export function filterTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * The windows of `days` days that cover [from, until), the last one cut at `until`; nothing when
 * `from` is not before `until` (a bookmark in the future). Window ends are the bookmarks a run advances
 * through, so a stopped run resumes at its first unfinished window.
 */
export function exportWindows(from: number, until: number, days: number): ExportWindow[] {
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPORT_DAYS) {
    throw new MarketoValueError(`export window of ${days} days: Marketo allows 1 to ${MAX_EXPORT_DAYS}`, {
      setting: 'export_window_days',
    });
  }
  const start = Math.floor(from / 1000) * 1000;
  const end = Math.floor(until / 1000) * 1000;
  const out: ExportWindow[] = [];
  for (let t = start; t < end; t += days * DAY_MS) {
    out.push({ startAt: filterTime(t), endAt: filterTime(Math.min(end, t + days * DAY_MS)) });
  }
  return out;
}
