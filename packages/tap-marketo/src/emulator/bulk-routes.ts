import type { Job } from './bulk-jobs.js';
import { MarketoFailure, type SuccessBody } from './envelope.js';
import { activityExportSpec, leadExportSpec } from './export-spec.js';
import { parseRange, sendFileRange } from './http.js';
import { decodeToken, encodeToken } from './paging.js';
import type { Call, Route } from './route-types.js';

/** The one-job result create, enqueue, cancel and status answer with. */
async function jobResult(call: Call, job: Job): Promise<SuccessBody> {
  return { result: [await call.env.jobs.describe(job)] };
}

const STATUSES = ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled', 'Canceled'];

function routesFor(kind: 'leads' | 'activities'): Route[] {
  const permission = kind === 'leads' ? ('readLead' as const) : ('readActivity' as const);
  const base = `^\\/bulk\\/v1\\/${kind}\\/export`;
  const job = (action: string) => new RegExp(`${base}\\/([^/]+)\\/${action}\\.json$`);
  const id = (call: Call) => call.params[0] as string;
  return [
    {
      method: 'POST',
      pattern: new RegExp(`${base}\\/create\\.json$`),
      permission,
      handler: async (call) => {
        const spec =
          kind === 'leads' ? leadExportSpec(call.body, call.env.features) : activityExportSpec(call.body);
        return jobResult(call, await call.env.jobs.create(call.client.clientId, spec, call.now));
      },
    },
    {
      method: 'POST',
      pattern: job('enqueue'),
      permission,
      handler: async (call) =>
        jobResult(call, await call.env.jobs.enqueue(call.client.clientId, kind, id(call), call.now)),
    },
    {
      method: 'POST',
      pattern: job('cancel'),
      permission,
      handler: (call) =>
        jobResult(call, call.env.jobs.cancel(call.client.clientId, kind, id(call), call.now)),
    },
    {
      method: 'GET',
      pattern: job('status'),
      permission,
      handler: (call) => jobResult(call, call.env.jobs.get(call.client.clientId, kind, id(call), call.now)),
    },
    {
      method: 'GET',
      pattern: job('file'),
      permission,
      handler: async (call) => {
        const { path, stats } = await call.env.jobs.fileOf(call.client.clientId, kind, id(call), call.now);
        const range = parseRange(call.req.headers.range, stats.fileSize);
        const start = range?.start ?? 0;
        const end = range?.end ?? stats.fileSize - 1;
        const headers: Record<string, string | number> = {
          'Content-Type': 'text/csv;charset=UTF-8',
          'Content-Length': Math.max(0, end - start + 1),
          'Accept-Ranges': 'bytes',
        };
        if (range) headers['Content-Range'] = `bytes ${start}-${end}/${stats.fileSize}`;
        call.res.writeHead(range ? 206 : 200, headers);
        await sendFileRange(call.res, path, start, end, call.cutAfter);
        return 'streamed' as const;
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${base}\\.json$`),
      permission,
      handler: async (call) => {
        const raw = call.query
          .getAll('status')
          .flatMap((s) => s.split(','))
          .filter((s) => s !== '');
        const unknown = raw.filter((s) => !STATUSES.includes(s));
        if (unknown.length > 0) throw new MarketoFailure('1003', `Invalid status [${unknown.join(', ')}]`);
        const size = Number(call.query.get('batchSize') ?? 300);
        if (!Number.isInteger(size) || size < 1 || size > 300)
          throw new MarketoFailure('1003', 'batchSize must be between 1 and 300');
        const token = call.query.get('nextPageToken');
        const from = token ? decodeToken(token, 'exports').pos : 0;
        const all = call.env.jobs.list(call.client.clientId, kind, raw.length > 0 ? raw : null, call.now);
        const page = all.slice(from, from + size);
        const result = await Promise.all(page.map((j) => call.env.jobs.describe(j)));
        const more = from + size < all.length;
        return {
          result,
          ...(more ? { nextPageToken: encodeToken('exports', from + size) } : {}),
          moreResult: more,
        };
      },
    },
  ];
}

export const BULK_ROUTES: Route[] = [...routesFor('leads'), ...routesFor('activities')];
