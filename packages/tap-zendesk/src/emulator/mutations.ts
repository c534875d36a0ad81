// The mutation overlay: changes made through the control API replace generated records, and a ticket
// change also leaves an audit (history) and a ticket event, stamped with the emulator clock.
import { BASE } from './ids.js';
import type { OverlayEntry, Row, TicketChange } from './rows.js';
import type { Tenant } from './tenant.js';
import { iso, type Json } from './util.js';

export class NotFound extends Error {}

/**
 * Updates a ticket at time `now` (Unix seconds): bumps generated_timestamp and, unless `system`, updated_at,
 * and records an audit and a ticket event. Returns the new record.
 */
export function updateTicket(
  t: Tenant,
  id: number,
  patch: Json,
  now: number,
  opts: { system?: boolean; comment?: string } = {},
): Json {
  const i = t.ticketIndex(id);
  if (i < 0) throw new NotFound(`ticket ${id}`);
  const prev = t.ticketAt(i);
  const record: Json = { ...prev };
  const changes: TicketChange['changes'] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'id' || k === 'url' || k === 'created_at') continue;
    if (JSON.stringify(prev[k]) !== JSON.stringify(v))
      changes.push({ field: k, previous: prev[k], value: v });
    record[k] = v;
  }
  if (patch.custom_fields !== undefined) record.fields = patch.custom_fields;
  if (typeof patch.subject === 'string') record.raw_subject = patch.subject;
  const system = opts.system === true;
  if (!system) record.updated_at = iso(now);
  record.generated_timestamp = now;
  const seq = t.nextSeq();
  const history = [...(t.ticketOverlay.get(id)?.history ?? [])];
  const authorId = t.userId(0);
  history.push({ ts: now, seq, system, authorId, changes, comment: opts.comment });
  t.ticketOverlay.set(id, { id, index: i, record, ts: now, seq, history });
  if (!system) {
    const eventId = BASE.ticketEvent + seq;
    const child = changes.map((c, n) => ({
      id: BASE.overlayAudit + seq * 16 + 2 + n,
      via: 'Web service',
      via_reference_id: null,
      [c.field]: c.value,
      previous_value: c.previous,
      event_type: 'Change',
    }));
    const row: Row = {
      ts: now,
      seq,
      id: eventId,
      render: () => ({
        id: eventId,
        ticket_id: id,
        timestamp: now,
        created_at: iso(now),
        updater_id: authorId,
        via: 'Web service',
        system: {},
        merged_ticket_ids: [],
        event_type: 'Update',
        child_events: child,
      }),
    };
    t.overlayEvents.push(row);
    t.overlayEvents.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  }
  return record;
}

/** Applies a patch to a generated user or organization, stamping `updated_at`, in the overlay. */
export function patchRecord(
  t: Tenant,
  kind: string,
  map: Map<number, OverlayEntry>,
  id: number,
  index: number,
  at: (index: number) => Json,
  patch: Json,
  now: number,
): Json {
  if (index < 0) throw new NotFound(`${kind} ${id}`);
  const record = { ...at(index), ...patch, id, updated_at: iso(now) };
  map.set(id, { id, index, record, ts: now, seq: t.nextSeq(), history: [] });
  return record;
}
