// Custom fields: the ticket field definitions behind `custom_fields`, and their generated values.
import { BASE, idOf, SALT } from './ids.js';
import type { RecordRng } from './rng.js';
import type { Tenant } from './tenant.js';
import { SENTENCES } from './vocab.js';

export interface CustomFieldDef {
  id: number;
  type: string;
  title: string;
  options?: Array<{ id: number; name: string; value: string }>;
}

/** One ticket field of every custom type Zendesk has. */
export function buildTicketCustomFields(seed: number): CustomFieldDef[] {
  const id = (k: number) => idOf(seed, BASE.field, SALT.field, k);
  const opt = (field: number, values: string[]) =>
    values.map((v, n) => ({ id: BASE.option + field * 16 + n, name: v.replace(/_/g, ' '), value: v }));
  return [
    { id: id(10), type: 'text', title: 'Order number' },
    { id: id(11), type: 'textarea', title: 'Internal notes' },
    { id: id(12), type: 'integer', title: 'Seats' },
    { id: id(13), type: 'decimal', title: 'Refund amount' },
    { id: id(14), type: 'checkbox', title: 'VIP customer' },
    { id: id(15), type: 'date', title: 'Renewal date' },
    {
      id: id(16),
      type: 'tagger',
      title: 'Product',
      options: opt(16, ['product_widget', 'product_gadget', 'product_gizmo', 'product_überding']),
    },
    {
      id: id(17),
      type: 'multiselect',
      title: 'Affected regions',
      options: opt(17, ['region_eu', 'region_us', 'region_apac']),
    },
    { id: id(18), type: 'regexp', title: 'Serial number' },
    { id: id(19), type: 'lookup', title: 'Related organization' },
  ];
}

/** Values as the ticket APIs send them: numbers as strings, multiselect as arrays, checkboxes as booleans. */
export function ticketCustomFieldValues(t: Tenant, rng: RecordRng): Array<{ id: number; value: unknown }> {
  return t.customFields.map((f) => {
    const empty = rng.chance(0.25);
    let value: unknown = null;
    switch (f.type) {
      case 'text':
        value = empty ? null : `ORD-${rng.int(1_000_000)}`;
        break;
      case 'textarea':
        value = empty ? null : rng.pick(SENTENCES);
        break;
      case 'integer':
        value = empty ? null : String(rng.int(5000));
        break;
      case 'decimal':
        value = empty ? null : `${rng.int(1000)}.${String(rng.int(100)).padStart(2, '0')}`;
        break;
      case 'checkbox':
        value = rng.chance(0.3);
        break;
      case 'date':
        value = empty ? null : t.dateValue(rng, 'ticket');
        break;
      case 'tagger':
        value = empty ? null : (rng.pick(f.options ?? []) as { value: string }).value;
        break;
      case 'multiselect': {
        if (empty) {
          value = null;
          break;
        }
        const opts = f.options ?? [];
        value = opts.filter(() => rng.chance(0.4)).map((o) => o.value);
        break;
      }
      case 'regexp':
        value = empty ? null : `SN-${String(rng.int(10000)).padStart(4, '0')}-AB`;
        break;
      case 'lookup':
        value = empty ? null : t.orgId(rng.int(t.orgCount));
        break;
      default:
        value = null;
    }
    return { id: f.id, value };
  });
}
