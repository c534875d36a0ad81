/**
 * A planned stop, not a failure: a budget or quota the run must not exceed is used up. The tap stops
 * every stream, writes the STATE it has (which covers only work finished before the stop), logs the
 * error's message as one line and exits 0, so an orchestrator simply runs it again later.
 */
import { SingerError } from './errors.js';

export class RunStoppedError extends SingerError {
  override readonly code: string = 'SINGER_RUN_STOPPED';
  override readonly exitCode: number = 0;
}
