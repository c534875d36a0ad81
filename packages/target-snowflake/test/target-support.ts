/** Running target-snowflake in-process against the emulator, and reading back what it loaded. */
import { randomBytes } from 'node:crypto';
import { Logger, type LogLevel } from '@singer-ts/sdk';
import {
  runTarget as runSdkTarget,
  type TargetRun as SdkTargetRun,
  type TargetInput,
} from '@singer-ts/sdk/testing';
import { TargetSnowflake } from '../src/target.js';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { ACCOUNT, keyPair, USER } from './support.js';

export interface TargetRun extends SdkTargetRun {
  logs: string[];
  target: TargetSnowflake;
}

/** Key-pair config pointing at the emulator, in database RAW. */
export function emulatorConfig(
  emulator: SnowflakeEmulator,
  schema: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    base_url: emulator.url,
    account: ACCOUNT,
    user: USER,
    private_key: keyPair(0).privatePem,
    database: 'RAW',
    default_target_schema: schema,
    ...extra,
  };
}

export async function runTarget(
  config: Record<string, unknown>,
  input: TargetInput,
  options: { level?: LogLevel; maxRequestBytes?: number } = {},
): Promise<TargetRun> {
  const logs: string[] = [];
  const logger = new Logger({
    name: 'target-snowflake',
    sink: (line) => logs.push(line),
    level: options.level ?? 'info',
  });
  const target = new TargetSnowflake({ config, logger });
  if (options.maxRequestBytes !== undefined)
    (target.client as unknown as { maxRequestBytes: number }).maxRequestBytes = options.maxRequestBytes;
  return { ...(await runSdkTarget(target, input)), logs, target };
}

export async function load(
  config: Record<string, unknown>,
  input: TargetInput,
  options: { level?: LogLevel; maxRequestBytes?: number } = {},
): Promise<TargetRun> {
  const run = await runTarget(config, input, options);
  if (run.error !== undefined) throw run.error;
  return run;
}

/** A fresh upper-case schema name (stored as written). */
export function uniqueSchema(prefix = 'T'): string {
  return `${prefix}_${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** Rows of a query as objects keyed by column name (jsonv2 text cells). */
export async function rows(
  emulator: SnowflakeEmulator,
  sql: string,
): Promise<Record<string, string | null>[]> {
  const result = await emulator.sql(sql, 'RAW');
  const columns = /SELECT (.*?) FROM/is
    .exec(sql)?.[1]
    ?.split(',')
    .map((part) => part.trim().replace(/^"|"$/g, ''));
  return result.map((row) =>
    Object.fromEntries(row.map((cell, index) => [columns?.[index] ?? String(index), cell as string | null])),
  );
}

export const schemaMessage = (stream: string, properties: Record<string, unknown>, keys: string[] = ['id']) =>
  JSON.stringify({ type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: keys });

export const recordMessage = (
  stream: string,
  record: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => JSON.stringify({ type: 'RECORD', stream, record, ...extra });

export const stateMessage = (value: unknown) => JSON.stringify({ type: 'STATE', value });
