/**
 * Settings every tap and target accepts for what an operator sees while data moves: how often
 * per-stream progress is logged, whether a terminal gets a live display instead, and the Meltano
 * SDK's `metrics_log_level` gate for METRIC lines.
 */
import { type Logger, type LogLevel, parseLevel } from '../logging.js';
import type { JSONSchema } from '../schema/json-schema.js';

export type ProgressDisplay = 'auto' | 'lines';

export interface ProgressSettings {
  /** Between per-stream progress lines; 0 turns them off (the summary at exit stays). */
  intervalMs: number;
  display: ProgressDisplay;
}

export const PROGRESS_SETTINGS: JSONSchema = {
  type: 'object',
  properties: {
    progress_interval_seconds: {
      type: 'number',
      minimum: 0,
      default: 10,
      description:
        'Seconds between per-stream progress lines at INFO (records, rows committed, rate, waits); 0 turns them off. A summary per stream is logged at exit either way.',
    },
    progress_display: {
      type: 'string',
      enum: ['auto', 'lines'],
      default: 'auto',
      description:
        'auto: a live per-stream display replaces the progress lines when stderr is a terminal; lines: always log lines.',
    },
    metrics_log_level: {
      type: 'string',
      enum: ['debug', 'info', 'warning', 'error'],
      description:
        'Threshold for METRIC lines, as in the Meltano SDK; the log level unless set. At info: record_count per stream every 60 s while it emits and at its end, http_request_count and sync_duration per stream (taps), record_count per stream and batch_processing_time per batch (targets); at debug also one http_request_duration line per HTTP request; at warning or above none.',
    },
  },
};

const DEFAULT_INTERVAL_MS = 10_000;

export function progressSettingsFrom(config: Record<string, unknown>): ProgressSettings {
  // Numbers written as strings (as Meltano passes env values) are read as numbers.
  const raw = config.progress_interval_seconds;
  const seconds = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  const intervalMs =
    typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
      ? Math.round(seconds * 1000)
      : DEFAULT_INTERVAL_MS;
  return { intervalMs, display: config.progress_display === 'lines' ? 'lines' : 'auto' };
}

/** Applies `metrics_log_level` from config to the logger and every child it has or will have. */
export function applyMetricsLevel(logger: Logger, config: Record<string, unknown>): void {
  const level: LogLevel | undefined =
    typeof config.metrics_log_level === 'string' ? parseLevel(config.metrics_log_level) : undefined;
  if (level !== undefined) logger.setMetricsLevel(level);
}
