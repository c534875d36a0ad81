/**
 * Small collections read whole on every run with cursor pagination (`page[size]`), or unpaginated
 * where Zendesk offers nothing else. List order is by id, not by `updated_at`, so incremental ones
 * filter on `updated_at >= bookmark` client-side and are unsorted: the bookmark moves only once the
 * whole list has been read.
 */
import { CursorPaginator, type QueryValue, type StreamContext } from '@singer-ts/sdk';
import type {
  GroupMembershipsRecord,
  GroupsRecord,
  MacrosRecord,
  SatisfactionRatingsRecord,
  SlaPoliciesRecord,
  TagsRecord,
  TalkPhoneNumbersRecord,
  TicketFieldsRecord,
  TicketFormsRecord,
} from '../records.js';
import { loadSchema, PLAN_GATES, resumeValue, toEpochSeconds, ZendeskStream } from './base.js';

/** Zendesk's cursor pagination of list endpoints (`page[size]`, `meta.after_cursor`). */
export function listPaginator(): CursorPaginator {
  return new CursorPaginator({
    path: 'meta.after_cursor',
    param: 'page[after]',
    hasMorePath: 'meta.has_more',
  });
}

abstract class ListStream<R extends object> extends ZendeskStream<R> {
  override readonly isSorted = false;
  /** False for endpoints without pagination (`/slas/policies`, `/ticket_forms`). */
  protected readonly paginated: boolean = true;
  protected readonly extraQuery: Record<string, QueryValue> = {};

  override queryParams(_context: StreamContext): Record<string, QueryValue> {
    return { ...this.extraQuery, ...(this.paginated ? { 'page[size]': this.config.page_size } : {}) };
  }

  override paginator(): CursorPaginator | undefined {
    return this.paginated ? listPaginator() : undefined;
  }

  /** Keeps records changed at or after the bookmark; rows without `updated_at` always pass. */
  override postProcess(record: Record<string, unknown>, context: StreamContext): R | undefined {
    const since = toEpochSeconds(resumeValue(this.replicationKey, context));
    if (this.replicationKey && since !== undefined) {
      const value = record[this.replicationKey];
      const at = toEpochSeconds(value);
      if (at !== undefined && at < since) return undefined;
    }
    return super.postProcess(record, context);
  }
}

export class GroupsStream extends ListStream<GroupsRecord> {
  readonly name = 'groups';
  readonly schema = loadSchema('groups');
  readonly path = '/groups.json';
  override readonly recordsPath = 'groups.*';
  override readonly replicationKey = 'updated_at';
  // Deleted groups are hidden unless asked for; they come with `deleted: true`.
  protected override readonly extraQuery = { exclude_deleted: false };
}

export class GroupMembershipsStream extends ListStream<GroupMembershipsRecord> {
  readonly name = 'group_memberships';
  readonly schema = loadSchema('group_memberships');
  readonly path = '/group_memberships.json';
  override readonly recordsPath = 'group_memberships.*';
  override readonly replicationKey = 'updated_at';
}

export class MacrosStream extends ListStream<MacrosRecord> {
  readonly name = 'macros';
  readonly schema = loadSchema('macros');
  readonly path = '/macros.json';
  override readonly recordsPath = 'macros.*';
  override readonly replicationKey = 'updated_at';
}

export class TicketFieldsStream extends ListStream<TicketFieldsRecord> {
  readonly name = 'ticket_fields';
  readonly schema = loadSchema('ticket_fields');
  readonly path = '/ticket_fields.json';
  override readonly recordsPath = 'ticket_fields.*';
  override readonly replicationKey = 'updated_at';
}

export class TicketFormsStream extends ListStream<TicketFormsRecord> {
  readonly name = 'ticket_forms';
  override readonly discoveryMetadata = { 'plan-gated': PLAN_GATES.ticket_forms };
  readonly schema = loadSchema('ticket_forms');
  readonly path = '/ticket_forms.json';
  override readonly recordsPath = 'ticket_forms.*';
  protected override readonly paginated = false;
  override readonly replicationKey = 'updated_at';
}

/**
 * Read whole and filtered on `updated_at` like the other lists. Not with `start_time` = the bookmark as
 * singer-io/tap-zendesk does: Zendesk's `start_time` filters on `created_at`, so a rating created
 * before the bookmark and changed after it (a customer changing their score) would never come again.
 */
export class SatisfactionRatingsStream extends ListStream<SatisfactionRatingsRecord> {
  readonly name = 'satisfaction_ratings';
  override readonly discoveryMetadata = { 'plan-gated': PLAN_GATES.satisfaction_ratings };
  readonly schema = loadSchema('satisfaction_ratings');
  readonly path = '/satisfaction_ratings.json';
  override readonly recordsPath = 'satisfaction_ratings.*';
  override readonly replicationKey = 'updated_at';
}

export class TagsStream extends ListStream<TagsRecord> {
  readonly name = 'tags';
  readonly schema = loadSchema('tags');
  readonly path = '/tags.json';
  override readonly recordsPath = 'tags.*';
  override readonly primaryKeys = ['name'];
}

/** Zendesk Talk lines (offset pages, `next_page` URLs), read whole: singer-io's FULL_TABLE stream. */
export class TalkPhoneNumbersStream extends ZendeskStream<TalkPhoneNumbersRecord> {
  readonly name = 'talk_phone_numbers';
  override readonly discoveryMetadata = { 'plan-gated': PLAN_GATES.talk_phone_numbers };
  readonly schema = loadSchema('talk_phone_numbers');
  readonly path = '/channels/voice/phone_numbers.json';
  override readonly recordsPath = 'phone_numbers.*';
  override readonly nextPagePath = 'next_page';

  override queryParams(_context: StreamContext): Record<string, QueryValue> {
    return { per_page: this.config.page_size };
  }
}

export class SlaPoliciesStream extends ListStream<SlaPoliciesRecord> {
  readonly name = 'sla_policies';
  override readonly discoveryMetadata = { 'plan-gated': PLAN_GATES.sla_policies };
  readonly schema = loadSchema('sla_policies');
  readonly path = '/slas/policies.json';
  override readonly recordsPath = 'sla_policies.*';
  protected override readonly paginated = false;
}
