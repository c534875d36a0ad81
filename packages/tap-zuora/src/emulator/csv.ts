import type { Row, Value } from './data.js';
import type { FieldDef } from './objects.js';
import type { Column } from './plan.js';
import { formatDateTime } from './tz.js';

export interface CsvOptions {
  timeZone: string;
  /** `YYYY-MM-DDThh:mm:ss±hhmm` when true, `YYYY-MM-DD hh:mm:ss` (tenant wall time) otherwise. */
  dateTimeUtc: boolean;
  /** What a null becomes (default: an empty, unquoted field). */
  nullReplacement: string | null;
  useQueryLabels: boolean;
}

export interface DeletedColumn {
  header: string;
  format: 'Boolean' | 'Numeric';
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC-4180 field: quoted when it holds a quote, comma or line break; the empty string is quoted to differ from null. */
export function csvField(s: string): string {
  if (s === '') return '""';
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function formatValue(f: FieldDef, v: Value, o: CsvOptions): string {
  if (v === null) return o.nullReplacement === null ? '' : csvField(o.nullReplacement);
  if (f.type === 'datetime' && typeof v === 'number') return formatDateTime(v, o.timeZone, o.dateTimeUtc);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return csvField(String(v));
}

export function headerLine(columns: Column[], deleted: DeletedColumn | null, o: CsvOptions): string {
  const names = columns.map((c) => csvField(o.useQueryLabels ? c.apiName : c.label));
  if (deleted) names.push(csvField(deleted.header));
  return `${names.join(',')}\n`;
}

export function rowLine(
  columns: Column[],
  row: Row,
  deleted: DeletedColumn | null,
  isDeleted: boolean,
  o: CsvOptions,
): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (i > 0) line += ',';
    line += formatValue(c.field, c.read(row), o);
  }
  if (deleted)
    line += deleted.format === 'Numeric' ? (isDeleted ? ',1' : ',0') : isDeleted ? ',true' : ',false';
  return `${line}\n`;
}
