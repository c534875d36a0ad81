import { isoDay, type Row, type Tenant, type Value } from './data.js';
import { type FieldDef, fieldDef, type ObjectDef, objectDef } from './objects.js';
import { parseDateTime } from './tz.js';
import { type Condition, type Literal, parseZoql, type Query, ZoqlSyntaxError } from './zoql.js';

/** One output column of a query: its CSV headers and how to read it from a row of the FROM object. */
export interface Column {
  /** `Account.Name`, `BillToContact.Id` (useQueryLabels) … */
  apiName: string;
  /** … or the UI label, `Account: Name`, `Bill To: ID`. */
  label: string;
  /** Name the REST query action and SOAP use for own fields. */
  field: FieldDef;
  read(row: Row): Value;
}

export interface QueryPlan {
  object: ObjectDef;
  columns: Column[];
  matches(row: Row): boolean;
  /** Whether `matches` looks at values at all (a `where` clause). */
  filtered: boolean;
  orderBy: { field: FieldDef; desc: boolean } | null;
  limit: number | null;
}

/** Resolves a parsed query against the catalogue; unknown objects and non-exportable fields are syntax errors. */
export function planQuery(
  q: Query,
  tenant: Tenant,
  timeZone: string,
  context: 'export' | 'rest-export' | 'soap',
): QueryPlan {
  const object = objectDef(q.object);
  if (!object || (context !== 'soap' && !object.exportable)) {
    throw new ZoqlSyntaxError(`unknown or unavailable object ${q.object}`);
  }
  const usable = (f: FieldDef) =>
    f.type !== 'blob' &&
    (context === 'soap'
      ? f.contexts.includes('soap')
      : f.contexts.includes('export') && (context === 'export' || f.restExport !== false));
  const column = (path: string[]): Column => {
    const own =
      path.length === 1 || (path.length === 2 && path[0]!.toLowerCase() === object.name.toLowerCase());
    if (own) {
      const f = fieldDef(object, path[path.length - 1]!);
      if (!f || !usable(f)) throw new ZoqlSyntaxError(`invalid field ${path.join('.')} for ${object.name}`);
      return {
        apiName: `${object.name}.${f.name}`,
        label: `${object.label}: ${f.label}`,
        field: f,
        read: (row) => row.values[f.name] ?? null,
      };
    }
    if (path.length !== 2) throw new ZoqlSyntaxError(`invalid field ${path.join('.')}`);
    const rel = object.related.find((r) => r.name.toLowerCase() === path[0]!.toLowerCase());
    const target = rel && objectDef(rel.object);
    const f = target && fieldDef(target, path[1]!);
    if (!rel || !target || !f || !usable(f)) throw new ZoqlSyntaxError(`invalid field ${path.join('.')}`);
    return {
      apiName: `${rel.name}.${f.name}`,
      label: `${rel.label}: ${f.label}`,
      field: f,
      read: (row) => {
        const id = row.values[rel.via];
        if (typeof id !== 'string') return null;
        if (f.name === 'Id') return id;
        const i = tenant.indexOfId(target, id);
        return i === null ? null : (tenant.row(target, i).values[f.name] ?? null);
      },
    };
  };
  const columns =
    q.fields === '*' ? object.fields.filter(usable).map((f) => column([f.name])) : q.fields.map(column);
  const groups = q.where.map((g) => g.map((c) => predicate(c, column(c.field), timeZone)));
  const matches = groups.length === 0 ? () => true : (row: Row) => groups.some((g) => g.every((p) => p(row)));
  let orderBy: QueryPlan['orderBy'] = null;
  if (q.orderBy) {
    const c = column(q.orderBy.field);
    orderBy = { field: c.field, desc: q.orderBy.desc };
  }
  return { object, columns, matches, filtered: groups.length > 0, orderBy, limit: q.limit };
}

/** Plain ZOQL (SOAP query, REST query action): one object, no joins, no `*`, no `order by`, ≤ 10,000 chars. */
export function planZoql(text: string, tenant: Tenant, timeZone: string): QueryPlan {
  if (text.length > 10_000) throw new ZoqlSyntaxError('query longer than 10,000 characters');
  const parsed = parseZoql(text);
  if (parsed.orderBy || parsed.fields === '*' || parsed.fields.some((f) => f.length > 1)) {
    throw new ZoqlSyntaxError('ZOQL has no joins, * or order by');
  }
  return planQuery(parsed, tenant, timeZone, 'soap');
}

function predicate(c: Condition, col: Column, timeZone: string): (row: Row) => boolean {
  const f = col.field;
  const lit = c.value;
  if (lit === null) {
    if (c.op !== '=' && c.op !== '!=')
      throw new ZoqlSyntaxError(`null compares only with = or != (${f.name})`);
    return c.op === '=' ? (row) => col.read(row) === null : (row) => col.read(row) !== null;
  }
  const key = comparable(f, lit, timeZone);
  return (row) => {
    const v = col.read(row);
    if (v === null) return false;
    const a = comparable(f, v, timeZone);
    const cmp = a < key ? -1 : a > key ? 1 : 0;
    switch (c.op) {
      case '=':
        return cmp === 0;
      case '!=':
        return cmp !== 0;
      case '<':
        return cmp < 0;
      case '<=':
        return cmp <= 0;
      case '>':
        return cmp > 0;
      default:
        return cmp >= 0;
    }
  };
}

function comparable(f: FieldDef, v: Value | Literal, timeZone: string): number | string | boolean {
  switch (f.type) {
    case 'datetime': {
      if (typeof v === 'number') return v;
      const ms = parseDateTime(String(v), timeZone);
      if (ms === null) throw new ZoqlSyntaxError(`invalid date-time literal '${String(v)}' for ${f.name}`);
      return ms;
    }
    case 'date': {
      if (typeof v === 'number') return isoDay(v);
      const s = String(v).slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s))
        throw new ZoqlSyntaxError(`invalid date literal '${String(v)}' for ${f.name}`);
      return s;
    }
    case 'integer':
    case 'decimal': {
      const n = Number(v);
      if (Number.isNaN(n)) throw new ZoqlSyntaxError(`invalid number '${String(v)}' for ${f.name}`);
      return n;
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw new ZoqlSyntaxError(`${f.name} compares with true or false`);
      return v;
    default:
      return String(v);
  }
}
