import {
  type CsvRow,
  download,
  type ExportJobKind,
  type ExportJobStatus,
  HttpClientError,
} from '@singer-ts/sdk';
import { csvRows } from './csv-rows.js';
import { type MarketoApi, vendorCode } from './marketo-api.js';

export type BulkKind = 'leads' | 'activities';

/** What a finished job's status says about its file. */
export interface BulkFile {
  numberOfRecords: number | null;
  fileSize: number | null;
  fileChecksum: string | null;
}

const PHASES: Record<string, ExportJobStatus['phase']> = {
  Created: 'pending',
  Queued: 'pending',
  Processing: 'pending',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
  Canceled: 'cancelled',
};

/**
 * One Bulk Extract job: create → enqueue (1029 "Job already queued" means it is) → status. A job
 * saved by an earlier run is reused only while its file is still served (Marketo can report
 * Completed and answer 404 for the file; a `Range: bytes=0-0` probe tells).
 */
export function bulkJob(
  api: MarketoApi,
  kind: BulkKind,
  stream: string,
  body: unknown,
): ExportJobKind<BulkFile> {
  const base = `/bulk/v1/${kind}/export`;
  return {
    async start() {
      const created = await api.call(stream, `create ${kind} export`, {
        method: 'POST',
        url: `${base}/create.json`,
        json: body,
      });
      const exportId = (created.result[0] as { exportId?: unknown } | undefined)?.exportId;
      if (typeof exportId !== 'string') {
        throw new HttpClientError(`create ${kind} export: Marketo answered without an exportId`, { stream });
      }
      try {
        await api.call(stream, `enqueue ${kind} export ${exportId}`, {
          method: 'POST',
          url: `${base}/${exportId}/enqueue.json`,
        });
      } catch (error) {
        if (!(vendorCode(error) === '1029' && /already queued/i.test((error as Error).message))) throw error;
      }
      return exportId;
    },
    async status(exportId) {
      const page = await api.call(stream, `status of ${kind} export ${exportId}`, {
        url: `${base}/${exportId}/status.json`,
      });
      const job = (page.result[0] ?? {}) as Record<string, unknown>;
      const vendorStatus = String(job.status ?? 'unknown');
      const phase = PHASES[vendorStatus];
      if (phase === undefined) {
        throw new HttpClientError(`${kind} export ${exportId} has the unknown status '${vendorStatus}'`, {
          stream,
        });
      }
      return {
        phase,
        vendorStatus,
        ...(typeof job.errorMsg === 'string' ? { message: job.errorMsg } : {}),
        detail: {
          numberOfRecords: typeof job.numberOfRecords === 'number' ? job.numberOfRecords : null,
          fileSize: typeof job.fileSize === 'number' ? job.fileSize : null,
          fileChecksum: typeof job.fileChecksum === 'string' ? job.fileChecksum : null,
        },
      };
    },
    async canResume(exportId, status) {
      if (status.phase !== 'completed') return true;
      api.budget.ensure(1, `probe of ${kind} export ${exportId}`);
      try {
        await api.http.text(
          { url: `${base}/${exportId}/file.json`, headers: { range: 'bytes=0-0' } },
          { stream },
        );
        return true;
      } catch (error) {
        if (error instanceof HttpClientError && error.context.status === 404) return false;
        throw error;
      }
    },
  };
}

/** The rows of a finished job's file, downloaded (resumed with Range if it breaks) and parsed as they arrive. */
export function bulkRows(
  api: MarketoApi,
  kind: BulkKind,
  stream: string,
  exportId: string,
  file: BulkFile,
): AsyncGenerator<CsvRow> {
  const bytes = download(
    api.http,
    { url: `/bulk/v1/${kind}/export/${exportId}/file.json` },
    {
      context: { stream },
      ...(file.fileChecksum ? { checksum: file.fileChecksum } : {}),
      ...(file.fileSize !== null ? { expectedBytes: file.fileSize } : {}),
      beforeRequest: () => api.budget.ensure(1, `download of ${kind} export ${exportId}`),
      // Marketo answers an expired token (602) on the file endpoint with its JSON envelope, HTTP 200.
      errorBodies: true,
    },
  );
  return csvRows(bytes, { stream });
}
