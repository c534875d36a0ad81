// `via`: how a ticket, audit or comment was created. `source.from`/`to` depend on the channel and `rel`
// names the relation (follow_up, merge, trigger, inbound); the shapes follow the Zendesk via object docs.

import { type RecordRng, seededHash } from '@singer-ts/sdk/testing';
import { talkLine } from './collections.js';
import { BASE } from './ids.js';
import type { Tenant } from './tenant.js';
import type { Json } from './util.js';

const EMPTY = (channel: string, rel: string | null = null): Json => ({
  channel,
  source: { from: {}, to: {}, rel },
});

function phone(t: Tenant, i: number, salt: number): { phone: string; formatted_phone: string } {
  const digits = String(seededHash(t.seed, i, salt) % 1_000_000).padStart(6, '0');
  return { phone: `+4512${digits}`, formatted_phone: `+45 12 ${digits.slice(0, 2)} ${digits.slice(2)}` };
}

/** A phone call's `via`: the caller and the Talk line it reached. */
export function voiceVia(t: Tenant, i: number, callerName: string | null): Json {
  return {
    channel: 'voice',
    source: {
      from: { ...phone(t, i, 0x77), name: callerName },
      to: { ...talkLine(i), name: 'Support hotline' },
      rel: 'inbound',
    },
  };
}

/** The `via` of ticket i (earlier tickets are follow-up and merge sources). */
export function ticketVia(t: Tenant, rng: RecordRng, i: number): Json {
  const k = rng.int(10);
  if (k < 3) {
    const u = t.endUserIndex(rng);
    return {
      channel: 'email',
      source: {
        from: {
          address: t.userEmail(u),
          name: t.userName(u),
          original_recipients: [`support@${t.subdomain}.zendesk.com`, t.userEmail(u)],
        },
        to: { name: 'Support', address: `support@${t.subdomain}.zendesk.com` },
        rel: null,
      },
    };
  }
  if (k < 4) return EMPTY('web');
  if (k < 5) return EMPTY('api');
  if (k < 6) return voiceVia(t, i, t.userName(t.endUserIndex(rng)));
  if (k < 7 && i > 0) {
    return {
      channel: 'web',
      source: {
        from: { ticket_id: t.ticketId(rng.int(i)), subject: 'Earlier ticket' },
        to: {},
        rel: 'follow_up',
      },
    };
  }
  if (k < 8 && i > 1) {
    const a = rng.int(i);
    return {
      channel: 'web',
      source: {
        from: { ticket_ids: [t.ticketId(a), t.ticketId((a + 1) % i)], subject: 'Merged requests' },
        to: {},
        rel: 'merge',
      },
    };
  }
  if (k < 9) return ruleVia(rng);
  return EMPTY('mobile_sdk', 'mobile_sdk');
}

/** A trigger's `via` (notifications, automatic replies). */
export function ruleVia(rng: RecordRng): Json {
  const n = rng.int(4);
  return {
    channel: 'rule',
    source: {
      from: {
        id: BASE.macro + 800 + n * 8,
        title: [
          'Notify requester of received request',
          'Auto-reply',
          'Notify assignee of update',
          'Escalate VIP',
        ][n],
        deleted: n === 3,
        revision_id: 1 + rng.int(9),
      },
      to: {},
      rel: 'trigger',
    },
  };
}

/** A `via` whose source carries nothing (web form, API, mobile SDK). */
export const plainVia = EMPTY;
