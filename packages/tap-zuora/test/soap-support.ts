import { compileValidator, Logger, type StreamContext, toUtcTimestamp } from '@singer-ts/sdk';
import { parseObject } from '../src/describe-xml.js';
import { objectDef, type Row, type ZuoraEmulator } from '../src/emulator/index.js';
import { type ZuoraSoapSettings, zuoraSoapConnection } from '../src/soap/connection.js';

import { type SoapRecord, ZuoraSoapStream } from '../src/soap/stream.js';
import { type StreamPlan, streamFromDescribe } from '../src/stream-schema.js';
import { call } from './helpers.js';

/** Shared set-up of the SOAP tests: plans from the emulator's Describe, a stream, collected records. */

export interface Captured {
  logger: Logger;
  lines: string[];
}

export function capturingLogger(): Captured {
  const lines: string[] = [];
  return { logger: new Logger({ name: 'tap-zuora', sink: (line) => lines.push(line) }), lines };
}

/** The stream as discovery plans it (Describe through real HTTP); the stream cuts it to the WSDL itself. */
export async function soapPlan(em: ZuoraEmulator, object: string): Promise<StreamPlan> {
  const res = await call(em, 'GET', `/v1/describe/${object}`);
  if (res.status !== 200) throw new Error(`describe ${object}: ${res.status}`);
  const described = parseObject(res.text, object);
  const plan = streamFromDescribe(described, { api: 'SOAP' });
  if (!plan) throw new Error(`${object} is not a stream`);
  return plan;
}

export function soapSettings(em: ZuoraEmulator, extra: Partial<ZuoraSoapSettings> = {}): ZuoraSoapSettings {
  return {
    username: em.credentials.username,
    password: em.credentials.password,
    endpoint: em.soapUrl,
    ...extra,
  };
}

export async function soapStream(
  em: ZuoraEmulator,
  object: string,
  extra: Partial<ZuoraSoapSettings> & { selected?: string[] } = {},
): Promise<{ stream: ZuoraSoapStream; captured: Captured }> {
  const captured = capturingLogger();
  const { selected, ...settings } = extra;
  const connection = zuoraSoapConnection({ ...soapSettings(em, settings), logger: captured.logger });
  const stream = new ZuoraSoapStream(
    { config: {}, logger: captured.logger },
    {
      plan: await soapPlan(em, object),
      connection,
      ...(selected ? { selectedProperties: () => new Set(selected) } : {}),
    },
  );
  return { stream, captured };
}

export function context(startingValue?: string): StreamContext {
  return {
    bookmark: {},
    signal: new AbortController().signal,
    ...(startingValue !== undefined ? { startingValue } : {}),
  };
}

export async function collect(stream: ZuoraSoapStream, startingValue?: string): Promise<SoapRecord[]> {
  const out: SoapRecord[] = [];
  for await (const record of stream.getRecords(context(startingValue))) out.push(record);
  return out;
}

/** Every record valid against the stream's schema (the SDK's validator, exact numbers included). */
export function expectValid(stream: ZuoraSoapStream, records: readonly SoapRecord[]): void {
  const validate = compileValidator(stream.schema, stream.name);
  for (const [i, record] of records.entries()) validate(record as Record<string, unknown>, i + 1);
}

/** The emulator's live rows of an object, optionally those changed at or after `fromIso`. */
export function liveRows(em: ZuoraEmulator, object: string, fromIso?: string): Row[] {
  const from = fromIso === undefined ? Number.NEGATIVE_INFINITY : Date.parse(toUtcTimestamp(fromIso)!);
  return [...em.tenant.rows(objectDef(object)!)].filter((r) => r.deletedMs === null && r.changedMs >= from);
}
