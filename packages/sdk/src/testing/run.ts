/**
 * Run a connector the way a user does (through `runCli`, in-process, or as a child process) and
 * collect what it printed as parsed Singer messages.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { type ConnectorClass, runCli } from '../cli/run-cli.js';
import type { Config } from '../config.js';
import { parseJson, serializeJson } from '../json/lossless-json.js';
import type { RecordMessage, SchemaMessage, SingerMessage, StateMessage } from '../protocol/messages.js';
import { parseMessage } from '../protocol/reader.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  messages: SingerMessage[];
  /** Records of one stream, in order. */
  records(stream: string): Record<string, unknown>[];
  schemas(stream?: string): SchemaMessage[];
  states(): unknown[];
  lastState(): unknown;
}

export interface RunOptions {
  config?: Config;
  catalog?: unknown;
  state?: unknown;
  /** Singer lines for a target or mapper. */
  input?: string | SingerMessage[];
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Parses Singer output; lines that are not messages (for example --discover JSON) make `messages` empty. */
export function collectResult(exitCode: number, stdout: string, stderr: string): RunResult {
  const messages: SingerMessage[] = [];
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  try {
    lines.forEach((line, index) => {
      messages.push(parseMessage(line, index + 1));
    });
  } catch {
    messages.length = 0;
  }
  return {
    exitCode,
    stdout,
    stderr,
    messages,
    records: (stream) =>
      messages
        .filter((m): m is RecordMessage => m.type === 'RECORD' && m.stream === stream)
        .map((m) => m.record as Record<string, unknown>),
    schemas: (stream) =>
      messages.filter((m): m is SchemaMessage => m.type === 'SCHEMA' && (!stream || m.stream === stream)),
    states: () => messages.filter((m): m is StateMessage => m.type === 'STATE').map((m) => m.value),
    lastState: () => messages.filter((m): m is StateMessage => m.type === 'STATE').at(-1)?.value,
  };
}

function inputText(input: RunOptions['input']): string {
  if (input === undefined) return '';
  if (typeof input === 'string') return input;
  return `${input.map((message) => JSON.stringify(message)).join('\n')}\n`;
}

interface ArgFiles {
  args: string[];
  /** The temp directory holding the files (configs hold secrets: removed once the run is over). */
  dir: string;
}

function writeArgFiles(options: RunOptions, parent = tmpdir()): ArgFiles {
  const dir = mkdtempSync(join(parent, 'singer-ts-run-'));
  const args: string[] = [];
  const put = (name: string, value: unknown, flag: string): void => {
    const path = join(dir, name);
    // Exact: a STATE or catalog handed back keeps its 64-bit numbers as they were emitted.
    writeFileSync(path, serializeJson(value));
    args.push(flag, path);
  };
  if (options.config !== undefined) put('config.json', options.config, '--config');
  if (options.catalog !== undefined) put('catalog.json', options.catalog, '--catalog');
  if (options.state !== undefined) put('state.json', options.state, '--state');
  return { args: [...args, ...(options.args ?? [])], dir };
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes config/catalog/state to files in a new directory inside `parent` and returns the CLI arguments naming
 * them. The files outlive this call (a test may run several processes on them): pass a `parent` the test removes
 * when it is done, since a config holds secrets.
 */
export function argsFor(options: RunOptions, parent: string): string[] {
  return writeArgFiles(options, parent).args;
}

/** Runs a connector class in this process through the real CLI path. */
export async function runConnector(Connector: ConnectorClass, options: RunOptions = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const stderr: string[] = [];
  const { args, dir } = writeArgFiles(options);
  const exitCode = await runCli(Connector, {
    argv: args,
    stdin: Readable.from([inputText(options.input)]),
    stdout,
    stderr: (line) => stderr.push(line),
    env: options.env ?? {},
    setExitCode: false,
  }).finally(() => removeDir(dir));
  return collectResult(exitCode, Buffer.concat(chunks).toString('utf8'), stderr.join('\n'));
}

export interface ProcessRunOptions extends RunOptions {
  /** SIGKILLs a process still running after this long (default 60 s): a hung connector fails its test. */
  timeoutMs?: number;
  /**
   * Seen for each message the process prints, in order; once it returns true the process is SIGKILLed and
   * what it printed after that message is ignored, as if it died right after printing it (a crash test's
   * kill on an event, not after a guessed delay).
   */
  killWhen?: (message: SingerMessage) => boolean;
  /** SIGKILLs the process this long after it started (a crash at a random point; seed what picks it). */
  killAfterMs?: number;
}

export interface ProcessRunResult extends RunResult {
  /** The signal that ended the process: `SIGKILL` after `killWhen`, `killAfterMs` or the timeout; else null. */
  signal: NodeJS.Signals | null;
  /**
   * Records of one stream printed before the last STATE: what a rerun from `lastState()` must not expect
   * again (records after it may come twice, which is at-least-once and allowed).
   */
  recordsBeforeLastState(stream: string): Record<string, unknown>[];
}

/** Spawns a connector's bin with Node, as a user would run it. */
export async function runConnectorProcess(
  binPath: string,
  options: ProcessRunOptions = {},
): Promise<ProcessRunResult> {
  const { args, dir } = writeArgFiles(options);
  const child = spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let pending = '';
  let lineNumber = 0;
  let killedOnMessage = false;
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    if (killedOnMessage) return;
    if (!options.killWhen) {
      stdout += chunk.toString('utf8');
      return;
    }
    // Whole lines only: a message is judged once its line has ended.
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      stdout += `${line}\n`;
      lineNumber += 1;
      if (line.trim() === '' || !options.killWhen(parseMessage(line, lineNumber))) continue;
      killedOnMessage = true;
      child.kill('SIGKILL');
      return;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(inputText(options.input));
  const timers = [
    setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000),
    ...(options.killAfterMs === undefined
      ? []
      : [setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)]),
  ];
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  for (const timer of timers) clearTimeout(timer);
  removeDir(dir);
  if (!killedOnMessage) stdout += pending;
  // A process killed mid-line leaves a partial last line: it was never printed whole.
  if (signal !== null) stdout = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
  const result = collectResult(code ?? 137, stdout, Buffer.concat(err).toString('utf8'));
  return {
    ...result,
    signal,
    recordsBeforeLastState: (stream) => {
      const lastState = result.messages.findLastIndex((m) => m.type === 'STATE');
      return result.messages
        .slice(0, Math.max(0, lastState))
        .filter((m): m is RecordMessage => m.type === 'RECORD' && m.stream === stream)
        .map((m) => m.record as Record<string, unknown>);
    },
  };
}

/** Parses `--discover` output. */
export function parseCatalog(result: RunResult): { streams: Array<Record<string, unknown>> } {
  return parseJson(result.stdout) as { streams: Array<Record<string, unknown>> };
}
