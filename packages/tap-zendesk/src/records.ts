/* Generated from the stream schemas by singer-typegen; do not edit. */

export interface GroupMembershipsRecord {
  id: number;
  url?: null | string;
  user_id?: null | number;
  group_id?: null | number;
  default?: null | boolean;
  created_at?: null | string;
  updated_at?: null | string;
}

export interface GroupsRecord {
  id: number;
  url?: null | string;
  is_public?: null | boolean;
  name?: null | string;
  description?: null | string;
  default?: null | boolean;
  deleted?: null | boolean;
  created_at?: null | string;
  updated_at?: null | string;
}

export interface MacrosRecord {
  id: number;
  url?: null | string;
  title?: null | string;
  active?: null | boolean;
  updated_at?: null | string;
  created_at?: null | string;
  default?: null | boolean;
  position?: null | number;
  description?: null | string;
  actions?:
    | null
    | (null | {
        field?: null | string;
        /**
         * A string, or an array for actions with several arguments (comment with channel, notification)
         */
        value?: null | string | (null | string)[];
      })[];
  restriction?: null | {
    type?: null | string;
    id?: null | number;
    ids?: null | (null | number)[];
  };
  raw_title?: null | string;
}

export interface OrganizationsRecord {
  id: number;
  url?: null | string;
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
  id: number;
  url?: null | string;
  assignee_id?: null | number;
  group_id?: null | number;
  requester_id?: null | number;
  ticket_id?: null | number;
  score?: null | string;
  created_at?: null | string;
  updated_at?: null | string;
  comment?: null | string;
  reason?: null | string;
  reason_code?: null | number;
  reason_id?: null | number;
}

export interface SlaPoliciesRecord {
  id: number;
  url?: null | string;
  title?: null | string;
  description?: null | string;
  position?: null | number;
  filter?: null | {
    all?:
      | null
      | (null | {
          field?: null | string;
          operator?: null | string;
          value?: null | string;
        })[];
    any?:
      | null
      | (null | {
          field?: null | string;
          operator?: null | string;
          value?: null | string;
        })[];
  };
  policy_metrics?:
    | null
    | (null | {
        priority?: null | string;
        metric?: null | string;
        target?: null | number;
        business_hours?: null | boolean;
      })[];
  created_at?: null | string;
  updated_at?: null | string;
}

export interface TagsRecord {
  name: string;
  count?: null | number;
}

export interface TalkPhoneNumbersRecord {
  id: number;
  name?: null | string;
  nickname?: null | string;
  number?: null | string;
  display_number?: null | string;
  country_code?: null | string;
  location?: null | string;
  line_type?: null | string;
  toll_free?: null | boolean;
  external?: null | boolean;
  token?: null | string;
  capabilities?: null | {
    sms?: null | boolean;
    mms?: null | boolean;
    voice?: null | boolean;
  };
  voice_enabled?: null | boolean;
  sms_enabled?: null | boolean;
  sms_group_id?: null | number;
  outbound_enabled?: null | boolean;
  recorded?: null | boolean;
  transcription?: null | boolean;
  priority?: null | number;
  default_group_id?: null | number;
  group_ids?: null | (null | number)[];
  ivr_id?: null | number;
  schedule_id?: null | number;
  greeting_ids?: null | (null | number)[];
  default_greeting_ids?: null | (null | string)[];
  /**
   * Greeting ids by category id
   */
  categorised_greetings?: null | {};
  /**
   * Greeting ids by category id and voicemail setting
   */
  categorised_greetings_with_sub_settings?: null | {};
  created_at?: null | string;
}

export interface TicketAuditsRecord {
  id: number;
  ticket_id?: null | number;
  created_at?: null | string;
  author_id?: null | number;
  metadata?: null | {
    system?: null | {
      client?: null | string;
      ip_address?: null | string;
      location?: null | string;
      latitude?: null | number;
      longitude?: null | number;
      message_id?: null | string;
      raw_email_identifier?: null | string;
      json_email_identifier?: null | string;
    };
    /**
     * Custom audit metadata, free-form
     */
    custom?: null | {};
    flags?: null | (null | number)[];
    flags_options?: null | {
      "2"?: null | {
        trusted?: null | boolean;
      };
      "11"?: null | {
        trusted?: null | boolean;
        message?: null | {
          user?: null | string;
        };
      };
    };
    trusted?: null | boolean;
    notifications_suppressed_for?: null | (null | number)[];
  };
  via?: null | {
    channel?: null | string;
    source?: null | {
      from?: null | {
        address?: null | string;
        name?: null | string;
        original_recipients?: null | (null | string)[];
        ticket_id?: null | number;
        subject?: null | string;
        ticket_ids?: null | (null | number)[];
        id?: null | number;
        title?: null | string;
        deleted?: null | boolean;
        revision_id?: null | number;
        phone?: null | string;
        formatted_phone?: null | string;
      };
      to?: null | {
        address?: null | string;
        name?: null | string;
        phone?: null | string;
        formatted_phone?: null | string;
      };
      rel?: null | string;
    };
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
        attachments?:
          | null
          | (null | {
              id?: null | number;
              url?: null | string;
              file_name?: null | string;
              content_url?: null | string;
              mapped_content_url?: null | string;
              content_type?: null | string;
              size?: null | number;
              width?: null | number;
              height?: null | number;
              inline?: null | boolean;
              deleted?: null | boolean;
              malware_access_override?: null | boolean;
              malware_scan_result?: null | string;
              thumbnails?:
                | null
                | (null | {
                    id?: null | number;
                    url?: null | string;
                    file_name?: null | string;
                    content_url?: null | string;
                    mapped_content_url?: null | string;
                    content_type?: null | string;
                    size?: null | number;
                    width?: null | number;
                    height?: null | number;
                    inline?: null | boolean;
                    deleted?: null | boolean;
                    malware_access_override?: null | boolean;
                    malware_scan_result?: null | string;
                  })[];
            })[];
        audit_id?: null | number;
        data?: null | {
          from?: null | string;
          to?: null | string;
          recording_url?: null | string;
          started_at?: null | string;
          /**
           * Seconds; Zendesk sends a number, singer-io declared a string, so both are accepted
           */
          call_duration?: null | number | string;
          answered_by_id?: null | number;
          answered_by_name?: null | string;
          transcription_text?: null | string;
          transcription_status?: null | string;
          location?: null | string;
        };
        formatted_from?: null | string;
        formatted_to?: null | string;
        transcription_visible?: null | boolean;
        trusted?: null | boolean;
        created_at?: null | string;
        /**
         * Field value: a string (ids and numbers too), an array of strings (tags, multiselect), a boolean (checkbox) or null
         */
        value?: null | string | (null | string)[] | number | boolean;
        /**
         * Field value: a string (ids and numbers too), an array of strings (tags, multiselect), a boolean (checkbox) or null
         */
        previous_value?: null | string | (null | string)[] | number | boolean;
        field_name?: null | string;
        via?: null | {
          channel?: null | string;
          source?: null | {
            from?: null | {
              address?: null | string;
              name?: null | string;
              original_recipients?: null | (null | string)[];
              ticket_id?: null | number;
              subject?: null | string;
              id?: null | number;
              title?: null | string;
              deleted?: null | boolean;
              revision_id?: null | number;
            };
            to?: null | {
              address?: null | string;
              name?: null | string;
            };
            rel?: null | string;
          };
        };
        subject?: null | string;
        recipients?: null | (null | number)[];
        macro_id?: null | string;
        macro_title?: null | string;
        macro_deleted?: null | boolean;
        resource?: null | string;
        success?: null | boolean;
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
  attachments?:
    | null
    | (null | {
        id?: null | number;
        url?: null | string;
        file_name?: null | string;
        content_url?: null | string;
        mapped_content_url?: null | string;
        content_type?: null | string;
        size?: null | number;
        width?: null | number;
        height?: null | number;
        inline?: null | boolean;
        deleted?: null | boolean;
        malware_access_override?: null | boolean;
        malware_scan_result?: null | string;
        thumbnails?:
          | null
          | (null | {
              id?: null | number;
              url?: null | string;
              file_name?: null | string;
              content_url?: null | string;
              mapped_content_url?: null | string;
              content_type?: null | string;
              size?: null | number;
              width?: null | number;
              height?: null | number;
              inline?: null | boolean;
              deleted?: null | boolean;
              malware_access_override?: null | boolean;
              malware_scan_result?: null | string;
            })[];
      })[];
  audit_id?: null | number;
  data?: null | {
    from?: null | string;
    to?: null | string;
    recording_url?: null | string;
    started_at?: null | string;
    /**
     * Seconds; Zendesk sends a number, singer-io declared a string, so both are accepted
     */
    call_duration?: null | number | string;
    answered_by_id?: null | number;
    answered_by_name?: null | string;
    transcription_text?: null | string;
    transcription_status?: null | string;
    location?: null | string;
  };
  formatted_from?: null | string;
  formatted_to?: null | string;
  transcription_visible?: null | boolean;
  trusted?: null | boolean;
  ticket_id?: null | number;
  created_at?: null | string;
  via?: null | {
    channel?: null | string;
    source?: null | {
      from?: null | {
        address?: null | string;
        name?: null | string;
        original_recipients?: null | (null | string)[];
        ticket_id?: null | number;
        subject?: null | string;
        ticket_ids?: null | (null | number)[];
        id?: null | number;
        title?: null | string;
        deleted?: null | boolean;
        revision_id?: null | number;
        phone?: null | string;
        formatted_phone?: null | string;
      };
      to?: null | {
        address?: null | string;
        name?: null | string;
        phone?: null | string;
        formatted_phone?: null | string;
      };
      rel?: null | string;
    };
  };
  metadata?: null | {
    system?: null | {
      client?: null | string;
      ip_address?: null | string;
      location?: null | string;
      latitude?: null | number;
      longitude?: null | number;
      message_id?: null | string;
      raw_email_identifier?: null | string;
      json_email_identifier?: null | string;
    };
    /**
     * Custom audit metadata, free-form
     */
    custom?: null | {};
    flags?: null | (null | number)[];
    flags_options?: null | {
      "2"?: null | {
        trusted?: null | boolean;
      };
      "11"?: null | {
        trusted?: null | boolean;
        message?: null | {
          user?: null | string;
        };
      };
    };
    trusted?: null | boolean;
    notifications_suppressed_for?: null | (null | number)[];
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
  id: number;
  url?: null | string;
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
  agent_description?: null | string;
  custom_field_options?:
    | null
    | (null | {
        id?: null | number;
        name?: null | string;
        raw_name?: null | string;
        value?: null | string;
        default?: null | boolean;
      })[];
  system_field_options?:
    | null
    | (null | {
        name?: null | string;
        value?: null | string;
      })[];
  sub_type_id?: null | number;
  relationship_target_type?: null | string;
  creator_user_id?: null | number;
  creator_app_name?: null | string;
  /**
   * Conditions on the records a lookup field can point at
   */
  relationship_filter?: null | {};
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
  end_user_conditions?:
    | null
    | (null | {
        parent_field_id?: null | number;
        /**
         * The parent field's value: an option value, or a boolean for a checkbox
         */
        value?: null | string | boolean;
        child_fields?:
          | null
          | (null | {
              id?: null | number;
              is_required?: null | boolean;
            })[];
      })[];
  agent_conditions?:
    | null
    | (null | {
        parent_field_id?: null | number;
        /**
         * The parent field's value: an option value, or a boolean for a checkbox
         */
        value?: null | string | boolean;
        child_fields?:
          | null
          | (null | {
              id?: null | number;
              is_required?: null | boolean;
            })[];
      })[];
  created_at?: null | string;
  updated_at?: null | string;
}

export interface TicketMetricEventsRecord {
  id: number;
  ticket_id?: null | number;
  metric?: null | string;
  instance_id?: null | number;
  type?: null | string;
  time?: null | string;
  sla?: null | {
    target?: null | number;
    business_hours?: null | boolean;
    policy?: null | {
      id?: null | number;
      title?: null | string;
      description?: null | string;
    };
  };
  status?: null | {
    calendar?: null | number;
    business?: null | number;
  };
  deleted?: null | boolean;
}

export interface TicketMetricsRecord {
  id: number;
  url?: null | string;
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
  reply_time_in_seconds?: null | {
    calendar?: null | number;
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
  id: number;
  url?: null | string;
  external_id?: null | string;
  via?: null | {
    channel?: null | string;
    source?: null | {
      from?: null | {
        address?: null | string;
        name?: null | string;
        original_recipients?: null | (null | string)[];
        ticket_id?: null | number;
        subject?: null | string;
        ticket_ids?: null | (null | number)[];
        id?: null | number;
        title?: null | string;
        deleted?: null | boolean;
        revision_id?: null | number;
        phone?: null | string;
        formatted_phone?: null | string;
      };
      to?: null | {
        address?: null | string;
        name?: null | string;
        phone?: null | string;
        formatted_phone?: null | string;
      };
      rel?: null | string;
    };
  };
  created_at?: null | string;
  updated_at?: null | string;
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
   * The ticket's rating ({score} while offered; id, score, comment, reason once rated)
   */
  satisfaction_rating?:
    | null
    | {
        id?: null | number;
        score?: null | string;
        comment?: null | string;
        reason?: null | string;
        reason_id?: null | number;
      }
    | string;
  sharing_agreement_ids?: null | (null | number)[];
  custom_status_id?: null | number;
  followup_ids?: null | (null | number)[];
  ticket_form_id?: null | number;
  brand_id?: null | number;
  allow_channelback?: null | boolean;
  allow_attachments?: null | boolean;
  from_messaging_channel?: null | boolean;
  via_followup_source_id?: null | number;
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
  shared_phone_number?: null | boolean;
  photo?: null | {
    id?: null | number;
    url?: null | string;
    file_name?: null | string;
    content_url?: null | string;
    mapped_content_url?: null | string;
    content_type?: null | string;
    size?: null | number;
    width?: null | number;
    height?: null | number;
    inline?: null | boolean;
    deleted?: null | boolean;
    malware_access_override?: null | boolean;
    malware_scan_result?: null | string;
    thumbnails?:
      | null
      | (null | {
          id?: null | number;
          url?: null | string;
          file_name?: null | string;
          content_url?: null | string;
          mapped_content_url?: null | string;
          content_type?: null | string;
          size?: null | number;
          width?: null | number;
          height?: null | number;
          inline?: null | boolean;
          deleted?: null | boolean;
          malware_access_override?: null | boolean;
          malware_scan_result?: null | string;
        })[];
  };
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
  /**
   * 0 custom agent, 1 light agent, 2 chat agent, 3 contributor, 4 admin, 5 billing admin; null for end users
   */
  role_type?: null | number;
  custom_role_id?: null | number;
  moderator?: null | boolean;
  ticket_restriction?: null | string;
  only_private_comments?: null | boolean;
  restricted_agent?: null | boolean;
  suspended?: null | boolean;
  chat_only?: null | boolean;
  default_group_id?: null | number;
  report_csv?: null | boolean;
  permanently_deleted?: null | boolean;
  /**
   * Custom user fields keyed by field key (typed from /user_fields at discovery)
   */
  user_fields?: null | {};
}
