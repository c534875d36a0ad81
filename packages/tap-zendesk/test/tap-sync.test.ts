import { checkTapConformance, runConnector } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';
import { type AnyJson, configFor, discover, ids, select, startEmulator } from './tap-helpers.js';

describe('tap-zendesk against the emulator', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await startEmulator();
  });
  afterAll(async () => {
    await em.close();
  });

  it('discovers every stream with singer-io keys, replication keys and methods, plan gates and typed custom fields', async () => {
    const catalog = await discover(em);
    const byName = Object.fromEntries(catalog.streams.map((entry) => [entry.tap_stream_id, entry]));
    // singer-io/tap-zendesk 2.8's streams.py: key, replication key, replication method.
    const expected: Record<string, [string[], string | undefined, 'INCREMENTAL' | 'FULL_TABLE']> = {
      tickets: [['id'], 'generated_timestamp', 'INCREMENTAL'],
      users: [['id'], 'updated_at', 'INCREMENTAL'],
      organizations: [['id'], 'updated_at', 'INCREMENTAL'],
      ticket_events: [['id'], 'timestamp', 'INCREMENTAL'],
      ticket_metric_events: [['id'], 'time', 'INCREMENTAL'],
      groups: [['id'], 'updated_at', 'INCREMENTAL'],
      group_memberships: [['id'], 'updated_at', 'INCREMENTAL'],
      macros: [['id'], 'updated_at', 'INCREMENTAL'],
      ticket_fields: [['id'], 'updated_at', 'INCREMENTAL'],
      ticket_forms: [['id'], 'updated_at', 'INCREMENTAL'],
      satisfaction_ratings: [['id'], 'updated_at', 'INCREMENTAL'],
      tags: [['name'], undefined, 'FULL_TABLE'],
      sla_policies: [['id'], undefined, 'FULL_TABLE'],
      talk_phone_numbers: [['id'], undefined, 'FULL_TABLE'],
      ticket_audits: [['id'], undefined, 'INCREMENTAL'],
      ticket_comments: [['id'], undefined, 'INCREMENTAL'],
      ticket_metrics: [['id'], undefined, 'INCREMENTAL'],
    };
    expect(Object.keys(byName).sort()).toEqual(Object.keys(expected).sort());
    const root = (name: string) => byName[name]!.metadata.find((m) => m.breadcrumb.length === 0)!.metadata;
    for (const [name, [keys, replicationKey, method]] of Object.entries(expected)) {
      expect(byName[name]!.key_properties, name).toEqual(keys);
      expect(byName[name]!.replication_key ?? undefined, name).toBe(replicationKey);
      expect(root(name)['forced-replication-method'], name).toBe(method);
      expect(byName[name]!.replication_method, name).toBe(method);
    }
    expect(root('sla_policies')['plan-gated']).toMatch(/Professional/);
    expect(root('ticket_forms')['plan-gated']).toBeTruthy();
    expect(root('satisfaction_ratings')['plan-gated']).toMatch(/CSAT/);
    expect(root('talk_phone_numbers')['plan-gated']).toMatch(/Talk/);
    expect(root('tickets')['plan-gated']).toBeUndefined();
    expect(root('ticket_audits')['parent-tap-stream-id']).toBe('tickets');
    // Custom fields: ticket values of any JSON type; user/org fields typed from their definitions.
    const customValue = (byName.tickets!.schema.properties!.custom_fields as AnyJson).items.properties.value;
    expect(customValue.type).toEqual(
      expect.arrayContaining(['null', 'string', 'number', 'boolean', 'array']),
    );
    // User and organization fields: exactly Zendesk's field type, dropdown options as enum.
    const userFields = (byName.users!.schema.properties!.user_fields as AnyJson).properties;
    expect(userFields).toEqual({
      plan_tier: { type: ['null', 'string'], enum: ['free', 'pro', 'enterprise', null] },
      signup_date: { type: ['null', 'string'] },
      loyalty_points: { type: ['null', 'integer'] },
      newsletter: { type: ['null', 'boolean'] },
      nps_score: { type: ['null', 'number'] },
      employee_code: { type: ['null', 'string'] },
      support_notes: { type: ['null', 'string'] },
      customer_number: { type: ['null', 'string'] },
      preferred_channels: { type: ['null', 'array'], items: { type: ['null', 'string'] } },
      account_manager: { type: ['null', 'integer'] },
    });
    const orgFields = (byName.organizations!.schema.properties!.organization_fields as AnyJson).properties;
    expect(orgFields.account_tier).toEqual({
      type: ['null', 'string'],
      enum: ['bronze', 'silver', 'gold', null],
    });
    expect(orgFields.arr).toEqual({ type: ['null', 'number'] });
    expect(orgFields.seats).toEqual({ type: ['null', 'integer'] });
    expect(orgFields.parent_organization).toEqual({ type: ['null', 'integer'] });
  });

  it('full sync: every stream, deleted tickets with status "deleted", children per ticket, cursors in STATE', async () => {
    const result = await runConnector(TapZendesk, { config: configFor(em) });
    expect(result.exitCode, result.stderr).toBe(0);
    const tenant = em.tenant;
    const tickets = result.records('tickets');
    expect(new Set(ids(tickets)).size).toBe(tenant.ticketCount);
    const deleted = tickets.filter((t) => t.status === 'deleted');
    const deletedIds = Array.from({ length: tenant.ticketCount }, (_, i) => i)
      .filter((i) => tenant.ticketIsDeleted(i))
      .map((i) => tenant.ticketId(i));
    expect(deletedIds.length).toBeGreaterThan(0);
    expect(ids(deleted).sort()).toEqual(deletedIds.sort());
    expect(tickets.every((t) => !('fields' in t) && !('metric_set' in t))).toBe(true);
    // generated_timestamp ascending: the cursor export is ordered by it.
    const stamps = tickets.map((t) => t.generated_timestamp as number);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    const customValues = tickets.flatMap((t) =>
      (t.custom_fields as { value: unknown }[]).map((f) => f.value),
    );
    expect(
      new Set(customValues.map((v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v))),
    ).toEqual(new Set(['string', 'array', 'boolean', 'null', 'number']));

    const audits = result.records('ticket_audits');
    const auditTickets = new Set(audits.map((a) => a.ticket_id));
    for (const id of deletedIds) expect(auditTickets.has(id)).toBe(false);
    expect(auditTickets.size).toBe(tenant.ticketCount - deletedIds.length);
    const sampleIndex = tenant.ticketIndex(tickets.find((t) => t.status !== 'deleted')!.id as number);
    expect(audits.filter((a) => a.ticket_id === tenant.ticketId(sampleIndex)).map((a) => a.id)).toEqual(
      tenant.audits(sampleIndex).map((a) => a.id),
    );
    const comments = result.records('ticket_comments');
    expect(comments.length).toBeGreaterThan(0);
    expect(comments.every((c) => typeof c.ticket_id === 'number' && typeof c.created_at === 'string')).toBe(
      true,
    );
    // Every comment Zendesk's comments endpoint lists for a ticket, voice comments (calls) included.
    const voice = comments.filter((c) => c.type === 'VoiceComment');
    expect(voice.length).toBeGreaterThan(0);
    expect(voice.every((c) => typeof (c.data as AnyJson)?.call_duration === 'number')).toBe(true);
    const liveTickets = tickets.filter((t) => t.status !== 'deleted');
    for (const ticket of liveTickets) {
      const index = tenant.ticketIndex(ticket.id as number);
      const expected = tenant.comments(index).map((c) => `${c.type}:${c.id}`);
      const got = comments.filter((c) => c.ticket_id === ticket.id).map((c) => `${c.type}:${c.id}`);
      expect(got, `ticket ${ticket.id}`).toEqual(expected);
    }
    const metrics = result.records('ticket_metrics');
    expect(new Set(metrics.map((m) => m.ticket_id)).size).toBe(auditTickets.size);

    expect(result.records('users')).toHaveLength(tenant.userCount);
    expect(result.records('organizations')).toHaveLength(tenant.orgCount);
    // Time-based exports repeat boundary items on the next page; none may come twice.
    const events = result.records('ticket_events');
    expect(events.length).toBeGreaterThan(tenant.ticketCount);
    expect(new Set(events.map((e) => `${e.id}@${e.timestamp}`)).size).toBe(events.length);
    expect(result.records('groups').some((g) => g.deleted === true)).toBe(true);
    expect(result.records('group_memberships').some((g) => g.updated_at === null)).toBe(true);
    expect(result.records('tags').every((t) => typeof t.name === 'string')).toBe(true);
    for (const stream of [
      'macros',
      'ticket_fields',
      'ticket_forms',
      'satisfaction_ratings',
      'sla_policies',
    ]) {
      expect(result.records(stream).length, stream).toBeGreaterThan(0);
    }

    const state = result.lastState() as AnyJson;
    expect(state.bookmarks.tickets.replication_key).toBe('generated_timestamp');
    expect(state.bookmarks.tickets.replication_key_value).toBe(Math.max(...stamps));
    expect(typeof state.bookmarks.tickets.cursor).toBe('string');
    expect(typeof state.bookmarks.users.cursor).toBe('string');
    expect(state.bookmarks.organizations.boundary.ids.length).toBeGreaterThan(0);
    // Full-table children keep no per-ticket state.
    expect(state.bookmarks.ticket_audits).toBeUndefined();
  });

  it('incremental re-sync after mutations sends only the changed records', async () => {
    const config = configFor(em);
    const catalog = select(await discover(em), [
      'tickets',
      'ticket_audits',
      'ticket_metrics',
      'users',
      'organizations',
      'ticket_events',
      'groups',
    ]);
    const first = await runConnector(TapZendesk, { config, catalog });
    expect(first.exitCode, first.stderr).toBe(0);
    const tickets = first.records('tickets').filter((t) => t.status !== 'deleted');
    const [changed, systemChanged, deleted] = [tickets[3]!, tickets[7]!, tickets[11]!].map(
      (t) => t.id as number,
    );
    em.control.updateTicket(changed!, { priority: 'urgent' }, { comment: 'Any update? ✓' });
    em.control.updateTicket(systemChanged!, { tags: ['sla_breach'] }, { system: true });
    em.control.deleteTicket(deleted!);
    const user = first.records('users')[5]!.id as number;
    em.control.updateUser(user, { name: 'Renamed Person' });
    const org = first.records('organizations')[2]!.id as number;
    em.control.updateOrganization(org, { notes: 'moved' });
    em.control.advance(61); // past the freshness window

    const second = await runConnector(TapZendesk, { config, catalog, state: first.lastState() });
    expect(second.exitCode, second.stderr).toBe(0);
    const again = second.records('tickets');
    expect(ids(again).sort()).toEqual([changed!, systemChanged!, deleted!].sort());
    expect(again.find((t) => t.id === changed)!.priority).toBe('urgent');
    expect(again.find((t) => t.id === deleted)!.status).toBe('deleted');
    const system = again.find((t) => t.id === systemChanged)!;
    expect(Date.parse(system.updated_at as string) / 1000).toBeLessThan(system.generated_timestamp as number);
    // Children only for the changed, not deleted, tickets; the new comment is in the audits.
    expect(new Set(second.records('ticket_audits').map((a) => a.ticket_id))).toEqual(
      new Set([changed, systemChanged]),
    );
    expect(JSON.stringify(second.records('ticket_audits'))).toContain('Any update? ✓');
    expect(ids(second.records('ticket_metrics').map((m) => ({ id: m.ticket_id })))).toEqual(
      expect.arrayContaining([changed!, systemChanged!]),
    );
    expect(ids(second.records('users'))).toEqual([user]);
    expect(second.records('users')[0]!.name).toBe('Renamed Person');
    expect(ids(second.records('organizations'))).toEqual([org]);
    // Ticket events of the two updates that made events (the system update makes none), and the deletion.
    const events = second.records('ticket_events');
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.ticket_id)).has(changed)).toBe(true);
    expect(
      events.every(
        (e) =>
          (e.timestamp as number) >
          (first.lastState() as AnyJson).bookmarks.ticket_events.replication_key_value - 1,
      ),
    ).toBe(true);
    // Unsorted list streams are read whole but only records at or after the bookmark are sent.
    const groupBookmark = (first.lastState() as AnyJson).bookmarks.groups.replication_key_value;
    expect(second.records('groups').length).toBeLessThan(first.records('groups').length);
    for (const group of second.records('groups'))
      expect(Date.parse(group.updated_at as string)).toBeGreaterThanOrEqual(Date.parse(groupBookmark));

    // Nothing changed since: a third run sends no tickets, users or organizations.
    const third = await runConnector(TapZendesk, { config, catalog, state: second.lastState() });
    expect(third.exitCode).toBe(0);
    expect(third.records('tickets')).toHaveLength(0);
    expect(third.records('users')).toHaveLength(0);
    expect(third.records('organizations')).toHaveLength(0);
  });

  it('does not lose a ticket that changes while the export runs', async () => {
    const local = await startEmulator({ tickets: 300, seed: 5 });
    try {
      const config = configFor(local, { export_page_size: 100 });
      const catalog = select(await discover(local), ['tickets']);
      const firstId = local.tenant.ticketId(0);
      // The second page is slow; meanwhile a ticket of the first page changes.
      local.control.injectFault({
        kind: 'delay',
        delayMs: 400,
        path: '/incremental/tickets/cursor.json?cursor=',
      });
      const running = runConnector(TapZendesk, { config, catalog });
      for (let i = 0; i < 100 && !local.control.requests().some((r) => r.path.includes('cursor=')); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      local.control.updateTicket(firstId, { subject: 'changed mid-export' });
      local.control.advance(61);
      const first = await running;
      expect(first.exitCode, first.stderr).toBe(0);
      const second = await runConnector(TapZendesk, { config, catalog, state: first.lastState() });
      const versions = [...first.records('tickets'), ...second.records('tickets')].filter(
        (t) => t.id === firstId,
      );
      expect(versions.at(-1)!.subject).toBe('changed mid-export');
      expect(second.records('tickets').length).toBeLessThanOrEqual(1);
    } finally {
      await local.close();
    }
  });

  it('honours selection of streams and fields, children included', async () => {
    const catalog = select(await discover(em), ['tickets', 'ticket_comments', 'groups'], {
      tickets: ['id', 'generated_timestamp', 'subject'],
      ticket_comments: ['id', 'body'],
    });
    em.control.clearRequests();
    const result = await runConnector(TapZendesk, { config: configFor(em), catalog });
    expect(result.exitCode, result.stderr).toBe(0);
    const streams = new Set(
      result.messages.filter((m) => m.type === 'RECORD').map((m) => (m as AnyJson).stream),
    );
    expect(streams).toEqual(new Set(['tickets', 'ticket_comments', 'groups']));
    for (const ticket of result.records('tickets'))
      expect(Object.keys(ticket).sort()).toEqual(['generated_timestamp', 'id', 'subject']);
    expect(result.records('ticket_comments').length).toBeGreaterThan(0);
    for (const comment of result.records('ticket_comments'))
      expect(Object.keys(comment).sort()).toEqual(['body', 'id']);
    // Audits are fetched for comments but not emitted; no include=metric_sets without ticket_metrics.
    expect(em.control.requests().some((r) => r.path.includes('/audits'))).toBe(true);
    expect(em.control.requests().some((r) => r.path.includes('include=metric_sets'))).toBe(false);
  });

  it('a child selected without its parent still syncs, and no audits are fetched when no child needs them', async () => {
    em.control.clearRequests();
    const onlyMetrics = select(await discover(em), ['ticket_metrics']);
    const result = await runConnector(TapZendesk, { config: configFor(em), catalog: onlyMetrics });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.records('tickets')).toHaveLength(0);
    expect(result.records('ticket_metrics').length).toBeGreaterThan(0);
    expect(em.control.requests().filter((r) => r.path.includes('/audits')).length).toBe(0);
  });

  it('passes the SDK tap conformance suite', async () => {
    const small = await startEmulator({ tickets: 30, seed: 3 });
    try {
      const report = await checkTapConformance(TapZendesk, {
        config: configFor(small),
        streamsWithRecords: [
          'tickets',
          'users',
          'organizations',
          'ticket_audits',
          'ticket_comments',
          'groups',
          'tags',
        ],
      });
      expect(report.failed).toEqual([]);
    } finally {
      await small.close();
    }
  });
});
