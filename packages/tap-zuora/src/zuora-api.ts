import {
  download,
  type ExportJobKind,
  type ExportJobStatus,
  type HttpClient,
  HttpClientError,
  HttpError,
  SingerError,
} from '@singer-ts/sdk';
import { type DescribedObject, parseObject, parseObjectList } from './describe-xml.js';
import { WSDL_VERSION } from './environments.js';
import { aquaJobBody } from './query.js';

/** The result files of a finished export job, in the order to read them. */
export interface JobFiles {
  fileIds: string[];
  /** AQuA: whether the batch is a full load (false: an increment with deleted rows). */
  full: boolean | null;
  recordCount: number | null;
}

/** A failed call's Zuora code, kept by the SDK on the error as `vendorCode`. */
export function vendorCode(error: unknown): string | undefined {
  return error instanceof SingerError && typeof error.context.vendorCode === 'string'
    ? error.context.vendorCode
    : undefined;
}

/** The messages singer-io/tap-zuora compares to read a probe job's refusal (Zuora's own words). */
const NOT_EXPORTABLE = '90005';
const NO_DELETED_SUPPORT = '90017';

const AQUA_PHASES: Record<string, ExportJobStatus['phase']> = {
  submitted: 'pending',
  pending: 'pending',
  executing: 'pending',
  completed: 'completed',
  error: 'failed',
  aborted: 'failed',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

const EXPORT_PHASES: Record<string, ExportJobStatus['phase']> = {
  Pending: 'pending',
  Processing: 'pending',
  Completed: 'completed',
  Failed: 'failed',
  Canceled: 'cancelled',
  Cancelled: 'cancelled',
};

const WSDL_HEADER = { 'X-Zuora-WSDL-Version': WSDL_VERSION };

/** Zuora's Describe, AQuA and Export-object calls, and result files, through the tap's HTTP client. */
export class ZuoraApi {
  constructor(readonly http: HttpClient) {}

  /** `GET /v1/describe`: the names of the objects the tenant exposes. */
  async objectNames(): Promise<string[]> {
    const res = await this.http.text({ url: '/v1/describe', headers: WSDL_HEADER, endpoint: '/v1/describe' });
    return parseObjectList(res.body);
  }

  /** `GET /v1/describe/{object}`, or null when Zuora does not know the object (404). */
  async describe(object: string): Promise<DescribedObject | null> {
    try {
      const res = await this.http.text(
        {
          url: `/v1/describe/${encodeURIComponent(object)}`,
          headers: WSDL_HEADER,
          endpoint: '/v1/describe/{object}',
        },
        { stream: object },
      );
      return parseObject(res.body, object);
    } catch (error) {
      if (error instanceof HttpError && error.context.status === 404) return null;
      throw error;
    }
  }

  /**
   * Whether an object can be exported through AQuA, as singer-io/tap-zuora tells: a one-row job (cancelled at
   * once to keep concurrency low) is refused with 90005 when the object is not exportable and with 90017 when it
   * is but has no deleted rows.
   */
  async probeAqua(object: string, partner: string): Promise<'unavailable' | 'available' | 'with-deleted'> {
    const body = aquaJobBody({
      name: 'discover',
      query: `select * from ${object} limit 1`,
      partner,
      project: 'discover',
      deleted: true,
    });
    try {
      const res = await this.http.json<{ id?: string }>(
        { method: 'POST', url: '/v1/batch-query/', json: body, endpoint: '/v1/batch-query/' },
        { stream: object },
      );
      if (typeof res.body.id === 'string') await this.cancelAqua(object, res.body.id);
      return 'with-deleted';
    } catch (error) {
      const code = vendorCode(error);
      if (code === NOT_EXPORTABLE) return 'unavailable';
      if (code === NO_DELETED_SUPPORT) return 'available';
      throw error;
    }
  }

  /** Whether the Export object takes a one-row query of the object (singer-io's REST probe). */
  async probeExport(object: string): Promise<boolean> {
    try {
      const res = await this.http.json<{ Success?: boolean; Id?: string }>(
        {
          method: 'POST',
          url: '/v1/object/export',
          headers: WSDL_HEADER,
          json: { Format: 'csv', Query: `select Id from ${object} limit 1` },
          endpoint: '/v1/object/export',
        },
        { stream: object },
      );
      return res.body.Success === true;
    } catch (error) {
      if (error instanceof HttpClientError || vendorCode(error) !== undefined) return false;
      throw error;
    }
  }

  /** `DELETE /v1/batch-query/jobs/{id}`; a job that already finished is left as it is. */
  async cancelAqua(stream: string, jobId: string): Promise<void> {
    try {
      await this.http.json(
        { method: 'DELETE', url: `/v1/batch-query/jobs/${jobId}`, endpoint: '/v1/batch-query/jobs/{id}' },
        { stream },
      );
    } catch (error) {
      if (vendorCode(error) === undefined) throw error;
    }
  }

  /** An AQuA job of one query: submitted with `body`, its status read from the job's first batch. */
  aquaJob(stream: string, body: Record<string, unknown>): ExportJobKind<JobFiles> {
    return {
      start: async () => {
        const res = await this.http.json<{ id?: unknown }>(
          { method: 'POST', url: '/v1/batch-query/', json: body, endpoint: '/v1/batch-query/' },
          { stream },
        );
        if (typeof res.body.id !== 'string')
          throw new HttpClientError('AQuA accepted the job without an id', { stream });
        return res.body.id;
      },
      status: async (jobId) => {
        const res = await this.http.json<Record<string, unknown>>(
          { url: `/v1/batch-query/jobs/${jobId}`, endpoint: '/v1/batch-query/jobs/{id}' },
          { stream },
        );
        const job = res.body;
        const vendorStatus = String(job.status ?? 'unknown');
        const phase = AQUA_PHASES[vendorStatus];
        if (phase === undefined)
          throw new HttpClientError(`AQuA job ${jobId} has the unknown status '${vendorStatus}'`, { stream });
        const batch = ((Array.isArray(job.batches) ? job.batches[0] : undefined) ?? {}) as Record<
          string,
          unknown
        >;
        const fileIds = Array.isArray(batch.segments)
          ? batch.segments.map(String)
          : typeof batch.fileId === 'string'
            ? [batch.fileId]
            : [];
        const message = typeof batch.message === 'string' && batch.message !== '' ? batch.message : undefined;
        return {
          phase,
          vendorStatus,
          ...(message ? { message } : {}),
          detail: {
            fileIds,
            full: typeof batch.full === 'boolean' ? batch.full : null,
            recordCount: typeof batch.recordCount === 'number' ? batch.recordCount : null,
          },
        };
      },
    };
  }

  /** A REST Export object for one Export ZOQL query. */
  exportJob(stream: string, query: string): ExportJobKind<JobFiles> {
    return {
      start: async () => {
        const res = await this.http.json<{ Id?: unknown }>(
          {
            method: 'POST',
            url: '/v1/object/export',
            headers: WSDL_HEADER,
            json: { Format: 'csv', Query: query },
            endpoint: '/v1/object/export',
          },
          { stream },
        );
        if (typeof res.body.Id !== 'string')
          throw new HttpClientError('the Export object was created without an Id', { stream });
        return res.body.Id;
      },
      status: async (id) => {
        const res = await this.http.json<Record<string, unknown>>(
          { url: `/v1/object/export/${id}`, headers: WSDL_HEADER, endpoint: '/v1/object/export/{id}' },
          { stream },
        );
        const vendorStatus = String(res.body.Status ?? 'unknown');
        const phase = EXPORT_PHASES[vendorStatus];
        if (phase === undefined)
          throw new HttpClientError(`export ${id} has the unknown status '${vendorStatus}'`, { stream });
        const reason = res.body.StatusReason;
        return {
          phase,
          vendorStatus,
          ...(typeof reason === 'string' && reason !== '' ? { message: reason } : {}),
          detail: {
            fileIds: typeof res.body.FileId === 'string' ? [res.body.FileId] : [],
            full: null,
            recordCount: null,
          },
        };
      },
    };
  }

  /** A result file's bytes as they arrive: AQuA files under `/v1/file/`, Export files under `/v1/files/`. */
  file(stream: string, kind: 'aqua' | 'export', fileId: string): AsyncGenerator<Buffer> {
    const path = kind === 'aqua' ? '/v1/file/' : '/v1/files/';
    return download(
      this.http,
      { url: `${path}${fileId}`, endpoint: `${path}{id}` },
      { context: { stream, fileId }, errorBodies: true },
    );
  }
}
