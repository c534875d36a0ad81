// The field-definition endpoints: /ticket_fields, /user_fields and /organization_fields.

import { RecordRng } from '@singer-ts/sdk/testing';
import { type KeyedFieldDef, ORGANIZATION_FIELDS, USER_FIELDS } from './custom-fields.js';
import { BASE, idOf, SALT } from './ids.js';
import type { Tenant } from './tenant.js';
import { iso, type Json } from './util.js';

const SYSTEM_TICKET_FIELDS: Array<[string, string, string[]?]> = [
  ['subject', 'Subject'],
  ['description', 'Description'],
  ['status', 'Status', ['new', 'open', 'pending', 'hold', 'solved', 'closed']],
  ['tickettype', 'Type', ['question', 'incident', 'problem', 'task']],
  ['priority', 'Priority', ['low', 'normal', 'high', 'urgent']],
  ['group', 'Group'],
  ['assignee', 'Assignee'],
];

export function ticketFields(t: Tenant): Json[] {
  const out: Json[] = [];
  const field = (id: number, k: number, type: string, title: string, extra: Json): Json => {
    const rng = new RecordRng(t.seed, SALT.field, k);
    const created = t.randomTime(rng);
    const custom = k >= SYSTEM_TICKET_FIELDS.length;
    return {
      url: t.url(`ticket_fields/${id}`),
      id,
      type,
      title,
      raw_title: title,
      description: `${title} of the request`,
      raw_description: `${title} of the request`,
      position: k,
      active: k !== SYSTEM_TICKET_FIELDS.length + 1,
      required: k === 0,
      collapsed_for_agents: k === SYSTEM_TICKET_FIELDS.length + 1,
      regexp_for_validation: type === 'regexp' ? '^SN-\\d{4}-[A-Z]{2}$' : null,
      title_in_portal: title,
      raw_title_in_portal: title,
      visible_in_portal: k < 2 || (custom && k % 2 === 0),
      editable_in_portal: k < 2 || (custom && k % 2 === 0),
      required_in_portal: k === 0,
      tag: type === 'checkbox' ? 'vip_customer' : null,
      created_at: iso(created),
      updated_at: iso(created + rng.int(t.end - created)),
      removable: custom,
      agent_description: custom ? `Fill in: ${title.toLowerCase()}` : '',
      // System fields have no creator; custom ones were made by the owner, one of them by an app.
      creator_user_id: custom ? t.userId(0) : null,
      creator_app_name: type === 'lookup' ? 'Salesforce' : null,
      ...extra,
    };
  };
  SYSTEM_TICKET_FIELDS.forEach(([type, title, values], k) => {
    const extra: Json = {};
    if (values) {
      extra.system_field_options = values.map((value) => ({
        name: value.charAt(0).toUpperCase() + value.slice(1),
        value,
      }));
      if (type !== 'tickettype') extra.sub_type_id = 0;
    }
    out.push(field(idOf(t.seed, BASE.field, SALT.field, k), k, type, title, extra));
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
    if (f.type === 'lookup') {
      extra.relationship_target_type = 'zen:organization';
      extra.relationship_filter = {
        all: [{ field: 'tags', operator: 'includes', value: 'customer' }],
        any: [],
      };
    }
    out.push(field(f.id, SYSTEM_TICKET_FIELDS.length + n, f.type, f.title, extra));
  });
  return out;
}

export function userFields(t: Tenant): Json[] {
  return fieldDefs(t, 'user_fields', BASE.userField, SALT.userField, USER_FIELDS);
}

export function organizationFields(t: Tenant): Json[] {
  return fieldDefs(t, 'organization_fields', BASE.orgField, SALT.orgField, ORGANIZATION_FIELDS);
}

function fieldDefs(t: Tenant, path: string, base: number, salt: number, defs: KeyedFieldDef[]): Json[] {
  return defs.map((f, k) => {
    const rng = new RecordRng(t.seed, salt, k);
    const id = base + k * 8;
    const created = t.randomTime(rng);
    const def: Json = {
      url: t.url(`${path}/${id}`),
      id,
      type: f.type,
      key: f.key,
      title: f.title,
      raw_title: f.title,
      description: `${f.title} (synced from the CRM)`,
      raw_description: `${f.title} (synced from the CRM)`,
      position: k,
      active: k !== defs.length - 2 || rng.chance(0.5),
      system: false,
      regexp_for_validation: f.pattern ?? null,
      created_at: iso(created),
      updated_at: iso(created + rng.int(t.end - created)),
    };
    if (f.type === 'checkbox') def.tag = `${f.key}_yes`;
    if (f.options) {
      def.custom_field_options = f.options.map((v, n) => ({
        id: base + 1000 + k * 16 + n,
        name: v.replace(/_/g, ' '),
        raw_name: v.replace(/_/g, ' '),
        value: v,
        default: n === 0,
      }));
    }
    if (f.target) def.relationship_target_type = f.target;
    return def;
  });
}
