import type { AquaStore, Job } from './aqua.js';
import { AquaRejection } from './aqua-errors.js';
import { HttpError } from './http.js';
import { formatIsoOffset } from './tz.js';

// The REST Export object (`/v1/object/export`), run on the AQuA job machinery as a one-query stateless job: it
// shares timing, faults and files, and answers in the CRUD envelope (`Success`, `Errors`, capitalised fields).

const STATUS: Record<string, string> = {
  submitted: 'Pending',
  executing: 'Processing',
  completed: 'Completed',
  aborted: 'Failed',
  error: 'Failed',
  cancelled: 'Canceled',
};

export function submitExport(store: AquaStore, body: Record<string, unknown>, now: number): Job {
  const query = typeof body.Query === 'string' ? body.Query : '';
  const format = String(body.Format ?? 'csv').toLowerCase();
  if (!query) throw crud(400, 'MISSING_REQUIRED_VALUE', 'Query is required');
  if (!['csv', 'html', 'excel'].includes(format))
    throw crud(400, 'INVALID_VALUE', `invalid Format: ${format}`);
  try {
    return store.submit(
      {
        version: '1.0',
        name: body.Name ?? 'export',
        format: 'csv',
        useQueryLabels: 'true',
        dateTimeUtc: 'true',
        queries: [{ name: String(body.Name ?? 'export'), query, type: 'zoqlexport' }],
      },
      now,
      'rest-export',
    );
  } catch (e) {
    if (e instanceof AquaRejection && e.errorCode === '90005') {
      throw crud(400, 'INVALID_VALUE', `invalid query: ${query}`);
    }
    if (e instanceof AquaRejection) throw crud(400, 'INVALID_VALUE', e.message);
    throw e;
  }
}

export function exportJson(store: AquaStore, job: Job, now: number): Record<string, unknown> {
  store.settle(job, now);
  const status = STATUS[store.status(job, now)]!;
  const batch = job.batches[0]!;
  const failed = status === 'Failed';
  return {
    Id: job.id,
    CreatedDate: formatIsoOffset(job.submittedMs, store.timeZone),
    Format: 'csv',
    Name: job.name,
    Query: batch.query,
    Status: status,
    StatusReason: failed ? job.message || 'Export exceeded the maximum processing time.' : null,
    FileId: status === 'Completed' ? (batch.fileIds?.[0] ?? null) : null,
    Size: status === 'Completed' ? batch.recordCount : null,
    Zip: false,
    Encrypted: false,
  };
}

export function crud(status: number, code: string, message: string): HttpError {
  return new HttpError(status, { Success: false, Errors: [{ Code: code, Message: message }] });
}
