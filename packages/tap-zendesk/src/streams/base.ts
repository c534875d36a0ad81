/** What every Zendesk stream shares: its schema file, the clients, the run's selection, 403 handling. */
import { readFileSync } from 'node:fs';
import type { JSONSchema, Logger } from '@singer-ts/sdk';
import { statusOf, type ZendeskClients } from '../client.js';
import type { ZendeskConfig } from '../config.js';
import type { AuditFetcher } from './audits.js';

/** A generated record interface usable as a Stream's record type. */
export type Rec<T> = T & Record<string, unknown>;

/** State of one sync shared between a parent stream and its children. */
export interface SyncShared {
  /** Streams whose records are emitted in this run (set by the tap before syncing). */
  selected: Set<string>;
  /** `metric_set` side-loads of tickets read ahead, consumed by ticket_metrics. */
  metricSets: Map<number, Record<string, unknown>>;
  audits: AuditFetcher;
}

export interface ZendeskStreamOptions {
  config: ZendeskConfig;
  logger: Logger;
  clients: ZendeskClients;
  shared: SyncShared;
}

const schemaCache = new Map<string, JSONSchema>();

/** `schemas/<stream>.json`, shipped with the package. */
export function loadSchema(stream: string): JSONSchema {
  let schema = schemaCache.get(stream);
  if (!schema) {
    schema = JSON.parse(
      readFileSync(new URL(`../../schemas/${stream}.json`, import.meta.url), 'utf8'),
    ) as JSONSchema;
    schemaCache.set(stream, schema);
  }
  return structuredClone(schema);
}

/** Unix seconds from an epoch number (seconds), a numeric string or an RFC 3339 timestamp. */
export function toEpochSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Math.floor(value);
  const text = String(value);
  if (/^\d+(\.\d+)?$/.test(text)) return Math.floor(Number(text));
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Zendesk hides changes of the last 60 s and rejects a start_time inside that window. */
export const FRESHNESS_SECONDS = 60;

export function clampStartTime(start: number, nowMs = Date.now()): number {
  return Math.max(0, Math.min(start, Math.floor(nowMs / 1000) - FRESHNESS_SECONDS - 1));
}

/** Plan-gated streams: why they may answer 403, for discovery metadata and the warning. */
export const PLAN_GATES: Record<string, string> = {
  sla_policies: 'Support Professional / Suite Growth and up',
  ticket_forms: 'Enterprise, or Professional with the multiple ticket forms add-on',
  satisfaction_ratings: 'customer satisfaction (CSAT) enabled on the account',
};

/**
 * Runs a plan-gated stream's records, turning a 403 before the first record into a warning and no
 * records, unless `fail_on_forbidden` is set.
 */
export async function* skipWhenForbidden<R>(
  stream: string,
  config: ZendeskConfig,
  logger: Logger,
  records: AsyncIterable<R>,
): AsyncGenerator<R> {
  let emitted = 0;
  try {
    for await (const record of records) {
      emitted += 1;
      yield record;
    }
  } catch (error) {
    if (statusOf(error) !== 403 || emitted > 0 || config.fail_on_forbidden === true) throw error;
    logger.warn(
      `stream '${stream}' skipped: HTTP 403 (${(error as Error).message}); it needs ${PLAN_GATES[stream] ?? 'a feature this account lacks'}. Set fail_on_forbidden to fail instead.`,
      { stream },
    );
  }
}
