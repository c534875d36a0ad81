/**
 * The one entry point every connector's `cli.ts` calls. Parses arguments, loads and validates config,
 * then discovers, syncs (taps) or consumes stdin (targets, mappers). Exit codes: 0 success (also when
 * the reader closed the pipe), 1 runtime failure, 2 bad usage or config; failures print one line.
 */
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { loadConfig, secretValues } from '../config.js';
import type { Capability, ConnectorInfo } from '../connector.js';
import { BrokenPipeError, SingerError } from '../errors.js';
import { type LogFormat, Logger, parseLevel } from '../logging.js';
import { MessageWriter } from '../protocol/writer.js';
import { Catalog } from '../tap/catalog.js';
import { StateManager } from '../tap/state.js';
import { Tap } from '../tap/tap.js';
import { aboutJson, aboutMarkdown } from './about.js';
import { parseCliArgs, usage } from './args.js';
import { listenForStopSignals } from './signals.js';

/** Targets and mappers: consume Singer messages, produce Singer messages (STATE, mapped records). */
export interface MessageProcessor {
  /** `signal` aborts on SIGTERM/SIGINT: stop reading, finish (or roll back) what was read, return. */
  run(
    input: AsyncIterable<Buffer | string | Uint8Array>,
    output: Writable,
    signal?: AbortSignal,
  ): Promise<unknown>;
}

export interface ConnectorClass {
  info: ConnectorInfo;
  /** Settings every connector of this kind accepts besides its own (stream maps, batching, …). */
  sharedSettings?: ConnectorInfo['settings'];
  /** Capabilities every connector of this kind has (a Tap's: about, catalog, discover, properties, …). */
  sharedCapabilities?: readonly Capability[];
  /** `never`: each connector narrows its own config type; runCli hands it the validated config. */
  new (options: { config: never; logger: Logger; configFiles?: readonly string[] }): object;
}

export interface CliIo {
  argv?: readonly string[];
  stdin?: Readable;
  stdout?: Writable;
  /** Receives log and error lines; stderr by default. */
  stderr?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Sets process.exitCode (default true); tests read the returned code instead. */
  setExitCode?: boolean;
}

/** What the connector declares plus what every connector of its kind can do, in Meltano's order. */
export function capabilitiesOf(Connector: ConnectorClass): Capability[] {
  const all = new Set([...(Connector.sharedCapabilities ?? []), ...Connector.info.capabilities]);
  return CAPABILITY_ORDER.filter((capability) => all.has(capability));
}

const CAPABILITY_ORDER: readonly Capability[] = [
  'about',
  'batch',
  'catalog',
  'discover',
  'properties',
  'state',
  'stream-maps',
  'schema-flattening',
  'activate-version',
  'soft-delete',
  'hard-delete',
  'datatype-failsafe',
  'validate-records',
  'target-schema',
];

/** The connector's full settings schema: its own settings plus the shared ones. */
export function settingsOf(Connector: ConnectorClass): ConnectorInfo['settings'] {
  const own = Connector.info.settings;
  const shared = Connector.sharedSettings;
  if (!shared) return own;
  return {
    ...own,
    type: 'object',
    properties: { ...shared.properties, ...own.properties },
    required: [...(own.required ?? [])],
  };
}

export async function runCli(Connector: ConnectorClass, io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const writeErr = io.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const info = Connector.info;
  const settings = settingsOf(Connector);
  const level = parseLevel((io.env ?? process.env).LOG_LEVEL) ?? 'info';
  let logger = new Logger({ name: info.name, sink: writeErr, level });
  const finish = (code: number): number => {
    if (io.setExitCode ?? true) process.exitCode = code;
    return code;
  };
  try {
    const args = parseCliArgs(io.argv ?? process.argv.slice(2));
    logger = new Logger({ name: info.name, sink: writeErr, level, format: args.logFormat as LogFormat });
    if (args.help) {
      await writeText(stdout, `${usage(info.name, info.kind)}\n`);
      return finish(0);
    }
    if (args.version) {
      await writeText(stdout, `${info.name} ${info.version}\n`);
      return finish(0);
    }
    if (args.about) {
      const aboutInfo = { ...info, capabilities: capabilitiesOf(Connector) };
      const text =
        args.format === 'markdown'
          ? aboutMarkdown(aboutInfo, settings)
          : `${JSON.stringify(aboutJson(aboutInfo, settings), null, 2)}\n`;
      await writeText(stdout, text);
      return finish(0);
    }
    const config = loadConfig(
      { ...info, settings },
      {
        files: args.config,
        env: io.env ?? process.env,
        cwd: io.cwd,
        warn: (text, fields) => logger.warn(text, fields),
      },
    );
    logger.addSecrets(secretValues(settings, config));
    const connector = new Connector({ config: config as never, logger, configFiles: args.config });
    const stop = listenForStopSignals(logger);
    try {
      if (connector instanceof Tap) {
        try {
          await runTap(connector, args, stdout, stop.signal);
        } finally {
          await connector.dispose();
        }
      } else {
        if (!isMessageProcessor(connector))
          throw new TypeError(`${info.name} is neither a Tap nor has run(input, output)`);
        const input = args.input ? createReadStream(args.input) : (io.stdin ?? process.stdin);
        await connector.run(input, stdout, stop.signal);
      }
      stop.throwIfStopped();
    } finally {
      stop.dispose();
    }
    return finish(0);
  } catch (error) {
    if (error instanceof BrokenPipeError) return finish(0);
    if (error instanceof SingerError) {
      writeErr(logger.redact(`${info.name}: ${error.describe()}`));
      if (error.cause instanceof Error) logger.debug(logger.redact(String(error.cause.stack ?? error.cause)));
      return finish(error.exitCode);
    }
    const message = error instanceof Error ? error.message : String(error);
    writeErr(logger.redact(`${info.name}: SINGER_UNEXPECTED: ${message}`));
    logger.debug(logger.redact(error instanceof Error ? String(error.stack) : message));
    return finish(1);
  }
}

async function runTap(
  tap: Tap<unknown>,
  args: ReturnType<typeof parseCliArgs>,
  stdout: Writable,
  signal: AbortSignal,
): Promise<void> {
  if (args.discover) {
    await writeText(stdout, `${JSON.stringify(await tap.discover(), null, 2)}\n`);
    return;
  }
  const catalog = args.catalog ? Catalog.fromFile(args.catalog) : undefined;
  const state = args.state ? StateManager.fromFile(args.state).value : undefined;
  const writer = new MessageWriter(stdout);
  try {
    await tap.sync({ catalog, state, writer, signal });
  } finally {
    await writer.flush().catch((error: unknown) => {
      if (!(error instanceof BrokenPipeError)) throw error;
    });
  }
}

async function writeText(output: Writable, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    output.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

function isMessageProcessor(value: object): value is MessageProcessor {
  return typeof (value as MessageProcessor).run === 'function';
}
