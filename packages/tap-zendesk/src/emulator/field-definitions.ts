// The field-definition endpoints: /ticket_fields, /user_fields and /organization_fields.
import { BASE, idOf, SALT } from './ids.js';
import { RecordRng } from './rng.js';
import type { Tenant } from './tenant.js';
import { iso, type Json } from './util.js';

export function ticketFields(t: Tenant): Json[] {
  const system: Array<[string, string]> = [
    ['subject', 'Subject'],
    ['description', 'Description'],
    ['status', 'Status'],
    ['tickettype', 'Type'],
    ['priority', 'Priority'],
    ['group', 'Group'],
    ['assignee', 'Assignee'],
  ];
  const out: Json[] = [];
  const field = (id: number, k: number, type: string, title: string, extra: Json): Json => {
    const rng = new RecordRng(t.seed, SALT.field, k);
    const created = t.randomTime(rng);
    return {
      url: t.url(`ticket_fields/${id}`),
      id,
      type,
      title,
      raw_title: title,
      description: '',
      raw_description: '',
      position: k,
      active: true,
      required: false,
      collapsed_for_agents: false,
      regexp_for_validation: type === 'regexp' ? '^SN-\\d{4}-[A-Z]{2}$' : null,
      title_in_portal: title,
      raw_title_in_portal: title,
      visible_in_portal: k < 2,
      editable_in_portal: k < 2,
      required_in_portal: k === 0,
      tag: null,
      created_at: iso(created),
      updated_at: iso(created + rng.int(t.end - created)),
      removable: k >= system.length,
      key: null,
      agent_description: null,
      ...extra,
    };
  };
  system.forEach(([type, title], k) => {
    out.push(field(idOf(t.seed, BASE.field, SALT.field, k), k, type, title, {}));
  });
  t.customFields.forEach((f, n) => {
    const extra: Json = {};
    if (f.options) {
      extra.custom_field_options = f.options.map((o, m) => ({
        id: o.id,
        name: o.name,
        raw_name: o.name,
        value: o.value,
        default: m === 0 && f.type === 'tagger',
      }));
    }
    if (f.type === 'lookup') extra.relationship_target_type = 'zen:organization';
    out.push(field(f.id, system.length + n, f.type, f.title, extra));
  });
  return out;
}

export function userFields(t: Tenant): Json[] {
  return fieldDefs(t, 'user_fields', BASE.userField, SALT.userField, [
    ['plan_tier', 'dropdown', 'Plan tier', ['free', 'pro', 'enterprise']],
    ['signup_date', 'date', 'Signup date'],
    ['loyalty_points', 'integer', 'Loyalty points'],
    ['newsletter', 'checkbox', 'Newsletter'],
  ]);
}

export function organizationFields(t: Tenant): Json[] {
  return fieldDefs(t, 'organization_fields', BASE.orgField, SALT.orgField, [
    ['account_tier', 'dropdown', 'Account tier', ['bronze', 'silver', 'gold']],
    ['contract_start', 'date', 'Contract start'],
    ['arr', 'decimal', 'ARR'],
  ]);
}

function fieldDefs(
  t: Tenant,
  path: string,
  base: number,
  salt: number,
  defs: Array<[string, string, string, string[]?]>,
): Json[] {
  return defs.map(([key, type, title, options], k) => {
    const rng = new RecordRng(t.seed, salt, k);
    const id = base + k * 8;
    const created = t.randomTime(rng);
    const def: Json = {
      url: t.url(`${path}/${id}`),
      id,
      type,
      key,
      title,
      raw_title: title,
      description: '',
      raw_description: '',
      position: k,
      active: true,
      system: false,
      regexp_for_validation: null,
      created_at: iso(created),
      updated_at: iso(created + rng.int(t.end - created)),
    };
    if (options) {
      def.custom_field_options = options.map((v, n) => ({
        id: base + 1000 + k * 16 + n,
        name: v,
        raw_name: v,
        value: v,
      }));
    }
    return def;
  });
}
