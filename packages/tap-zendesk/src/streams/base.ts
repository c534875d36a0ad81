/** What every Zendesk stream shares: its schema file, its tap, and 403 handling of plan-gated streams. */
import { readFileSync } from 'node:fs';
import {
  type CountWindow,
  type JSONSchema,
  RESTStream,
  type SourceCount,
  type StreamContext,
} from '@singer-ts/sdk';
import { statusOf } from '../client.js';
import type { ZendeskConfig } from '../config.js';
import type { TapZendesk } from '../tap.js';

const schemaCache = new Map<string, string>();

/** `schemas/<stream>.json`, shipped with the package (a fresh copy each time: discovery extends some). */
export function loadSchema(stream: string): JSONSchema {
  let text = schemaCache.get(stream);
  if (text === undefined) {
    text = readFileSync(new URL(`../../schemas/${stream}.json`, import.meta.url), 'utf8');
    schemaCache.set(stream, text);
  }
  const schema: JSONSchema = JSON.parse(text);
  return schema;
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

/** A property of a JSON body (a page's envelope, say), or undefined. */
export function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;
}

/**
 * Where a stream resumes: its bookmark (or start_date), or, when the bookmark was written by
 * singer-io/tap-zendesk (`bookmarks.<stream>.<replication key>`, no `replication_key_value`), that
 * value. Streams read it here rather than from `context.startingValue`, which knows only our layout.
 */
export function resumeValue(replicationKey: string | undefined, context: StreamContext): unknown {
  const legacy = replicationKey ? context.bookmark[replicationKey] : undefined;
  const ours = context.bookmark.replication_key_value;
  return ours === undefined && legacy !== undefined && legacy !== null ? legacy : context.startingValue;
}

export function clampStartTime(start: number, nowMs = Date.now()): number {
  return Math.max(0, Math.min(start, Math.floor(nowMs / 1000) - FRESHNESS_SECONDS - 1));
}

/** Plan-gated streams: why they may answer 403, for discovery metadata and the warning. */
export const PLAN_GATES: Record<string, string> = {
  sla_policies: 'Support Professional / Suite Growth and up',
  ticket_forms: 'Enterprise, or Professional with the multiple ticket forms add-on',
  satisfaction_ratings: 'customer satisfaction (CSAT) enabled on the account',
  talk_phone_numbers: 'Zendesk Talk on the account, and an admin (or `talk:read`) token',
};

/**
 * A Zendesk endpoint read with the tap's client. Plan-gated streams turn a 403 before the first
 * record into a warning and no records, unless `fail_on_forbidden` is set.
 */
export abstract class ZendeskStream<R extends object> extends RESTStream<R, ZendeskConfig> {
  override readonly primaryKeys: string[] = ['id'];

  constructor(readonly tap: TapZendesk) {
    super(tap);
  }

  /** Only tickets, users and organizations have Zendesk count endpoints (they override this). */
  override async countRecords(window: CountWindow): Promise<SourceCount> {
    if (this.parentStreamName) return super.countRecords(window);
    return { comparable: false, reason: this.uncountableReason() };
  }

  protected uncountableReason(): string {
    return 'Zendesk has no count endpoint for it';
  }

  override async *getRecords(context: StreamContext): AsyncGenerator<R> {
    let emitted = 0;
    try {
      for await (const record of super.getRecords(context)) {
        emitted += 1;
        yield record;
      }
    } catch (error) {
      const gate = PLAN_GATES[this.name];
      if (gate === undefined || statusOf(error) !== 403 || emitted > 0 || this.config.fail_on_forbidden)
        throw error;
      this.logger.warn(
        `stream '${this.name}' skipped: HTTP 403 (${error instanceof Error ? error.message : String(error)}); it needs ${gate}. Set fail_on_forbidden to fail instead.`,
        { stream: this.name },
      );
    }
  }
}
