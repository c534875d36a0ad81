import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { get, ISO_SECONDS, type J, start } from './emulator-helpers.js';

/** JSON type names as a schema would name them. */
const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

function expectAttachment(a: J): void {
  expect(a).toMatchObject({
    id: expect.any(Number),
    file_name: expect.any(String),
    content_url: expect.stringMatching(/^https:\/\//),
    mapped_content_url: expect.any(String),
    content_type: expect.stringMatching(/^[a-z]+\/[a-z.+-]+$/),
    size: expect.any(Number),
    inline: expect.any(Boolean),
    url: expect.any(String),
  });
  if (a.content_type.startsWith('image/')) {
    expect(Number.isInteger(a.width) && Number.isInteger(a.height)).toBe(true);
  } else {
    expect([a.width, a.height]).toEqual([null, null]);
  }
}

describe('generated data follows the Zendesk API reference', () => {
  let em: ZendeskEmulator;
  let users: J[];
  let tickets: J[];
  beforeAll(async () => {
    em = await start({ tickets: 400, seed: 3 });
    users = (await get(em, '/api/v2/incremental/users/cursor.json?start_time=0')).json.users;
    tickets = (await get(em, '/api/v2/incremental/tickets/cursor.json?start_time=0')).json.tickets;
  });
  afterAll(() => em.close());

  it('users: photo is an attachment with thumbnails, role_type an integer, shared_phone_number a boolean', () => {
    const photos = users.filter((u) => u.photo !== null);
    expect(photos.length / users.length).toBeGreaterThan(0.5);
    for (const u of photos) {
      expectAttachment(u.photo);
      expect(u.photo.thumbnails).toHaveLength(1);
      expectAttachment(u.photo.thumbnails[0]);
      expect(u.photo.thumbnails[0]).toMatchObject({ width: 80, height: 80 });
    }
    const staff = users.filter((u) => u.role !== 'end-user');
    expect(staff.length).toBeGreaterThan(0);
    for (const u of staff) expect([0, 1, 2, 3, 4, 5]).toContain(u.role_type);
    for (const u of users.filter((x) => x.role === 'end-user')) expect(u.role_type).toBeNull();
    const phones = users.filter((u) => u.phone !== null);
    expect(phones.length / users.length).toBeGreaterThan(0.6);
    for (const u of phones) expect(typeof u.shared_phone_number).toBe('boolean');
    for (const u of users) {
      expect(typeof u.chat_only).toBe('boolean');
      expect(u.permanently_deleted).toBe(false);
    }
  });

  it('user and organization fields: one definition of every Zendesk type, values typed as Zendesk sends them', async () => {
    const expectedTypes = {
      text: ['string'],
      textarea: ['string'],
      regexp: ['string'],
      date: ['string'],
      dropdown: ['string'],
      integer: ['integer'],
      decimal: ['number', 'integer'],
      checkbox: ['boolean'],
      multiselect: ['array'],
      lookup: ['integer'],
    } as Record<string, string[]>;
    const orgs = (await get(em, '/api/v2/incremental/organizations.json?start_time=0')).json.organizations;
    for (const [endpoint, records, property] of [
      ['user_fields', users, 'user_fields'],
      ['organization_fields', orgs, 'organization_fields'],
    ] as const) {
      const defs = (await get(em, `/api/v2/${endpoint}.json`)).json[endpoint];
      expect(new Set(defs.map((d: J) => d.type))).toEqual(new Set(Object.keys(expectedTypes)));
      for (const def of defs) {
        if (def.type === 'dropdown' || def.type === 'multiselect') {
          expect(def.custom_field_options.length).toBeGreaterThan(1);
          for (const o of def.custom_field_options)
            expect(o).toMatchObject({
              id: expect.any(Number),
              name: expect.any(String),
              value: expect.any(String),
            });
        }
        if (def.type === 'regexp') expect(def.regexp_for_validation).toEqual(expect.any(String));
        if (def.type === 'lookup') expect(def.relationship_target_type).toMatch(/^zen:/);
        const values = records.map((r: J) => r[property][def.key]);
        const set = values.filter((v: unknown) => v !== null);
        expect(set.length / values.length, `${endpoint}.${def.key}`).toBeGreaterThan(0.7);
        for (const v of set)
          expect(expectedTypes[def.type], `${def.key}=${JSON.stringify(v)}`).toContain(typeOf(v));
        const options = (def.custom_field_options ?? []).map((o: J) => o.value);
        if (def.type === 'dropdown') for (const v of set) expect(options).toContain(v);
        if (def.type === 'multiselect') for (const v of set) for (const x of v) expect(options).toContain(x);
        if (def.type === 'regexp')
          for (const v of set) expect(v).toMatch(new RegExp(def.regexp_for_validation));
      }
    }
  });

  it('via: every channel shape with source from/to/rel (email, voice, follow-up, merge, trigger)', () => {
    const rels = new Set(tickets.map((t) => t.via.source.rel));
    for (const rel of [null, 'inbound', 'follow_up', 'merge', 'trigger']) expect(rels).toContain(rel);
    const byRel = (rel: string | null, channel?: string) =>
      tickets.find((t) => t.via.source.rel === rel && (!channel || t.via.channel === channel)).via.source;
    expect(byRel(null, 'email').from).toMatchObject({
      address: expect.any(String),
      name: expect.any(String),
      original_recipients: expect.any(Array),
    });
    expect(byRel(null, 'email').to).toMatchObject({ address: expect.any(String), name: expect.any(String) });
    expect(byRel('inbound').from).toMatchObject({
      phone: expect.any(String),
      formatted_phone: expect.any(String),
    });
    expect(byRel('inbound').to).toMatchObject({ phone: expect.any(String), name: expect.any(String) });
    expect(byRel('follow_up').from.ticket_id).toEqual(expect.any(Number));
    expect(byRel('merge').from.ticket_ids).toEqual([expect.any(Number), expect.any(Number)]);
    expect(byRel('trigger').from).toMatchObject({
      id: expect.any(Number),
      title: expect.any(String),
      deleted: expect.any(Boolean),
      revision_id: expect.any(Number),
    });
  });

  it('tickets: id lists, ratings and flags are filled in, not left empty', () => {
    const share = (f: (t: J) => boolean) => tickets.filter(f).length / tickets.length;
    expect(share((t) => t.collaborator_ids.length > 0)).toBeGreaterThan(0.4);
    expect(share((t) => t.email_cc_ids.length > 0)).toBeGreaterThan(0.3);
    expect(share((t) => t.external_id !== null)).toBeGreaterThan(0.4);
    const rated = tickets.filter((t) => t.satisfaction_rating?.id !== undefined);
    expect(rated.length).toBeGreaterThan(0);
    for (const t of rated)
      expect(t.satisfaction_rating).toMatchObject({
        id: expect.any(Number),
        score: expect.stringMatching(/good|bad/),
      });
    expect(tickets.some((t) => t.has_incidents === true)).toBe(true);
  });

  it('audits: voice comments with call data, attachments, and many event types', async () => {
    const types = new Set<string>();
    let voice: J | undefined;
    let attached: J | undefined;
    for (let i = 0; i < 60; i++) {
      const r = await get(em, `/api/v2/tickets/${em.tenant.ticketId(i)}/audits.json`);
      if (r.status !== 200) continue;
      for (const audit of r.json.audits) {
        expect(audit.metadata.system).toMatchObject({
          ip_address: expect.any(String),
          latitude: expect.any(Number),
        });
        for (const e of audit.events) {
          types.add(e.type);
          if (e.type === 'VoiceComment') voice ??= e;
          if (e.type === 'Comment' && e.attachments.length > 0) attached ??= e;
        }
      }
    }
    for (const t of [
      'Comment',
      'VoiceComment',
      'Create',
      'Change',
      'Notification',
      'AgentMacroReference',
      'Cc',
    ])
      expect(types).toContain(t);
    expect(voice).toMatchObject({
      public: false,
      formatted_from: expect.any(String),
      formatted_to: expect.any(String),
      transcription_visible: expect.any(Boolean),
      trusted: true,
      data: {
        from: expect.any(String),
        to: expect.any(String),
        recording_url: expect.stringMatching(/^https:/),
        call_duration: expect.any(Number),
        answered_by_id: expect.any(Number),
        answered_by_name: expect.any(String),
        transcription_text: expect.any(String),
        transcription_status: 'completed',
      },
    });
    expect(voice!.data.started_at).toMatch(ISO_SECONDS);
    for (const a of attached!.attachments) expectAttachment(a);
  });

  it('the comments endpoint lists voice comments next to ordinary ones, with via, metadata and created_at', async () => {
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      const id = em.tenant.ticketId(i);
      const r = await get(em, `/api/v2/tickets/${id}/comments.json`);
      if (r.status !== 200) continue;
      const audits = (await get(em, `/api/v2/tickets/${id}/audits.json`)).json.audits;
      const fromAudits = audits.flatMap((a: J) =>
        a.events.filter((e: J) => e.type === 'Comment' || e.type === 'VoiceComment').map((e: J) => e.id),
      );
      expect(r.json.comments.map((c: J) => c.id)).toEqual(fromAudits);
      const v = r.json.comments.find((c: J) => c.type === 'VoiceComment');
      if (!v) continue;
      found = true;
      expect(v).toMatchObject({
        via: { channel: 'voice' },
        metadata: expect.any(Object),
        data: expect.any(Object),
      });
      expect(v.created_at).toMatch(ISO_SECONDS);
    }
    expect(found).toBe(true);
  });

  it('SLA policies with filter conditions and policy metrics; macros with actions (arrays too)', async () => {
    const sla = (await get(em, '/api/v2/slas/policies.json')).json.sla_policies;
    for (const p of sla) {
      expect(p.filter.all.length + p.filter.any.length).toBeGreaterThan(0);
      for (const c of [...p.filter.all, ...p.filter.any])
        expect(c).toMatchObject({
          field: expect.any(String),
          operator: expect.any(String),
          value: expect.any(String),
        });
      expect(p.policy_metrics.length).toBeGreaterThan(3);
      for (const m of p.policy_metrics)
        expect(m).toMatchObject({
          priority: expect.any(String),
          metric: expect.any(String),
          target: expect.any(Number),
          business_hours: expect.any(Boolean),
        });
    }
    expect(sla.some((p: J) => p.filter.any.length > 0)).toBe(true);
    const macros = (await get(em, '/api/v2/macros.json?page[size]=100')).json.macros;
    const values = macros.flatMap((m: J) => m.actions.map((a: J) => typeOf(a.value)));
    expect(new Set(values)).toEqual(new Set(['string', 'array']));
    expect(macros.some((m: J) => m.restriction?.ids?.length > 0)).toBe(true);
  });

  it('ticket fields: custom_field_options on dropdowns, system_field_options on system fields', async () => {
    const fields = (await get(em, '/api/v2/ticket_fields.json')).json.ticket_fields;
    const tagger = fields.find((f: J) => f.type === 'tagger');
    expect(tagger.custom_field_options.length).toBeGreaterThan(1);
    for (const o of tagger.custom_field_options)
      expect(o).toMatchObject({
        id: expect.any(Number),
        name: expect.any(String),
        raw_name: expect.any(String),
        value: expect.any(String),
        default: expect.any(Boolean),
      });
    const status = fields.find((f: J) => f.type === 'status');
    expect(status.system_field_options.map((o: J) => o.value)).toContain('solved');
    expect(status.sub_type_id).toBe(0);
  });

  it('ticket_metric_events: time-ordered, with sla on apply_sla, status on update_status, deleted marked', async () => {
    const events: J[] = [];
    let url = '/api/v2/incremental/ticket_metric_events.json?start_time=0';
    for (let guard = 0; guard < 20; guard++) {
      const r = await get(em, url);
      expect(r.status).toBe(200);
      expect(r.json.end_time).toBe(
        r.json.ticket_metric_events.length
          ? Date.parse(r.json.ticket_metric_events.at(-1).time) / 1000
          : r.json.end_time,
      );
      events.push(...r.json.ticket_metric_events);
      if (r.json.count < 1000) break;
      url = r.json.next_page;
    }
    // Pages overlap on their boundary second (inclusive start_time): de-duplicate by id.
    const unique = new Map(events.map((e) => [e.id, e]));
    expect(unique.size).toBe(em.tenant.ticketCount * 4);
    const times = events.map((e) => e.time);
    expect([...times].sort()).toEqual(times);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['activate', 'apply_sla', 'update_status', 'fulfill']),
    );
    for (const e of events) {
      expect(e.time).toMatch(ISO_SECONDS);
      if (e.type === 'apply_sla')
        expect(e.sla).toMatchObject({
          target: expect.any(Number),
          business_hours: expect.any(Boolean),
          policy: { id: expect.any(Number), title: expect.any(String) },
        });
      if (e.type === 'update_status')
        expect(e.status).toMatchObject({ calendar: expect.any(Number), business: expect.any(Number) });
    }
    expect(events.some((e) => e.deleted === true)).toBe(true);
    // end_time bounds the next request: a later start_time leaves the earlier events out.
    const mid = Date.parse(events[Math.floor(events.length / 2)].time) / 1000;
    const later = (await get(em, `/api/v2/incremental/ticket_metric_events.json?start_time=${mid}`)).json;
    expect(later.ticket_metric_events.every((e: J) => Date.parse(e.time) / 1000 >= mid)).toBe(true);
  });

  it('talk phone numbers: 403 without Talk, every documented field with Talk, offset-paginated', async () => {
    const denied = await get(em, '/api/v2/channels/voice/phone_numbers.json');
    expect(denied.status).toBe(403);
    em.control.setFeatures({ talk: true });
    try {
      const r = await get(em, '/api/v2/channels/voice/phone_numbers.json');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        next_page: null,
        previous_page: null,
        count: r.json.phone_numbers.length,
      });
      for (const p of r.json.phone_numbers) {
        expect(p).toMatchObject({
          id: expect.any(Number),
          number: expect.stringMatching(/^\+\d+$/),
          display_number: expect.any(String),
          country_code: expect.stringMatching(/^[A-Z]{2}$/),
          capabilities: { sms: expect.any(Boolean), mms: expect.any(Boolean), voice: true },
          toll_free: expect.any(Boolean),
          group_ids: expect.any(Array),
          greeting_ids: expect.any(Array),
          default_greeting_ids: expect.any(Array),
          categorised_greetings: expect.any(Object),
          created_at: expect.stringMatching(ISO_SECONDS),
        });
      }
      const paged = await get(em, '/api/v2/channels/voice/phone_numbers.json?per_page=1');
      expect(paged.json.phone_numbers).toHaveLength(1);
      expect(paged.json.next_page).toContain('page=2');
    } finally {
      em.control.setFeatures({ talk: false });
    }
  });

  it('its guide needs nothing outside the repository', () => {
    const guide = readFileSync(new URL('../EMULATOR.md', import.meta.url), 'utf8');
    expect(guide).not.toMatch(/\/work\/|\.\.\/shared|reference\/zendesk\.md/);
  });

  it('is built from the vendor docs only: no emulator module reads the tap schemas', () => {
    const dir = new URL('../src/emulator/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/schemas\/|\.\.\/\.\.\/schemas|records\.js|streams\//);
    }
  });
});
