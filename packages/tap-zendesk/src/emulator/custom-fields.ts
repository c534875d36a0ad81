// Custom fields: the ticket field definitions behind `custom_fields`, and their generated values.

import type { RecordRng } from '@singer-ts/sdk/testing';
import { BASE, idOf, SALT } from './ids.js';
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

/** A user or organization field definition: `key` is the property of `user_fields`/`organization_fields`. */
export interface KeyedFieldDef {
  key: string;
  type: string;
  title: string;
  options?: string[];
  /** `regexp` fields: the pattern values must match. */
  pattern?: string;
  /** `lookup` fields: what the id points at. */
  target?: 'zen:user' | 'zen:organization' | 'zen:ticket';
}

/** One user field of every type Zendesk offers for users. */
export const USER_FIELDS: KeyedFieldDef[] = [
  { key: 'plan_tier', type: 'dropdown', title: 'Plan tier', options: ['free', 'pro', 'enterprise'] },
  { key: 'signup_date', type: 'date', title: 'Signup date' },
  { key: 'loyalty_points', type: 'integer', title: 'Loyalty points' },
  { key: 'newsletter', type: 'checkbox', title: 'Newsletter' },
  { key: 'nps_score', type: 'decimal', title: 'NPS score' },
  { key: 'employee_code', type: 'text', title: 'Employee code' },
  { key: 'support_notes', type: 'textarea', title: 'Support notes' },
  { key: 'customer_number', type: 'regexp', title: 'Customer number', pattern: '^C-\\d{6}$' },
  {
    key: 'preferred_channels',
    type: 'multiselect',
    title: 'Preferred channels',
    options: ['channel_email', 'channel_phone', 'channel_chat'],
  },
  { key: 'account_manager', type: 'lookup', title: 'Account manager', target: 'zen:user' },
];

/** One organization field of every type Zendesk offers for organizations. */
export const ORGANIZATION_FIELDS: KeyedFieldDef[] = [
  { key: 'account_tier', type: 'dropdown', title: 'Account tier', options: ['bronze', 'silver', 'gold'] },
  { key: 'contract_start', type: 'date', title: 'Contract start' },
  { key: 'arr', type: 'decimal', title: 'ARR' },
  { key: 'seats', type: 'integer', title: 'Seats' },
  { key: 'priority_support', type: 'checkbox', title: 'Priority support' },
  { key: 'industry', type: 'text', title: 'Industry' },
  { key: 'account_notes', type: 'textarea', title: 'Account notes' },
  { key: 'vat_number', type: 'regexp', title: 'VAT number', pattern: '^[A-Z]{2}\\d{8}$' },
  {
    key: 'regions',
    type: 'multiselect',
    title: 'Regions',
    options: ['region_emea', 'region_amer', 'region_apac'],
  },
  { key: 'parent_organization', type: 'lookup', title: 'Parent organization', target: 'zen:organization' },
];

/**
 * `user_fields`/`organization_fields` values, typed as Zendesk sends them on users and organizations:
 * integers and decimals as JSON numbers, checkboxes as booleans, multiselect as an array of option
 * values, lookups as the target's id, dates as strings. About one value in eight is null (unset).
 */
export function keyedFieldValues(
  t: Tenant,
  rng: RecordRng,
  defs: KeyedFieldDef[],
  dateStyle: 'ticket' | 'org',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of defs) {
    if (f.type !== 'checkbox' && rng.chance(0.12)) {
      out[f.key] = null;
      continue;
    }
    const options = f.options ?? [];
    switch (f.type) {
      case 'dropdown':
        out[f.key] = rng.pick(options);
        break;
      case 'multiselect':
        out[f.key] = options.filter((_, n) => n === 0 || rng.chance(0.4));
        break;
      case 'date':
        out[f.key] = t.dateValue(rng, dateStyle);
        break;
      case 'integer':
        out[f.key] = rng.int(10_000);
        break;
      case 'decimal':
        out[f.key] = rng.int(1_000_000) / 100;
        break;
      case 'checkbox':
        out[f.key] = rng.chance(0.5);
        break;
      case 'regexp':
        out[f.key] =
          f.key === 'vat_number'
            ? `DK${String(rng.int(1e8)).padStart(8, '0')}`
            : `C-${String(rng.int(1e6)).padStart(6, '0')}`;
        break;
      case 'lookup':
        out[f.key] =
          f.target === 'zen:organization' ? t.orgId(rng.int(t.orgCount)) : t.userId(t.agentIndex(rng));
        break;
      case 'textarea':
        out[f.key] = `${rng.pick(SENTENCES)}\n${rng.pick(SENTENCES)}`;
        break;
      default:
        out[f.key] = rng.pick(SENTENCES).slice(0, 40);
    }
  }
  return out;
}
