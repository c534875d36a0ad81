// Users and organizations as the incremental exports and lists return them.

import { RecordRng, seededHash } from '@singer-ts/sdk/testing';
import { photo } from './attachments.js';
import { keyedFieldValues, ORGANIZATION_FIELDS, USER_FIELDS } from './custom-fields.js';
import { SALT } from './ids.js';
import type { Tenant } from './tenant.js';
import { iso, type Json } from './util.js';
import {
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  IANA_ZONES,
  LAST_NAMES,
  LOCALES,
  SENTENCES,
  TAGS,
  TIME_ZONES,
} from './vocab.js';

export function personName(rng: RecordRng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

export function userName(t: Tenant, u: number): string {
  return u === 0 ? 'Account Owner' : personName(new RecordRng(t.seed, SALT.user ^ 0x4e, u));
}

export function userEmail(t: Tenant, u: number): string {
  if (u === 0) return t.adminEmail;
  const h = seededHash(t.seed ^ SALT.user, u, 0xe3);
  return `user${u}.${h % 1000}@example.${['com', 'dk', 'jp', 'de'][(h >>> 10) % 4]}`;
}

/** `role_type` of an agent: 0 custom role, 1 light agent, 2 chat agent, 3 contributor, 4 admin, 5 billing admin. */
const AGENT_ROLE_TYPES = [0, 0, 0, 1, 2, 3] as const;

export function baseUser(t: Tenant, u: number): Json {
  const rng = new RecordRng(t.seed, SALT.user, u);
  const id = t.userId(u);
  const pos = t.users.indexToPos(u);
  const updated = t.users.tsAt(pos);
  const created = Math.min(t.users.createdAt(u), updated);
  const name = userName(t, u);
  const role = u === 0 ? 'admin' : u < t.agentCount ? (rng.chance(0.2) ? 'admin' : 'agent') : 'end-user';
  const staff = role !== 'end-user';
  const orgIdx = t.userOrgIndex(u);
  const active = u < t.agentCount || !rng.chance(0.03);
  const tz = rng.pick(TIME_ZONES);
  const email = userEmail(t, u);
  const phone = rng.chance(0.8) ? `+45 ${String(20_000_000 + rng.int(80_000_000))}` : null;
  const roleType =
    role === 'admin' ? (u === 0 ? 4 : rng.pick([4, 5])) : staff ? rng.pick(AGENT_ROLE_TYPES) : null;
  return {
    id,
    url: t.url(`users/${id}`),
    name,
    email,
    created_at: iso(created),
    updated_at: iso(updated),
    time_zone: tz,
    iana_time_zone: IANA_ZONES[tz] ?? 'Etc/UTC',
    phone,
    // Only meaningful with a phone number: whether others share it (then it is not used to identify the user).
    shared_phone_number: phone === null ? null : rng.chance(0.1),
    photo: staff || rng.chance(0.7) ? photo(t, id, rng) : null,
    locale_id: 1 + rng.int(1500),
    locale: rng.pick(LOCALES),
    organization_id: orgIdx >= 0 ? t.orgId(orgIdx) : null,
    role,
    verified: rng.chance(0.8),
    external_id: rng.chance(0.6) ? `crm-${u}` : null,
    tags: TAGS.filter(() => rng.chance(0.15)),
    alias: staff ? name.split(' ')[0] : '',
    active,
    shared: rng.chance(0.05),
    shared_agent: staff && rng.chance(0.05),
    last_login_at: staff || rng.chance(0.6) ? iso(updated - rng.int(86_400)) : null,
    two_factor_auth_enabled: staff ? rng.chance(0.7) : false,
    signature: staff ? `${name}\n${t.subdomain} support` : null,
    details: rng.pick(SENTENCES),
    notes: rng.chance(0.7) ? rng.pick(SENTENCES) : '',
    role_type: roleType,
    custom_role_id: staff ? CUSTOM_ROLE_BASE + (roleType ?? 0) : null,
    moderator: staff,
    ticket_restriction: staff
      ? role === 'admin'
        ? null
        : rng.pick(['assigned', 'groups', 'organization'])
      : 'requested',
    only_private_comments: staff && rng.chance(0.1),
    restricted_agent: role === 'agent',
    suspended: !active && rng.chance(0.5),
    chat_only: roleType === 2,
    default_group_id: staff ? t.groupId(rng.int(10)) : null,
    report_csv: role === 'admin',
    permanently_deleted: false,
    user_fields: keyedFieldValues(t, rng, USER_FIELDS, 'ticket'),
  };
}

/** Custom agent roles have ids of their own; one per role type here. */
const CUSTOM_ROLE_BASE = 360_000_100;

export function baseOrg(t: Tenant, k: number): Json {
  const rng = new RecordRng(t.seed, SALT.org, k);
  const id = t.orgId(k);
  const pos = t.orgs.indexToPos(k);
  const updated = t.orgs.tsAt(pos);
  const created = Math.min(t.orgs.createdAt(k), updated);
  const name = `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_SUFFIXES)} ${k + 1}`.replace(/ {2}/g, ' ');
  const deleted = rng.chance(0.03);
  return {
    url: t.url(`organizations/${id}`),
    id,
    name,
    shared_tickets: rng.chance(0.2),
    shared_comments: rng.chance(0.1),
    external_id: rng.chance(0.7) ? `org-${k}` : null,
    created_at: iso(created),
    updated_at: iso(updated),
    domain_names: rng.chance(0.8)
      ? [`org${k}.example`, ...(rng.chance(0.3) ? [`org${k}.example.dk`] : [])]
      : [],
    details: rng.pick(SENTENCES),
    notes: rng.chance(0.7) ? rng.pick(SENTENCES) : '',
    group_id: rng.chance(0.7) ? t.groupId(rng.int(10)) : null,
    tags: TAGS.filter(() => rng.chance(0.15)),
    organization_fields: keyedFieldValues(t, rng, ORGANIZATION_FIELDS, 'org'),
    deleted_at: deleted ? iso(updated) : null,
  };
}
