/**
 * Results as the SQL API returns them: `rowType` with lower-case Snowflake type names, every cell a
 * string in the `jsonv2` encoding (numbers already scaled, timestamps as epoch seconds with nine
 * decimals, TIMESTAMP_TZ followed by its offset in minutes plus 1440), split into partitions.
 */
import { rowTypeName, type SnowflakeType } from './sql-types.js';

export interface ResultColumn {
  name: string;
  type: SnowflakeType;
  /** The table the column comes from, when known. */
  database?: string;
  schema?: string;
  table?: string;
}

export type Cell = string | null;

export interface ResultSet {
  columns: ResultColumn[];
  rows: Cell[][];
  stats?: Record<string, number>;
}

export function rowType(columns: readonly ResultColumn[]) {
  return columns.map((column) => ({
    name: column.name,
    database: column.database ?? '',
    schema: column.schema ?? '',
    table: column.table ?? '',
    type: rowTypeName(column.type),
    length: column.type.family === 'TEXT' || column.type.family === 'VARIANT' ? 16777216 : null,
    byteLength: column.type.family === 'TEXT' || column.type.family === 'VARIANT' ? 16777216 : null,
    precision: column.type.family === 'NUMBER' ? (column.type.precision ?? 38) : null,
    scale:
      column.type.family === 'NUMBER' || column.type.scale !== undefined ? (column.type.scale ?? 0) : null,
    nullable: true,
    collation: null,
  }));
}

interface MicrosValue {
  micros: bigint;
}
interface DaysValue {
  days: number;
}
interface BytesValue {
  bytes: Uint8Array;
}

export function encodeCell(value: unknown, type: SnowflakeType): Cell {
  if (value === null || value === undefined) return null;
  switch (type.family) {
    case 'BOOLEAN':
      return value === true ? 'true' : 'false';
    case 'DATE':
      return String((value as DaysValue).days);
    case 'TIME':
    case 'TIMESTAMP_NTZ':
      return epochSeconds((value as MicrosValue).micros);
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
      // DuckDB keeps the instant, not the offset it was written with: every value reads back as UTC.
      return `${epochSeconds((value as MicrosValue).micros)} 1440`;
    case 'BINARY':
      return Buffer.from((value as BytesValue).bytes)
        .toString('hex')
        .toUpperCase();
    default:
      return String(value);
  }
}

/** Microseconds as decimal seconds with nine digits after the point. */
function epochSeconds(micros: bigint): string {
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const seconds = magnitude / 1_000_000n;
  const fraction = (magnitude % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${seconds}.${fraction}000`;
}

export interface Partition {
  rows: Cell[][];
  uncompressedSize: number;
}

/** Rows cut into partitions of at most `maxRows` rows and about `maxBytes` of JSON each. */
export function partition(rows: readonly Cell[][], maxRows: number, maxBytes: number): Partition[] {
  const partitions: Partition[] = [];
  let current: Cell[][] = [];
  let size = 0;
  for (const row of rows) {
    const rowSize = JSON.stringify(row).length + 1;
    if (current.length > 0 && (current.length >= maxRows || size + rowSize > maxBytes)) {
      partitions.push({ rows: current, uncompressedSize: size });
      current = [];
      size = 0;
    }
    current.push(row);
    size += rowSize;
  }
  partitions.push({ rows: current, uncompressedSize: size });
  return partitions;
}
