/**
 * Reading SQL API answers: the ResultSet of a 200 and the QueryStatus of a 202, and the error
 * bodies, which become typed errors carrying Snowflake's `code`, `sqlState` and `statementHandle`.
 */
import type { ErrorVerdict, ResponseInfo } from '@singer-ts/sdk';
import {
  SnowflakeProtocolError,
  SnowflakeStatementError,
  SnowflakeStatementTimeoutError,
  SnowflakeStatementTooLargeError,
} from '../errors.js';

export interface ColumnInfo {
  name: string;
  /** Lower case as Snowflake sends it: `fixed`, `text`, `timestamp_tz`, `variant`, … */
  type: string;
  precision: number | null;
  scale: number | null;
  nullable: boolean;
}

export type Row = (string | null)[];

export interface ResultSetBody {
  statementHandle: string;
  statementStatusUrl: string | undefined;
  columns: ColumnInfo[];
  numRows: number;
  partitionCount: number;
  data: Row[];
  stats: Record<string, number> | undefined;
  statementHandles: string[] | undefined;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);
const num = (value: unknown): number | null =>
  value === undefined || value === null ? null : Number(String(value));

export function isQueryStatus(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !('resultSetMetaData' in body);
}

/** The `statementStatusUrl` of a 202, which must be polled. */
export function statusUrlOf(body: unknown): string {
  const url = text((body as Json | undefined)?.statementStatusUrl);
  const handle = text((body as Json | undefined)?.statementHandle);
  if (url !== undefined) return url;
  if (handle !== undefined) return `/api/v2/statements/${encodeURIComponent(handle)}`;
  throw new SnowflakeProtocolError('Snowflake answered 202 without a statementStatusUrl or statementHandle');
}

export function readResultSet(body: unknown): ResultSetBody {
  const record = (body ?? {}) as Json;
  const meta = (record.resultSetMetaData ?? {}) as Json;
  const handle = text(record.statementHandle);
  if (handle === undefined || !Array.isArray(record.data))
    throw new SnowflakeProtocolError('Snowflake answered 200 without a statementHandle or data');
  const rowType = Array.isArray(meta.rowType) ? (meta.rowType as Json[]) : [];
  const partitions = Array.isArray(meta.partitionInfo) ? meta.partitionInfo.length : 1;
  const stats = record.stats as Json | undefined;
  return {
    statementHandle: handle,
    statementStatusUrl: text(record.statementStatusUrl),
    columns: rowType.map((column) => ({
      name: String(column.name),
      type: String(column.type).toLowerCase(),
      precision: num(column.precision),
      scale: num(column.scale),
      nullable: column.nullable !== false,
    })),
    numRows: num(meta.numRows) ?? (record.data as unknown[]).length,
    partitionCount: Math.max(1, partitions),
    data: record.data as Row[],
    stats:
      stats === undefined
        ? undefined
        : Object.fromEntries(Object.entries(stats).map(([key, value]) => [key, Number(String(value))])),
    statementHandles: Array.isArray(record.statementHandles)
      ? record.statementHandles.map(String)
      : undefined,
  };
}

/**
 * The SDK client's error-body hook. A statement failure (422) or a statement timeout (408 with a
 * handle) is thrown as its typed error, which the client passes through unchanged and never
 * retries; 413 is the body-size error; anything else gets Snowflake's message and the status rules.
 */
export function parseSnowflakeError(body: unknown, response: ResponseInfo): ErrorVerdict | undefined {
  if (response.status < 300) return undefined;
  const record = typeof body === 'object' && body !== null ? (body as Json) : {};
  const code = text(record.code);
  const message = text(record.message);
  const failure = {
    code: code ?? String(response.status),
    sqlState: text(record.sqlState) ?? '',
    message: message ?? `HTTP ${response.status}`,
    ...(text(record.statementHandle) === undefined ? {} : { statementHandle: text(record.statementHandle)! }),
  };
  if (response.status === 422) throw new SnowflakeStatementError(failure);
  if (response.status === 408 && failure.statementHandle !== undefined)
    throw new SnowflakeStatementTimeoutError(failure);
  if (response.status === 413)
    throw new SnowflakeStatementTooLargeError(
      'Snowflake refused the request body as too large (HTTP 413); lower batch_size_bytes',
    );
  if (message === undefined) return undefined;
  return {
    message: code === undefined ? message : `${code} ${message}`,
    ...(code === undefined ? {} : { code }),
  };
}
