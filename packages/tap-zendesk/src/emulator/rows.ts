// Export rows: generated records in timeline order merged with the mutation overlay, both sorted by (ts, seq).
import type { Timeline } from './timeline.js';
import type { Json } from './util.js';

export interface TicketChange {
  ts: number;
  seq: number;
  system: boolean;
  authorId: number;
  changes: Array<{ field: string; previous: unknown; value: unknown }>;
  comment?: string | undefined;
}

export interface OverlayEntry {
  id: number;
  index: number;
  record: Json;
  /** Export timestamp (generated_timestamp for tickets, updated_at otherwise) and tie-breaking sequence. */
  ts: number;
  seq: number;
  history: TicketChange[];
}

/** A row of an export stream: its sort key and a renderer. */
export interface Row {
  ts: number;
  seq: number;
  id: number;
  deleted?: boolean;
  render: () => Json;
}

/** Overlay records strictly after (ts, seq), in (ts, seq) order. */
function* overlayRows(
  overlay: Map<number, OverlayEntry>,
  ts: number,
  seq: number,
  render: (e: OverlayEntry) => Json,
): Generator<Row> {
  if (overlay.size === 0) return;
  const entries = [...overlay.values()].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  for (const e of entries) {
    if (e.ts < ts || (e.ts === ts && e.seq <= seq)) continue;
    yield { ts: e.ts, seq: e.seq, id: e.id, render: () => render(e) };
  }
}

/** A record kind's export: generated rows the overlay has not replaced, merged with the overlay's rows. */
export function recordRows(
  tl: Timeline,
  ts: number,
  seq: number,
  overlay: Map<number, OverlayEntry>,
  idOf: (i: number) => number,
  render: (i: number) => Json,
  renderOverlay: (e: OverlayEntry) => Json = (e) => e.record,
): Generator<Row> {
  const generated = function* (): Generator<Row> {
    for (let p = tl.after(ts, seq); p < tl.count; p++) {
      const i = tl.posToIndex(p);
      const id = idOf(i);
      if (overlay.has(id)) continue;
      yield { ts: tl.tsAt(p), seq: p, id, render: () => render(i) };
    }
  };
  return mergeRows([generated(), overlayRows(overlay, ts, seq, renderOverlay)]);
}

/** Merges row generators that are each sorted by (ts, seq). */
export function* mergeRows(sources: Array<Iterator<Row>>): Generator<Row> {
  const heads: Array<Row | undefined> = sources.map((s) => s.next().value as Row | undefined);
  for (;;) {
    let best = -1;
    for (let k = 0; k < heads.length; k++) {
      const h = heads[k];
      if (!h) continue;
      const b = best >= 0 ? heads[best] : undefined;
      if (!b || h.ts < b.ts || (h.ts === b.ts && h.seq < b.seq)) best = k;
    }
    if (best < 0) return;
    const row = heads[best] as Row;
    const next = sources[best]?.next();
    heads[best] = next && !next.done ? next.value : undefined;
    yield row;
  }
}
