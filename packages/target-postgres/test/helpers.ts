import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel, type SchemaMessage, type TargetOptions } from '@singer-ts/sdk';
import {
  runTarget as runSdkTarget,
  type TargetRun as SdkTargetRun,
  type TargetInput,
} from '@singer-ts/sdk/testing';
import pg from 'pg';
import { PostgresSink } from '../src/sink.js';
import { TargetPostgres } from '../src/target.js';

/** Optional copy of the public Singer target test suites; conformance.test.ts skips them when absent. */
export const CONFORMANCE =
  process.env.SINGER_CONFORMANCE_DIR ??
  fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

export interface TargetRun extends SdkTargetRun {
  logs: string[];
}

export type { TargetInput };

export interface RunOptions {
  /** Forces every batch through COPY text (`text`), to compare with the default binary rows. */
  copyFormat?: 'binary' | 'text';
  level?: LogLevel;
  /** Also receives every log line as it is written (the run's `logs` has them all at the end). */
  sink?: (line: string) => void;
}

/** TargetPostgres whose sinks load with the given COPY format. */
class FormatTarget extends TargetPostgres {
  constructor(
    options: TargetOptions,
    private readonly copyFormat: 'binary' | 'text',
  ) {
    super(options);
  }

  protected override createSink(message: SchemaMessage): PostgresSink {
    return new PostgresSink(message, { ...this.sinkOptions(message), copyFormat: this.copyFormat });
  }
}

/** Runs target-postgres in-process over `input` and collects STATE output. */
export async function runTarget(
  config: Record<string, unknown>,
  input: TargetInput,
  options: RunOptions = {},
): Promise<TargetRun> {
  const logs: string[] = [];
  const logger = new Logger({
    name: 'target-postgres',
    sink: (line) => {
      logs.push(line);
      options.sink?.(line);
    },
    level: options.level ?? 'info',
  });
  const target =
    options.copyFormat === undefined
      ? new TargetPostgres({ config, logger })
      : new FormatTarget({ config, logger }, options.copyFormat);
  return { ...(await runSdkTarget(target, input)), logs };
}

/** Runs and throws the target's error, if any. */
export async function load(
  config: Record<string, unknown>,
  input: TargetInput,
  options: RunOptions = {},
): Promise<TargetRun> {
  const run = await runTarget(config, input, options);
  if (run.error !== undefined) throw run.error;
  return run;
}

export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  // A connection the server terminates while idle (a kill, the server stopping) emits 'error', which
  // would crash the test process; a query in flight still rejects with it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function columnTypes(
  url: string,
  schema: string,
  table: string,
): Promise<Record<string, string>> {
  const rows = await query<{ column_name: string; data_type: string }>(
    url,
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
    [schema, table],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));
}

export const schemaMessage = (stream: string, properties: Record<string, unknown>, keys: string[] = ['id']) =>
  JSON.stringify({ type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: keys });

export const recordMessage = (
  stream: string,
  record: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => JSON.stringify({ type: 'RECORD', stream, record, ...extra });

export const stateMessage = (value: unknown) => JSON.stringify({ type: 'STATE', value });
