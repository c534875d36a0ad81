import type { ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import type { AquaStore, Batch, Job, JobStatus, ResultFile } from './aqua.js';
import { headerLine, rowLine } from './csv.js';
import { HttpError, reasons } from './http.js';
import { formatDateTime } from './tz.js';

function batchStatus(s: JobStatus): string {
  return s === 'submitted' ? 'pending' : s === 'error' ? 'aborted' : s;
}

/** The job as `GET /v1/batch-query/jobs/{id}` renders it. */
export function jobJson(store: AquaStore, job: Job, now: number): Record<string, unknown> {
  store.settle(job, now);
  const status = store.status(job, now);
  const start = store.startMs(job);
  return {
    id: job.id,
    name: job.name,
    status,
    ...(job.partner ? { partner: job.partner } : {}),
    ...(job.project ? { project: job.project } : {}),
    version: job.version,
    format: job.format.toUpperCase(),
    encrypted: 'none',
    sourceData: 'LIVE',
    useQueryLabels: String(job.csv.useQueryLabels),
    dateTimeUtc: String(job.csv.dateTimeUtc),
    ...(Number.isFinite(start) && now >= start
      ? { startTime: formatDateTime(start, store.timeZone, false) }
      : {}),
    batches: job.batches.map((b, i) => batchJson(job, b, i, status)),
  };
}

function batchJson(job: Job, b: Batch, index: number, status: JobStatus): Record<string, unknown> {
  const bs = batchStatus(status);
  const failed = status === 'aborted' || status === 'error';
  const message =
    failed && index === 0
      ? job.message || 'The job was aborted because it exceeded the maximum processing time.'
      : '';
  const files = b.fileIds ?? [];
  return {
    batchId: b.batchId,
    name: b.name,
    status: bs,
    localizedStatus: bs,
    message,
    full: b.full,
    recordCount: b.recordCount ?? 0,
    apiVersion: b.apiVersion,
    batchType: b.type,
    query: b.query,
    ...(b.deleted ? { deleted: { column: b.deleted.column, format: b.deleted.format } } : {}),
    ...(status === 'completed' ? (files.length > 1 ? { segments: files } : { fileId: files[0] }) : {}),
  };
}

export interface FileFault {
  /** `nul`: NUL bytes inside values; `truncate`: the file stops in the middle of a row. */
  kind: 'nul' | 'truncate';
  times?: number;
}

/** Streams a result file as CSV (or gzip), row by row with backpressure; nothing is built whole. */
export async function streamFile(
  store: AquaStore,
  file: ResultFile,
  res: ServerResponse,
  headers: Record<string, string>,
  fault: FileFault | null,
): Promise<void> {
  const { job, batch } = file;
  const gzip = job.format === 'gzip';
  res.writeHead(200, {
    ...headers,
    'Content-Type': gzip ? 'application/x-gzip' : 'text/csv;charset=UTF-8',
    'Content-Disposition': `attachment; filename="${batch.name}.csv${gzip ? '.gz' : ''}"`,
  });
  const out = gzip ? createGzip() : res;
  if (gzip) out.pipe(res);
  const deleted = store.deletedColumn(job, batch);
  const limit = file.to - file.from;
  const cutAt = fault?.kind === 'truncate' ? Math.max(1, Math.floor(limit / 2)) : -1;
  let chunk = headerLine(batch.plan.columns, deleted, job.csv);
  let ordinal = 0;
  let written = 0;
  const flush = async (s: string) => {
    if (!out.write(s)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  for (const { row, deleted: isDeleted } of store.batchRows(job, batch)) {
    if (ordinal++ < file.from) continue;
    if (written >= limit) break;
    let line = rowLine(batch.plan.columns, row!, deleted, isDeleted, job.csv);
    if (fault?.kind === 'nul' && written % 7 === 0) line = line.replace(',', ',\u0000');
    if (written === cutAt) {
      chunk += line.slice(0, Math.floor(line.length / 2));
      break;
    }
    chunk += line;
    written++;
    if (chunk.length >= 65_536) {
      await flush(chunk);
      chunk = '';
    }
  }
  out.end(chunk);
  if (gzip) await new Promise<void>((resolve) => res.once('finish', resolve));
}

export function fileOr404(store: AquaStore, id: string, now: number, kind: Job['kind']): ResultFile {
  const found = store.files.get(id);
  const file = found?.job.kind === kind ? found : undefined;
  // AQuA files are purged after about 3 days; REST export files stay 7 days.
  const retention = file?.job.kind === 'export' ? 7 * 86_400_000 : store.o.fileRetentionMs;
  if (!file || now > file.createdMs + retention) {
    throw new HttpError(404, reasons('NotFound', `The file ${id} does not exist or has been purged.`));
  }
  return file;
}
