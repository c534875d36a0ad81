/**
 * SIGTERM and SIGINT: the first asks the connector to stop (a tap stops emitting, a target stops
 * reading, commits what it read and prints only committed STATE); the run then ends with
 * InterruptedError, so a scheduler sees that it did not finish. A second signal exits at once.
 */
import { constants } from 'node:os';
import { SingerError } from '../errors.js';
import type { Logger } from '../logging.js';

/** The run was stopped by a signal before it finished; exit code 128 + the signal's number. */
export class InterruptedError extends SingerError {
  override readonly code: string = 'SINGER_INTERRUPTED';
  override readonly exitCode: number;

  constructor(readonly signalName: NodeJS.Signals) {
    super(`stopped by ${signalName} before the run finished; work committed so far is kept`, {
      signal: signalName,
    });
    this.exitCode = 128 + (constants.signals[signalName] ?? 15);
  }
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export interface StopSignals {
  /** Aborted at the first signal. */
  signal: AbortSignal;
  /** Throws InterruptedError when a signal arrived; call once the connector returned. */
  throwIfStopped(): void;
  dispose(): void;
}

export function listenForStopSignals(logger: Logger): StopSignals {
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    if (received !== undefined) {
      logger.error(`${name} again: exiting without waiting for the run to stop`);
      process.exit(128 + (constants.signals[name] ?? 15));
    }
    received = name;
    logger.warn(`stopping: ${name} received; finishing work in progress (send it again to exit at once)`);
    abort.abort(new InterruptedError(name));
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return {
    signal: abort.signal,
    throwIfStopped: () => {
      if (received !== undefined) throw new InterruptedError(received);
    },
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    },
  };
}
