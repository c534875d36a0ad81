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

/** Spawns a connector's bin with Node, as a user would run it. */
export async function runConnectorProcess(
  binPath: string,
  options: RunOptions & { timeoutMs?: number } = {},
): Promise<RunResult> {
  const { args, dir } = writeArgFiles(options);
  const child = spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(inputText(options.input));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 137)));
  clearTimeout(timer);
  removeDir(dir);
  return collectResult(exitCode, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8'));
}

/** Parses `--discover` output. */
export function parseCatalog(result: RunResult): { streams: Array<Record<string, unknown>> } {
  return parseJson(result.stdout) as { streams: Array<Record<string, unknown>> };
}
