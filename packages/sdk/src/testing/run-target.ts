import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import type { TargetRunSummary } from '../target/target.js';

/** A target's input in a test: text, lines, a file, or chunks that arrive when the test says so. */
export type TargetInput = string | string[] | { file: string } | AsyncIterable<string | Buffer>;

export interface TargetRun {
  /** The STATE values it printed, in order. */
  states: unknown[];
  summary?: TargetRunSummary;
  /** What the run threw (the CLI would print it and exit non-zero); undefined when it succeeded. */
  error?: unknown;
}

/** What `runTarget` needs of a target: the SDK's `Target` and its subclasses. */
export interface RunnableTarget {
  run(input: AsyncIterable<Buffer | string | Uint8Array>, output: PassThrough): Promise<TargetRunSummary>;
}

function inputStream(input: TargetInput): AsyncIterable<Buffer | string> {
  if (typeof input === 'string') return Readable.from([input]);
  if (Array.isArray(input)) return Readable.from([`${input.join('\n')}\n`]);
  if ('file' in input) return createReadStream(input.file);
  return input;
}

/**
 * Runs a target in this process over `input` and collects the STATE values it printed; a failure is returned,
 * not thrown, so a test can check what was committed before it.
 */
export async function runTarget(target: RunnableTarget, input: TargetInput): Promise<TargetRun> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const run: TargetRun = { states: [] };
  try {
    run.summary = await target.run(inputStream(input), output);
  } catch (error) {
    run.error = error;
  }
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const message = JSON.parse(line) as { type: string; value: unknown };
    if (message.type === 'STATE') run.states.push(message.value);
  }
  return run;
}
