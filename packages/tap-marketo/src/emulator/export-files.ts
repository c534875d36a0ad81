import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Activity, Dataset } from './dataset.js';
import type { Cell } from './fields.js';

export type ExportFormat = 'CSV' | 'TSV' | 'SSV';
const SEPARATORS: Record<ExportFormat, string> = { CSV: ',', TSV: '\t', SSV: ' ' };

/** What a job exports, after validation: the file is regenerated from this whenever it is served. */
export interface ExportSpec {
  kind: 'leads' | 'activities';
  fields: string[];
  format: ExportFormat;
  headerNames: Record<string, string>;
  /** Leads: one filter; activities: createdAt (matched on activityDate) plus optional type ids. */
  filter:
    | { type: 'createdAt' | 'updatedAt'; startAt: number; endAt: number }
    | { type: 'staticList' | 'smartList'; listId: number };
  activityTypeIds?: number[];
}

/**
 * One cell as Marketo writes it: empty values as the bare literal `null`, an empty string as `""`, and
 * quotes only where the cell holds the separator, a quote, CR or LF (quotes inside doubled). Written by
 * hand rather than with a CSV library because these byte-level habits are what the emulator reproduces.
 */
export function writeCell(value: Cell, sep: string): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (value === '') return '""';
  if (value.includes(sep) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Activity `attributes`: a JSON object keyed by display names, empty values left out. */
function attributesJson(a: Activity): string {
  const obj: Record<string, Cell> = {};
  for (const [k, v] of a.attributes) if (v !== null && v !== '') obj[k] = v;
  return JSON.stringify(obj);
}

function activityCell(a: Activity, field: string): Cell {
  switch (field) {
    case 'marketoGUID':
      return a.marketoGUID;
    case 'leadId':
      return a.leadId;
    case 'activityDate':
      return iso(a.activityDate);
    case 'activityTypeId':
      return a.activityTypeId;
    case 'campaignId':
      return a.campaignId;
    case 'primaryAttributeValueId':
      return a.primaryAttributeValueId;
    case 'primaryAttributeValue':
      return a.primaryAttributeValue;
    case 'attributes':
      return attributesJson(a);
    case 'actionResult':
      return 'succeeded';
    default:
      return null;
  }
}

/** The rows of an export, in file order, each as its cells. Nothing is held beyond the current row. */
export function* exportRows(data: Dataset, spec: ExportSpec): Generator<Cell[]> {
  if (spec.kind === 'activities') {
    if (spec.filter.type !== 'createdAt') return;
    const types =
      spec.activityTypeIds && spec.activityTypeIds.length > 0 ? new Set(spec.activityTypeIds) : null;
    const end = data.activityIndexAt(spec.filter.endAt);
    for (let j = data.activityIndexAt(spec.filter.startAt); j < end; j++) {
      if (types && !types.has(data.activityTypeOf(j))) continue;
      const a = data.activity(j);
      yield spec.fields.map((f) => activityCell(a, f));
    }
    return;
  }
  const f = spec.filter;
  let from = 0;
  let to = data.leadCount;
  if (f.type === 'createdAt') {
    from = data.leadIndexAt(f.startAt);
    to = data.leadIndexAt(f.endAt);
  }
  for (let i = from; i < to; i++) {
    if (data.isDeleted(i)) continue;
    if (f.type === 'updatedAt') {
      const t = data.leadLastChange(i);
      if (t < f.startAt || t >= f.endAt) continue;
    } else if (f.type === 'staticList' || f.type === 'smartList') {
      if (!data.inList(i, f.listId)) continue;
    }
    const values = data.leadValues(i);
    yield spec.fields.map((name) => values.get(name) ?? null);
  }
}

const CHUNK = 64 * 1024;

/** The file's bytes as ~64 KiB buffers: header row, then one line per row, `\n` terminated. */
export function* fileChunks(data: Dataset, spec: ExportSpec, counter?: { rows: number }): Generator<Buffer> {
  const sep = SEPARATORS[spec.format];
  let parts: string[] = [spec.fields.map((f) => writeCell(spec.headerNames[f] ?? f, sep)).join(sep), '\n'];
  let size = 0;
  for (const row of exportRows(data, spec)) {
    const line = row.map((c) => writeCell(c, sep)).join(sep);
    parts.push(line, '\n');
    size += line.length + 1;
    if (counter) counter.rows++;
    if (size >= CHUNK) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'utf8');
}

export interface FileStats {
  fileSize: number;
  numberOfRecords: number;
  fileChecksum: string;
}

/**
 * Writes the finished file to `path` (as Marketo writes a job's file once it completes) and returns its
 * size, row count and `sha256:` checksum, all in one streaming pass: the file is never in memory, and
 * serving it later (whole or by Range) is a plain file read.
 */
export async function spoolFile(data: Dataset, spec: ExportSpec, path: string): Promise<FileStats> {
  const sha = createHash('sha256');
  let size = 0;
  const counter = { rows: 0 };
  const out = createWriteStream(path);
  const chunks = (async function* () {
    let n = 0;
    for (const chunk of fileChunks(data, spec, counter)) {
      sha.update(chunk);
      size += chunk.length;
      yield chunk;
      // Let requests in between: a 1M-lead file takes a while to generate.
      if (++n % 16 === 0) await yieldToLoop();
    }
  })();
  await pipeline(chunks, out);
  return { fileSize: size, numberOfRecords: counter.rows, fileChecksum: `sha256:${sha.digest('hex')}` };
}
