import { hashString, RecordRng } from '@singer-ts/sdk/testing';
import { type FieldDef, fieldDef, OBJECTS, type ObjectDef, objectDef } from './objects.js';
import * as V from './vocab.js';

/**
 * Typed values of a generated row: text and picklists as strings, booleans, integers as numbers, decimals as
 * exact digit strings, dates as `YYYY-MM-DD`, date-times as epoch milliseconds; null only where Zuora has one.
 */
export type Value = string | number | boolean | null;

export interface Row {
  index: number;
  values: Record<string, Value>;
  /** When the row last changed (its change field), and when it was deleted (null if alive). */
  changedMs: number;
  createdMs: number;
  deletedMs: number | null;
}

export interface TenantOptions {
  /** Number or string; same seed → same tenant. Default 1. */
  seed?: number | string;
  /** Accounts in the tenant; every other object scales from it. Default 200. */
  accounts?: number;
  /** Span of the generated history (epoch ms or ISO). Default 2023-01-01 … 2026-01-01. */
  startDate?: number | string;
  endDate?: number | string;
  /** Share of rows deleted during the history (objects that support deletes). Default 0.03. */
  deletedShare?: number;
  /** Exact row count per object, overriding the scale (e.g. `{Account: 1_000_000}` for a benchmark). */
  counts?: Record<string, number>;
}

interface Overlay {
  set: Record<string, Value>;
  changedMs?: number;
  deletedMs?: number | null;
}

const ID_PREFIX = '2c92c0f8';

/** The generated tenant: rows are pure functions of (seed, object, index), plus a small overlay of mutations. */
export class Tenant {
  readonly seed: number;
  readonly startMs: number;
  readonly endMs: number;
  private readonly accounts: number;
  private readonly deletedShare: number;
  private readonly counts: Record<string, number>;
  private readonly overlays = new Map<string, Map<number, Overlay>>();

  constructor(o: TenantOptions = {}) {
    const seed = o.seed ?? 1;
    this.seed = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
    this.accounts = o.accounts ?? 200;
    this.startMs = toMs(o.startDate ?? '2023-01-01T00:00:00Z');
    this.endMs = toMs(o.endDate ?? '2026-01-01T00:00:00Z');
    this.deletedShare = o.deletedShare ?? 0.03;
    this.counts = o.counts ?? {};
  }

  count(o: ObjectDef): number {
    return this.counts[o.name] ?? Math.max(3, Math.round((this.accounts * o.perThousandAccounts) / 1000));
  }

  /** 32-hex Zuora-style id; the object and the index can be read back from it. */
  idOf(o: ObjectDef, index: number): string {
    return `${idPrefix(o)}${index.toString(16).padStart(16, '0')}`;
  }

  indexOfId(o: ObjectDef, id: string): number | null {
    if (id.length !== 32 || !id.startsWith(idPrefix(o))) return null;
    const i = Number.parseInt(id.slice(16), 16);
    return Number.isFinite(i) && i < this.count(o) ? i : null;
  }

  /** Creation, last change and deletion times of a row: cheap, without generating its values. */
  times(o: ObjectDef, index: number): { createdMs: number; changedMs: number; deletedMs: number | null } {
    return this.timesWithRng(o, index).t;
  }

  private timesWithRng(o: ObjectDef, index: number) {
    const rng = new RecordRng(this.seed, hashString(o.name), index);
    const n = this.count(o);
    const span = this.endMs - this.startMs;
    // Rows are created in index order across the history; about half change again later.
    const createdMs = Math.floor(this.startMs + ((index + rng.next() / 2 ** 32) / n) * span * 0.9);
    let changedMs = rng.chance(0.5) ? createdMs + rng.int(Math.max(1, this.endMs - createdMs)) : createdMs;
    let deletedMs =
      o.supportsDeleted && rng.chance(this.deletedShare)
        ? changedMs + rng.int(Math.max(1, this.endMs - changedMs))
        : null;
    const overlay = this.overlays.get(o.name)?.get(index);
    if (overlay?.changedMs !== undefined) changedMs = overlay.changedMs;
    if (overlay?.deletedMs !== undefined) deletedMs = overlay.deletedMs;
    return { rng, overlay, t: { createdMs, changedMs, deletedMs } };
  }

  row(o: ObjectDef, index: number): Row {
    const { rng, overlay, t } = this.timesWithRng(o, index);
    const { createdMs, changedMs, deletedMs } = t;
    const values: Record<string, Value> = {};
    for (const field of o.fields) values[field.name] = this.value(o, field, index, rng, createdMs, changedMs);
    if (overlay) Object.assign(values, overlay.set);
    return { index, values, createdMs, changedMs, deletedMs };
  }

  *rows(o: ObjectDef): Generator<Row> {
    const n = this.count(o);
    for (let i = 0; i < n; i++) yield this.row(o, i);
  }

  /** Changes a row now: its change field moves to `atMs`, `set` overrides values. */
  update(objectName: string, index: number, atMs: number, set: Record<string, Value> = {}): Row {
    const o = this.require(objectName, index);
    const overlay = this.overlay(o, index);
    Object.assign(overlay.set, set);
    overlay.changedMs = atMs;
    overlay.deletedMs = null;
    return this.row(o, index);
  }

  /** Deletes a row at `atMs` (it keeps its last values, as Zuora's deleted rows do). */
  delete(objectName: string, index: number, atMs: number): Row {
    const o = this.require(objectName, index);
    if (!o.supportsDeleted) throw new Error(`${o.name} has no deleted records in Zuora`);
    this.overlay(o, index).deletedMs = atMs;
    return this.row(o, index);
  }

  objects(): readonly ObjectDef[] {
    return OBJECTS;
  }

  private require(objectName: string, index: number): ObjectDef {
    const o = objectDef(objectName);
    if (!o) throw new Error(`unknown object ${objectName}`);
    if (!Number.isInteger(index) || index < 0 || index >= this.count(o)) {
      throw new Error(`${o.name} has no row ${index} (0…${this.count(o) - 1})`);
    }
    return o;
  }

  private overlay(o: ObjectDef, index: number): Overlay {
    let m = this.overlays.get(o.name);
    if (!m) {
      m = new Map();
      this.overlays.set(o.name, m);
    }
    let ov = m.get(index);
    if (!ov) {
      ov = { set: {} };
      m.set(index, ov);
    }
    return ov;
  }

  private value(
    o: ObjectDef,
    f: FieldDef,
    index: number,
    rng: RecordRng,
    createdMs: number,
    changedMs: number,
  ): Value {
    switch (f.gen) {
      case 'id':
        return this.idOf(o, index);
      case 'ref': {
        const target = objectDef(f.ref ?? '');
        return target ? this.idOf(target, rng.int(this.count(target))) : null;
      }
      case 'user':
        return `2c92a0fd${hex(rng.int(40), 24)}`;
      case 'created':
        return createdMs;
      case 'updated':
        return changedMs;
      case 'company':
        return `${rng.pick(V.COMPANIES)} #${index}`;
      case 'person':
        return f.name.startsWith('First')
          ? rng.pick(V.FIRST)
          : f.name.startsWith('Last')
            ? rng.pick(V.LAST)
            : `${rng.pick(V.FIRST)} ${rng.pick(V.LAST)}`;
      case 'name':
        return rng.pick(V.PRODUCTS);
      case 'email':
        return `${rng.pick(V.FIRST).toLowerCase()}.${index}@${rng.pick(V.DOMAINS)}`;
      case 'phone':
        return `+${1 + rng.int(80)} ${100 + rng.int(900)}-${1000 + rng.int(9000)}`;
      case 'address':
        return `${1 + rng.int(999)} ${rng.pick(V.STREETS)}`;
      case 'city':
        return rng.pick(V.CITIES);
      case 'state':
        return rng.pick(V.STATES);
      case 'postal':
        return String(10000 + rng.int(89999));
      case 'country':
        return rng.pick(V.COUNTRIES);
      case 'number':
        return `${o.name.slice(0, 1).toUpperCase()}-${String(index + 1).padStart(8, '0')}`;
      case 'currency':
        return rng.pick(f.options ?? ['USD']);
      case 'awkward':
        // One row in twenty has no value at all: a null, distinct from the empty string in the list.
        return rng.int(20) === 0 ? null : rng.pick(V.AWKWARD);
      case 'padded':
        return ` ${rng.pick(V.WORDS)}-${index}  `;
      case 'text':
        return `${rng.pick(V.WORDS)} ${rng.pick(V.WORDS)}`;
      default:
        return this.byType(f, rng, createdMs);
    }
  }

  private byType(f: FieldDef, rng: RecordRng, createdMs: number): Value {
    const scale = f.scale ?? 2;
    switch (f.type) {
      case 'picklist':
        return rng.pick(f.options ?? ['Default']);
      case 'boolean':
        return rng.chance(0.5);
      case 'integer':
        return f.gen === 'quantity' ? 1 + rng.int(36) : 1 + rng.int(28);
      case 'decimal': {
        const whole =
          f.gen === 'percent' ? rng.int(100) : f.gen === 'quantity' ? 1 + rng.int(500) : rng.int(250_000);
        const frac =
          scale > 0
            ? `.${String(rng.next() % 10 ** Math.min(scale, 9)).padStart(Math.min(scale, 9), '0')}`
            : '';
        return `${whole}${frac}${'0'.repeat(Math.max(0, scale - 9))}`;
      }
      case 'date':
        return isoDay(createdMs + rng.int(400) * 86_400_000);
      case 'datetime':
        return createdMs + rng.int(86_400_000);
      default:
        return `${rng.pick(V.WORDS)}`;
    }
  }
}

export function toMs(t: number | string | Date): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t;
  if (Number.isNaN(ms)) throw new Error(`invalid time: ${String(t)}`);
  return ms;
}

const days = new Map<number, string>();

/** `YYYY-MM-DD` (UTC) of an instant, cached per day: generated rows format many dates. */
export function isoDay(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  let s = days.get(day);
  if (s === undefined) {
    s = new Date(day * 86_400_000).toISOString().slice(0, 10);
    days.set(day, s);
  }
  return s;
}

const prefixes = new Map<string, string>();

function idPrefix(o: ObjectDef): string {
  let p = prefixes.get(o.name);
  if (p === undefined) {
    p = `${ID_PREFIX}${hex(hashString(o.name), 8)}`;
    prefixes.set(o.name, p);
  }
  return p;
}

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0').slice(-width);
}

export { fieldDef, objectDef };
