// Users and organizations as the incremental exports and lists return them.
import { SALT } from './ids.js';
import { hash, RecordRng } from './rng.js';
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
  const h = hash(t.seed ^ SALT.user, u, 0xe3);
  return `user${u}.${h % 1000}@example.${['com', 'dk', 'jp', 'de'][(h >>> 10) % 4]}`;
}

export function baseUser(t: Tenant, u: number): Json {
  const rng = new RecordRng(t.seed, SALT.user, u);
  const id = t.userId(u);
  const pos = t.users.indexToPos(u);
  const updated = t.users.tsAt(pos);
  const created = Math.min(t.users.createdAt(u), updated);
  const name = userName(t, u);
  const role = u === 0 ? 'admin' : u < t.agentCount ? (rng.chance(0.2) ? 'admin' : 'agent') : 'end-user';
  const orgIdx = t.userOrgIndex(u);
  const active = u < t.agentCount || !rng.chance(0.03);
  const tz = rng.pick(TIME_ZONES);
  const email = userEmail(t, u);
  return {
    id,
    url: t.url(`users/${id}`),
    name,
    email,
    created_at: iso(created),
    updated_at: iso(updated),
    time_zone: tz,
    iana_time_zone: IANA_ZONES[tz] ?? 'Etc/UTC',
    phone: rng.chance(0.3) ? `+45 ${rng.int(100000000)}` : null,
    shared_phone_number: null,
    photo: null,
    locale_id: 1 + rng.int(1500),
    locale: rng.pick(LOCALES),
    organization_id: orgIdx >= 0 ? t.orgId(orgIdx) : null,
    role,
    verified: rng.chance(0.8),
    external_id: rng.chance(0.1) ? `crm-${u}` : null,
    tags: TAGS.filter(() => rng.chance(0.05)),
    alias: '',
    active,
    shared: false,
    shared_agent: false,
    last_login_at: rng.chance(0.6) ? iso(updated) : null,
    two_factor_auth_enabled: null,
    signature: null,
    details: '',
    notes: '',
    role_type: null,
    custom_role_id: null,
    moderator: role !== 'end-user',
    ticket_restriction: role === 'end-user' ? 'requested' : null,
    only_private_comments: false,
    restricted_agent: role === 'agent',
    suspended: !active && rng.chance(0.5),
    default_group_id: role !== 'end-user' ? t.groupId(rng.int(10)) : null,
    report_csv: role === 'admin',
    user_fields: {
      plan_tier: rng.pick(['free', 'pro', 'enterprise', null]),
      signup_date: rng.chance(0.8) ? t.dateValue(rng, 'ticket') : null,
      loyalty_points: rng.chance(0.7) ? rng.int(10000) : null,
      newsletter: rng.chance(0.5),
    },
  };
}

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
    external_id: rng.chance(0.3) ? `org-${k}` : null,
    created_at: iso(created),
    updated_at: iso(updated),
    domain_names: rng.chance(0.6) ? [`org${k}.example`] : [],
    details: rng.chance(0.3) ? rng.pick(SENTENCES) : '',
    notes: '',
    group_id: rng.chance(0.3) ? t.groupId(rng.int(10)) : null,
    tags: TAGS.filter(() => rng.chance(0.06)),
    organization_fields: {
      account_tier: rng.pick(['bronze', 'silver', 'gold', null]),
      contract_start: rng.chance(0.8) ? t.dateValue(rng, 'org') : null,
      arr: rng.chance(0.7) ? `${rng.int(100000)}.00` : null,
    },
    deleted_at: deleted ? iso(updated) : null,
  };
}
