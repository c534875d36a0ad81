/* Generated from the stream schemas by singer-typegen; do not edit. */

export interface GroupMembershipsRecord {
  url?: null | string;
  id: number;
  user_id?: null | number;
  group_id?: null | number;
  default?: null | boolean;
  created_at?: null | string;
  updated_at?: null | string;
}

export interface GroupsRecord {
  url?: null | string;
  id: number;
  is_public?: null | boolean;
  name?: null | string;
  description?: null | string;
  default?: null | boolean;
  deleted?: null | boolean;
  created_at?: null | string;
  updated_at?: null | string;
}

export interface MacrosRecord {
  url?: null | string;
  id: number;
  title?: null | string;
  active?: null | boolean;
  updated_at?: null | string;
  created_at?: null | string;
  default?: null | boolean;
  position?: null | number;
  description?: null | string;
  actions?: null | unknown[];
  restriction?: null | {};
  raw_title?: null | string;
}

export interface OrganizationsRecord {
  url?: null | string;
  id: number;
  name?: null | string;
  shared_tickets?: null | boolean;
  shared_comments?: null | boolean;
  external_id?: null | string;
  created_at?: null | string;
  updated_at?: null | string;
  domain_names?: null | (null | string)[];
  details?: null | string;
  notes?: null | string;
  group_id?: null | number;
  tags?: null | (null | string)[];
  /**
   * Custom organization fields keyed by field key (typed from /organization_fields at discovery)
   */
  organization_fields?: null | {};
  deleted_at?: null | string;
}

export interface SatisfactionRatingsRecord {
  url?: null | string;
  id: number;
  assignee_id?: null | number;
  group_id?: null | number;
  requester_id?: null | number;
  ticket_id?: null | number;
  score?: null | string;
  created_at?: null | string;
  updated_at?: null | string;
  comment?: null | string;
  reason?: null | string;
  reason_id?: null | number;
}

export interface SlaPoliciesRecord {
  url?: null | string;
  id: number;
  title?: null | string;
  description?: null | string;
  position?: null | number;
  filter?: null | {};
  policy_metrics?: null | unknown[];
  created_at?: null | string;
  updated_at?: null | string;
}

export interface TagsRecord {
  name: string;
  count?: null | number;
}

export interface TicketAuditsRecord {
  id: number;
  ticket_id?: null | number;
  created_at?: null | string;
  author_id?: null | number;
  metadata?: null | {
    system?: null | {};
    custom?: null | {};
  };
  via?: null | {
    channel?: null | string;
    source?: null | {};
  };
  events?:
    | null
    | (null | {
        id?: null | number;
        type?: null | string;
        author_id?: null | number;
        body?: null | string;
        html_body?: null | string;
        plain_body?: null | string;
        public?: null | boolean;
        attachments?: null | (null | {})[];
        audit_id?: null | number;
        value?: unknown;
        field_name?: null | string;
        previous_value?: unknown;
      })[];
}

export interface TicketCommentsRecord {
  id: number;
  type?: null | string;
  author_id?: null | number;
  body?: null | string;
  html_body?: null | string;
  plain_body?: null | string;
  public?: null | boolean;
  attachments?: null | (null | {})[];
  audit_id?: null | number;
  ticket_id?: null | number;
  created_at?: null | string;
  via?: null | {
    channel?: null | string;
    source?: null | {};
  };
  metadata?: null | {
    system?: null | {};
    custom?: null | {};
  };
}

export interface TicketEventsRecord {
  id: number;
  ticket_id?: null | number;
  timestamp?: null | number;
  created_at?: null | string;
  updater_id?: null | number;
  via?: null | string;
  system?: null | {};
  merged_ticket_ids?: null | (null | number)[];
  event_type?: null | string;
  child_events?: null | unknown[];
}

export interface TicketFieldsRecord {
  url?: null | string;
  id: number;
  type?: null | string;
  title?: null | string;
  raw_title?: null | string;
  description?: null | string;
  raw_description?: null | string;
  position?: null | number;
  active?: null | boolean;
  required?: null | boolean;
  collapsed_for_agents?: null | boolean;
  regexp_for_validation?: null | string;
  title_in_portal?: null | string;
  raw_title_in_portal?: null | string;
  visible_in_portal?: null | boolean;
  editable_in_portal?: null | boolean;
  required_in_portal?: null | boolean;
  tag?: null | string;
  created_at?: null | string;
  updated_at?: null | string;
  removable?: null | boolean;
  key?: null | string;
  agent_description?: null | string;
  custom_field_options?: null | unknown[];
  relationship_target_type?: null | string;
}

export interface TicketFormsRecord {
  id: number;
  url?: null | string;
  name?: null | string;
  raw_name?: null | string;
  display_name?: null | string;
  raw_display_name?: null | string;
  end_user_visible?: null | boolean;
  position?: null | number;
  ticket_field_ids?: null | (null | number)[];
  active?: null | boolean;
  default?: null | boolean;
  in_all_brands?: null | boolean;
  restricted_brand_ids?: null | (null | number)[];
  end_user_conditions?: null | unknown[];
  agent_conditions?: null | unknown[];
  created_at?: null | string;
  updated_at?: null | string;
}

export interface TicketMetricsRecord {
  url?: null | string;
  id: number;
  ticket_id?: null | number;
  created_at?: null | string;
  updated_at?: null | string;
  group_stations?: null | number;
  assignee_stations?: null | number;
  reopens?: null | number;
  replies?: null | number;
  assignee_updated_at?: null | string;
  requester_updated_at?: null | string;
  status_updated_at?: null | string;
  initially_assigned_at?: null | string;
  assigned_at?: null | string;
  solved_at?: null | string;
  latest_comment_added_at?: null | string;
  reply_time_in_minutes?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  first_resolution_time_in_minutes?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  full_resolution_time_in_minutes?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  agent_wait_time_in_minutes?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  requester_wait_time_in_minutes?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  on_hold_time_in_minutes?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  custom_status_updated_at?: null | string;
}

export interface TicketsRecord {
  url?: null | string;
  id: number;
  external_id?: null | string;
  via?: null | {
    channel?: null | string;
    source?: null | {};
  };
  created_at?: null | string;
  updated_at?: null | string;
  /**
   * Unix seconds of the latest change, system updates included (the replication key)
   */
  generated_timestamp?: null | number;
  type?: null | string;
  subject?: null | string;
  raw_subject?: null | string;
  description?: null | string;
  priority?: null | string;
  status?: null | string;
  recipient?: null | string;
  requester_id?: null | number;
  submitter_id?: null | number;
  assignee_id?: null | number;
  organization_id?: null | number;
  group_id?: null | number;
  collaborator_ids?: null | (null | number)[];
  follower_ids?: null | (null | number)[];
  email_cc_ids?: null | (null | number)[];
  forum_topic_id?: null | number;
  problem_id?: null | number;
  has_incidents?: null | boolean;
  is_public?: null | boolean;
  due_at?: null | string;
  tags?: null | (null | string)[];
  custom_fields?:
    | null
    | (null | {
        id?: null | number;
        /**
         * Custom field value: a string (also for numeric and date fields), a number, a boolean (checkbox), an array (multiselect) or null
         */
        value?: null | string | number | boolean | (null | string | number | boolean)[];
      })[];
  /**
   * Rating summary (score, id, comment) as sent by Zendesk
   */
  satisfaction_rating?: null | {};
  sharing_agreement_ids?: null | (null | number)[];
  custom_status_id?: null | number;
  followup_ids?: null | (null | number)[];
  ticket_form_id?: null | number;
  brand_id?: null | number;
  allow_channelback?: null | boolean;
  allow_attachments?: null | boolean;
  from_messaging_channel?: null | boolean;
}

export interface UsersRecord {
  id: number;
  url?: null | string;
  name?: null | string;
  email?: null | string;
  created_at?: null | string;
  updated_at?: null | string;
  time_zone?: null | string;
  iana_time_zone?: null | string;
  phone?: null | string;
  shared_phone_number?: null | string;
  photo?: null | string;
  locale_id?: null | number;
  locale?: null | string;
  organization_id?: null | number;
  role?: null | string;
  verified?: null | boolean;
  external_id?: null | string;
  tags?: null | (null | string)[];
  alias?: null | string;
  active?: null | boolean;
  shared?: null | boolean;
  shared_agent?: null | boolean;
  last_login_at?: null | string;
  two_factor_auth_enabled?: null | boolean;
  signature?: null | string;
  details?: null | string;
  notes?: null | string;
  role_type?: null | string;
  custom_role_id?: null | number;
  moderator?: null | boolean;
  ticket_restriction?: null | string;
  only_private_comments?: null | boolean;
  restricted_agent?: null | boolean;
  suspended?: null | boolean;
  default_group_id?: null | number;
  report_csv?: null | boolean;
  /**
   * Custom user fields keyed by field key (typed from /user_fields at discovery)
   */
  user_fields?: null | {};
}
