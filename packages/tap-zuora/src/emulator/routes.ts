import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionQuery, actionQueryMore } from './action-query.js';
import type { AquaStore } from './aqua.js';
import { AquaRejection } from './aqua-errors.js';
import { type FileFault, fileOr404, jobJson, streamFile } from './aqua-http.js';
import type { QueryCursors } from './cursors.js';
import type { Tenant } from './data.js';
import { describeList, describeNotFound, describeObject } from './describe.js';
import { HttpError, parseJson, readText, reasons, send } from './http.js';
import { objectDef } from './objects.js';
import { crud, exportJson, submitExport } from './rest-export.js';

/** What the authenticated `/v1` routes work on. */
export interface ApiEnv {
  tenant: Tenant;
  aqua: AquaStore;
  actionCursors: QueryCursors;
  /** Origin of the emulator, for hrefs in Describe answers. */
  origin: string;
  takeFileFault(): FileFault | null;
}

/** Describe, AQuA, files, the REST Export object and the query actions, behind auth and limits. */
export async function apiRoute(
  env: ApiEnv,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  now: number,
  headers: Record<string, string>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const describe = /^\/v1\/(?:\d+(?:\.\d+)?\/)?describe(?:\/([^/]+))?\/?$/.exec(path);
  if (describe && method === 'GET') {
    const name = describe[1];
    if (!name)
      return send(
        res,
        200,
        describeList(env.tenant.objects(), env.origin),
        headers,
        'text/xml; charset=utf-8',
      );
    const o = objectDef(decodeURIComponent(name));
    if (!o) return send(res, 404, describeNotFound(name), headers, 'text/xml; charset=utf-8');
    return send(res, 200, describeObject(o, env.origin), headers, 'text/xml; charset=utf-8');
  }
  if (/^\/v1\/batch-query\/?$/.test(path) && method === 'POST') {
    const body = parseJson(await readText(req));
    if (!body) throw new HttpError(400, reasons(90000090, 'Malformed JSON request body'));
    try {
      const job = env.aqua.submit(body, now);
      return send(res, 200, jobJson(env.aqua, job, now), headers);
    } catch (e) {
      if (!(e instanceof AquaRejection)) throw e;
      // Rejections answer 200 with errorCode/message and, as clients expect, an id they may DELETE.
      return send(
        res,
        200,
        {
          id: `rejected-${now.toString(16)}`,
          status: 'error',
          errorCode: e.errorCode,
          message: e.message,
          batches: [],
        },
        headers,
      );
    }
  }
  const last = /^\/v1\/batch-query\/jobs\/partner\/([^/]+)\/project\/([^/]+)$/.exec(path);
  if (last && method === 'GET') {
    const job = env.aqua.lastCompletedJob(decodeURIComponent(last[1]!), decodeURIComponent(last[2]!));
    if (!job)
      return send(
        res,
        200,
        { errorCode: '90002', message: 'No completed job for this partner and project.' },
        headers,
      );
    return send(res, 200, jobJson(env.aqua, job, now), headers);
  }
  const jobPath = /^\/v1\/batch-query\/jobs\/([^/]+)$/.exec(path);
  if (jobPath) {
    const id = decodeURIComponent(jobPath[1]!);
    const job = env.aqua.jobs.get(id);
    if (method === 'DELETE' && id.startsWith('rejected-'))
      return send(res, 200, { id, status: 'error' }, headers);
    if (!job) return send(res, 200, { errorCode: '90002', message: `Invalid job id: ${id}` }, headers);
    if (method === 'GET') return send(res, 200, jobJson(env.aqua, job, now), headers);
    if (method === 'DELETE') {
      try {
        env.aqua.cancel(job, now);
      } catch (e) {
        if (e instanceof AquaRejection)
          return send(res, 200, { id, errorCode: e.errorCode, message: e.message }, headers);
        throw e;
      }
      return send(res, 200, jobJson(env.aqua, job, now), headers);
    }
  }
  if ((path === '/v1/action/query' || path === '/v1/action/queryMore') && method === 'POST') {
    const body = parseJson(await readText(req));
    if (!body) throw crud(400, 'MALFORMED_JSON', 'Malformed JSON request body');
    const page =
      path === '/v1/action/query'
        ? actionQuery(env.actionCursors, env.tenant, env.aqua.timeZone, body, now)
        : actionQueryMore(env.actionCursors, env.aqua.timeZone, body, now);
    return send(res, 200, page, headers);
  }
  if (path === '/v1/object/export' && method === 'POST') {
    const body = parseJson(await readText(req));
    if (!body) throw crud(400, 'MALFORMED_JSON', 'Malformed JSON request body');
    const job = submitExport(env.aqua, body, now);
    return send(res, 200, { Success: true, Id: job.id }, headers);
  }
  const exportPath = /^\/v1\/object\/export\/([^/]+)$/.exec(path);
  if (exportPath && method === 'GET') {
    const job = env.aqua.jobs.get(decodeURIComponent(exportPath[1]!));
    if (!job || job.kind !== 'export') throw crud(404, 'INVALID_ID', `invalid export id ${exportPath[1]}`);
    return send(res, 200, exportJson(env.aqua, job, now), headers);
  }
  // AQuA files are under /v1/file/, REST export files under /v1/files/.
  const filePath = /^\/v1\/(files?)\/([^/]+)$/.exec(path);
  if (filePath && method === 'GET') {
    const file = fileOr404(
      env.aqua,
      decodeURIComponent(filePath[2]!),
      now,
      filePath[1] === 'files' ? 'export' : 'aqua',
    );
    return streamFile(env.aqua, file, res, headers, env.takeFileFault());
  }
  throw new HttpError(404, reasons(50000040, `No route for ${method} ${path}`));
}
