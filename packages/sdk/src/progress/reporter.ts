/**
 * Runs a progress view while data moves: every interval it logs the view's lines at INFO, or, when
 * stderr is a terminal and the display is `auto`, it keeps a live display of the view instead (see
 * live-display.ts, loaded only then). Timers are unref'd: progress never keeps a process alive.
 */
import type { Logger } from '../logging.js';
import type { ProgressSettings } from './settings.js';

export interface ProgressView {
  /** Logs one progress line per stream (called each interval). */
  logProgress(): void;
  /** The live display's text: one short line per stream. */
  frame(): string;
}

export interface Reporter {
  stop(): Promise<void>;
}

/** How often the live display is redrawn. */
const FRAME_MS = 250;

export function startReporter(
  view: ProgressView,
  settings: ProgressSettings,
  options: { logger: Logger; isTTY?: boolean },
): Reporter {
  // A terminal of no rows (a pseudo-terminal nobody sized) cannot show a display: lines instead.
  const isTTY = options.isTTY ?? (process.stderr.isTTY === true && process.stderr.rows > 0);
  if (settings.display === 'auto' && isTTY && options.logger.format === 'text') return liveReporter(view);
  if (settings.intervalMs <= 0) return { stop: async () => undefined };
  const timer = setInterval(() => view.logProgress(), settings.intervalMs);
  timer.unref();
  return {
    stop: async () => clearInterval(timer),
  };
}

function liveReporter(view: ProgressView): Reporter {
  // Imported on first use, so runs whose stderr is not a terminal never evaluate the library.
  const display = import('./live-display.js').then(({ LiveDisplay }) => new LiveDisplay(process.stderr));
  const timer = setInterval(() => {
    display.then((live) => live.render(view.frame())).catch(() => undefined);
  }, FRAME_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      const live = await display.catch(() => undefined);
      // The last frame stays on screen: the counts as the run ended.
      live?.render(view.frame());
      live?.close();
    },
  };
}
