// Id spaces and salts of the generated tenant. Every id is a pure function of (seed, kind, index), so a
// record can be found from its id and generated again without holding the tenant in memory.
import { hashString, seededHash } from '@singer-ts/sdk/testing';

export const SALT = {
  ticket: hashString('ticket'),
  user: hashString('user'),
  org: hashString('organization'),
  group: hashString('group'),
  membership: hashString('group_membership'),
  field: hashString('ticket_field'),
  form: hashString('ticket_form'),
  macro: hashString('macro'),
  sla: hashString('sla_policy'),
  rating: hashString('satisfaction_rating'),
  audit: hashString('audit'),
  userField: hashString('user_field'),
  orgField: hashString('organization_field'),
  phone: hashString('phone_number'),
  attachment: hashString('attachment'),
} as const;

/** Id spaces: all above 2^32 and far below 2^53. */
export const BASE = {
  ticket: 4_300_000_000,
  user: 360_000_000_000,
  org: 370_000_000_000,
  group: 380_000_000_000,
  membership: 381_000_000_000,
  field: 390_000_000_000,
  option: 391_000_000_000,
  form: 392_000_000_000,
  macro: 393_000_000_000,
  sla: 394_000_000_000,
  userField: 395_000_000_000,
  orgField: 396_000_000_000,
  phone: 397_000_000_000,
  brand: 398_000_000_001,
  rating: 400_000_000_000,
  sharing: 401_000_000_000,
  schedule: 402_000_000_000,
  greeting: 403_000_000_000,
  attachment: 500_000_000_000,
  audit: 10_000_000_000_000,
  event: 20_000_000_000_000,
  ticketEvent: 30_000_000_000_000,
  metricSet: 40_000_000_000_000,
  metricEvent: 50_000_000_000_000,
  overlayAudit: 60_000_000_000_000,
} as const;

/** Sequence numbers of mutations start here, above every generated export position. */
export const OVERLAY_SEQ = 2 ** 42;

/** Id of record i of a kind: 8 slots per index with a seeded offset, so ids are not dense. */
export function idOf(seed: number, base: number, salt: number, i: number): number {
  return base + i * 8 + (seededHash(seed ^ salt, i, 0x1d) & 7);
}

/** Index of an id of a kind, or -1 when no generated record has it. */
export function indexOfId(seed: number, base: number, salt: number, count: number, id: number): number {
  if (!Number.isSafeInteger(id) || id < base) return -1;
  const i = Math.floor((id - base) / 8);
  return i < count && idOf(seed, base, salt, i) === id ? i : -1;
}
