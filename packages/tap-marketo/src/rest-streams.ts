import { type JSONSchema, Stream, type StreamContext, windowTime } from '@singer-ts/sdk';
import { NO_ASSETS_WARNING } from './api-errors.js';
import type { StreamFacts } from './catalogue.js';
import { datePagedItems } from './rest-reads.js';
import { type FieldInclusion, inclusionOf, type MarketoRun } from './run.js';
import { staticSchema } from './static-schemas.js';
import { marketoTimestamp } from './values.js';

type Row = Record<string, unknown>;

/** Date-time fields of a schema, rewritten to UTC (`Z+0000` from the Asset API, `+0000` from activities). */
function dateNormaliser(stream: string, schema: JSONSchema): (record: Row) => Row {
  const fields = Object.entries(schema.properties ?? {})
    .filter(([, s]) => s.format === 'date-time')
    .map(([name]) => name);
  return (record) => {
    for (const name of fields) {
      const value = record[name];
      if (typeof value !== 'string' || value === '') continue;
      const utc = marketoTimestamp(value);
      if (utc === undefined)
        throw new TypeError(`stream '${stream}': field '${name}' holds '${value}', not a timestamp`);
      record[name] = utc;
    }
    return record;
  };
}

abstract class RestStream extends Stream<Row, unknown> {
  readonly name: string;
  readonly schema: JSONSchema;
  override readonly primaryKeys: string[];
  protected readonly normalise: (record: Row) => Row;

  constructor(
    protected readonly run: MarketoRun,
    protected readonly facts: StreamFacts,
  ) {
    super(run);
    this.name = facts.name;
    this.schema = staticSchema(facts);
    this.primaryKeys = facts.keyProperties;
    this.normalise = dateNormaliser(facts.name, this.schema);
  }

  fieldInclusion(): FieldInclusion {
    return inclusionOf(this.facts.automatic, this.facts.unsupported);
  }
}

/** A REST stream with a replication key (from the stream's facts). */
abstract class IncrementalRestStream extends RestStream {
  override readonly replicationKey: string;

  constructor(run: MarketoRun, facts: StreamFacts) {
    super(run, facts);
    this.replicationKey = facts.replicationKey!;
  }
}

/** `activity_types`: one unpaged call. */
export class ActivityTypesStream extends RestStream {
  async *getRecords(): AsyncGenerator<Row> {
    const page = await this.run.api.call(this.name, 'activity types', { url: this.facts.path });
    for (const item of page.result) yield this.normalise(item as Row);
  }
}

/**
 * `campaigns` and `lists`: no date filter, so every page is read each run and rows updated at or
 * after the bookmark are kept (singer-io's way). The page token is kept in STATE while the list is
 * walked, so a stopped run resumes mid-list; the bookmark becomes the run's start when the list ends.
 */
export class PositionTokenStream extends IncrementalRestStream {
  override readonly managesBookmark = true;

  async *getRecords(context: StreamContext): AsyncGenerator<Row> {
    const since = marketoTimestamp(String(context.startingValue ?? this.run.settings.start_date));
    let token =
      typeof context.bookmark.next_page_token === 'string' ? context.bookmark.next_page_token : undefined;
    for (;;) {
      const page = await this.run.api.call(this.name, `${this.name} page`, {
        url: this.facts.path,
        query: { batchSize: 300, nextPageToken: token },
      });
      for (const item of page.result) {
        const record = this.normalise(item as Row);
        const updated = record[this.replicationKey];
        if (since === undefined || (typeof updated === 'string' && updated >= since)) yield record;
      }
      token = page.nextPageToken;
      if (token === undefined || page.result.length === 0) break;
      context.bookmark.next_page_token = token;
      await context.checkpoint?.();
    }
    delete context.bookmark.next_page_token;
    context.bookmark.replication_key = this.replicationKey;
    context.bookmark.replication_key_value = windowTime(this.run.untilMs);
  }
}

/**
 * `programs`: the Asset API's `earliestUpdatedAt`/`latestUpdatedAt` range from the bookmark to now,
 * paged by offset until the "No assets found" warning; skipped when the bookmark is not in the past.
 */
export class ProgramsStream extends IncrementalRestStream {
  override readonly managesBookmark = true;

  async *getRecords(context: StreamContext): AsyncGenerator<Row> {
    const since = marketoTimestamp(String(context.startingValue ?? this.run.settings.start_date));
    const latest = windowTime(this.run.untilMs);
    if (since === undefined || Date.parse(since) >= this.run.untilMs) return;
    const earliest = windowTime(Date.parse(since));
    const maxReturn = 200;
    for (let offset = 0; ; offset += maxReturn) {
      const page = await this.run.api.call(this.name, `programs from offset ${offset}`, {
        url: this.facts.path,
        query: { maxReturn, offset, earliestUpdatedAt: earliest, latestUpdatedAt: latest },
      });
      for (const item of page.result) yield this.normalise(item as Row);
      if (page.result.length === 0 || page.warnings.includes(NO_ASSETS_WARNING)) break;
    }
    context.bookmark.replication_key = this.replicationKey;
    context.bookmark.replication_key_value = latest;
  }
}

/** `deleted_leads`: date paging tokens from the bookmark, pages followed while `moreResult` is true. */
export class DeletedLeadsStream extends IncrementalRestStream {
  async *getRecords(context: StreamContext): AsyncGenerator<Row> {
    const since = marketoTimestamp(String(context.startingValue ?? this.run.settings.start_date));
    if (since === undefined) return;
    for await (const item of datePagedItems(this.run.api, this.name, this.facts.path, Date.parse(since))) {
      yield this.normalise(item);
    }
  }
}
