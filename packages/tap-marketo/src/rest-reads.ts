import { type StreamContext, type TimeWindow, WindowedBookmark, windowTime } from '@singer-ts/sdk';
import { flattenRestActivity } from './activity-streams.js';
import { ActivityTypeStream, LeadsStream } from './bulk-streams.js';
import { MarketoValueError } from './errors.js';
import type { MarketoApi } from './marketo-api.js';
import type { MarketoRun } from './run.js';
import type { RawValue } from './values.js';
import { marketoTimestamp } from './values.js';

// Leads and activities through REST paging (`use_bulk_export: false`), for subscriptions without
// Bulk Extract or runs too small to wait for export jobs. The STATE is the bulk streams': windows of
// export_window_days from the bookmark, each window's end the bookmark once all its records are out,
// so a stopped or killed run resumes at its first unfinished window (and can switch modes).

const DAY_MS = 86_400_000;
/** New Lead and Change Data Value: the activities that say a lead was created or changed. */
const LEAD_CHANGE_TYPES = [12, 13];
/** Lead ids per `leads.json` call (Marketo's maximum), and fields per call (URL and row size). */
const LEADS_PER_CALL = 300;
const FIELDS_PER_CALL = 100;

type Item = Record<string, unknown>;

/**
 * Items of a date-token endpoint from `sinceMs` on, in date order: a paging token from
 * `pagingtoken.json`, then pages while `moreResult` is true (a page can be short, even empty, and
 * still have more after it).
 */
export async function* datePagedItems(
  api: MarketoApi,
  stream: string,
  path: string,
  sinceMs: number,
  query: Record<string, string | number> = {},
): AsyncGenerator<Item> {
  const first = await api.call(stream, 'paging token', {
    url: '/rest/v1/activities/pagingtoken.json',
    query: { sinceDatetime: windowTime(sinceMs) },
  });
  let token = first.nextPageToken;
  while (token !== undefined) {
    const page = await api.call(stream, `${path} page`, {
      url: path,
      query: { ...query, nextPageToken: token, batchSize: 300 },
    });
    for (const item of page.result) yield item as Item;
    if (page.moreResult !== true) break;
    token = page.nextPageToken;
  }
}

type WindowEvent = { item: Item; window: TimeWindow } | { passed: TimeWindow };

/**
 * A date-ordered walk cut at the windows: each item with its window, and each window once the walk
 * has passed its end (or ended). Items at or after the last window's end stop the walk.
 */
async function* windowEvents(
  windows: TimeWindow[],
  items: AsyncIterable<Item>,
  stream: string,
): AsyncGenerator<WindowEvent> {
  let i = 0;
  for await (const item of items) {
    const text = typeof item.activityDate === 'string' ? marketoTimestamp(item.activityDate) : undefined;
    if (text === undefined) {
      throw new MarketoValueError(
        `activity ${String(item.marketoGUID)} has no readable activityDate (${JSON.stringify(item.activityDate)})`,
        { stream, field: 'activityDate' },
      );
    }
    const at = Date.parse(text);
    while (i < windows.length && at >= windows[i]!.endMs) yield { passed: windows[i++]! };
    if (i >= windows.length) return;
    yield { item, window: windows[i]! };
  }
  while (i < windows.length) yield { passed: windows[i++]! };
}

/** The bulk streams' windows and bookmark. */
function windowedBookmark(
  stream: string,
  replicationKey: string,
  run: MarketoRun,
  context: StreamContext,
): WindowedBookmark {
  return new WindowedBookmark(stream, context, {
    replicationKey,
    windowMs: run.settings.export_window_days * DAY_MS,
    untilMs: run.untilMs,
  });
}

/** Activities of `typeIds` (comma-separated) over the stream's windows, and its bookmark. */
function activityWalk(
  stream: string,
  replicationKey: string,
  run: MarketoRun,
  context: StreamContext,
  typeIds: string,
): { windowed: WindowedBookmark; events: AsyncGenerator<WindowEvent> } {
  const windowed = windowedBookmark(stream, replicationKey, run, context);
  const windows = windowed.windows();
  async function* none(): AsyncGenerator<WindowEvent> {}
  if (windows.length === 0) return { windowed, events: none() };
  const items = datePagedItems(run.api, stream, '/rest/v1/activities.json', windows[0]!.startMs, {
    activityTypeIds: typeIds,
  });
  return { windowed, events: windowEvents(windows, items, stream) };
}

/** `activities_<type>` read from `activities.json`, flattened as its bulk rows are. */
export class RestActivityTypeStream extends ActivityTypeStream {
  override async *getRecords(context: StreamContext): AsyncGenerator<Record<string, unknown>> {
    const typeId = String(this.activity.activityTypeId);
    const { windowed, events } = activityWalk(this.name, this.replicationKey, this.run, context, typeId);
    for await (const event of events) {
      if ('passed' in event) await windowed.finish(event.passed);
      else yield this.convert(flattenRestActivity(this.activity, event.item));
    }
  }
}

/**
 * `leads` read through REST: the leads named by New Lead and Change Data Value activities in each
 * window, fetched by id (300 a call, fields 100 a call, merged by id) with `leads.json`; each lead
 * once per window. Leads deleted since are absent from `leads.json` and so from the output.
 */
export class RestLeadsStream extends LeadsStream {
  override async *getRecords(context: StreamContext): AsyncGenerator<Record<string, unknown>> {
    const types = LEAD_CHANGE_TYPES.join(',');
    const { windowed, events } = activityWalk(this.name, this.replicationKey, this.run, context, types);
    let pending: number[] = [];
    let seen = new Set<number>();
    for await (const event of events) {
      if ('passed' in event) {
        yield* this.leadsById(pending);
        pending = [];
        seen = new Set();
        await windowed.finish(event.passed);
        continue;
      }
      const id = Number(event.item.leadId);
      if (!Number.isInteger(id) || seen.has(id)) continue;
      seen.add(id);
      pending.push(id);
      if (pending.length === LEADS_PER_CALL) {
        yield* this.leadsById(pending);
        pending = [];
      }
    }
  }

  private async *leadsById(ids: number[]): AsyncGenerator<Record<string, unknown>> {
    if (ids.length === 0) return;
    const rows = new Map<number, Record<string, RawValue>>();
    const others = this.fields.filter((f) => f !== 'id');
    for (let k = 0; k < Math.max(1, others.length); k += FIELDS_PER_CALL - 1) {
      const fields = ['id', ...others.slice(k, k + FIELDS_PER_CALL - 1)];
      let token: string | undefined;
      do {
        // A POST with `_method=GET` carries the query in the body: 300 ids and 100 names can pass 8 KB.
        const page = await this.run.api.call(this.name, `${ids.length} leads by id`, {
          method: 'POST',
          url: '/rest/v1/leads.json',
          form: {
            _method: 'GET',
            filterType: 'id',
            filterValues: ids.join(','),
            fields: fields.join(','),
            batchSize: LEADS_PER_CALL,
            nextPageToken: token,
          },
        });
        for (const row of page.result as Record<string, RawValue>[]) {
          const id = Number(row.id);
          rows.set(id, Object.assign(rows.get(id) ?? {}, row));
        }
        token = page.nextPageToken;
      } while (token !== undefined);
    }
    for (const id of ids) {
      const row = rows.get(id);
      if (row) yield this.convert(row);
    }
  }
}
