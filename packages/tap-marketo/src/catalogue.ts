/**
 * The streams of singer-io tap-marketo (v2.x), as facts this tap keeps so that a catalog, STATE and
 * config saved from that tap work here unchanged: names, key properties, replication methods and keys,
 * which fields are always selected, and the activity stream naming rule.
 */

export type ReplicationMethod = 'INCREMENTAL' | 'FULL_TABLE';

/** How a stream's rows are fetched. */
export type StreamSource =
  /** Bulk Extract lead export (schema from describe). */
  | 'bulk-leads'
  /** Bulk Extract activity export, one stream per activity type. */
  | 'bulk-activities'
  /** `/rest/v1/activities/types.json`, one unpaged call. */
  | 'rest-single'
  /** Lead-database list with `batchSize` + `nextPageToken` (campaigns, lists). */
  | 'rest-position-token'
  /** Asset API with `offset` / `maxReturn` and an updatedAt range (programs). */
  | 'asset-offset'
  /** Date paging token (`pagingtoken.json`), e.g. deleted leads. */
  | 'rest-date-token';

export interface StreamFacts {
  name: string;
  keyProperties: string[];
  replicationMethod: ReplicationMethod;
  /** The bookmark key under the stream in STATE; null for FULL_TABLE. */
  replicationKey: string | null;
  source: StreamSource;
  /** The API path (below the instance URL) the rows come from. */
  path: string;
  /** Fields with `inclusion: automatic` in discovery. */
  automatic: string[];
  /** Fields with `inclusion: unsupported` in discovery. */
  unsupported: string[];
  /** A schema file in this package's schemas/ folder; null when the schema is discovered. */
  schemaFile: string | null;
  /** False for streams singer-io tap-marketo does not have (saved catalogs never select them). */
  inSingerIo: boolean;
}

export const LEADS: StreamFacts = {
  name: 'leads',
  keyProperties: ['id'],
  replicationMethod: 'INCREMENTAL',
  replicationKey: 'updatedAt',
  source: 'bulk-leads',
  path: '/bulk/v1/leads/export',
  automatic: ['id', 'createdAt', 'updatedAt'],
  unsupported: [],
  schemaFile: null,
  inSingerIo: true,
};

/** Facts shared by every `activities_<type>` stream. */
export const ACTIVITIES: Omit<StreamFacts, 'name'> = {
  keyProperties: ['marketoGUID'],
  replicationMethod: 'INCREMENTAL',
  replicationKey: 'activityDate',
  source: 'bulk-activities',
  path: '/bulk/v1/activities/export',
  // campaignId is `available`: not every activity has a campaign.
  automatic: ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId'],
  unsupported: [],
  schemaFile: null,
  inSingerIo: true,
};

export const STATIC_STREAMS: readonly StreamFacts[] = [
  {
    name: 'activity_types',
    keyProperties: ['id'],
    replicationMethod: 'FULL_TABLE',
    replicationKey: null,
    source: 'rest-single',
    path: '/rest/v1/activities/types.json',
    automatic: ['id', 'name'],
    unsupported: ['attributes'],
    schemaFile: 'activity_types.json',
    inSingerIo: true,
  },
  {
    name: 'campaigns',
    keyProperties: ['id'],
    // singer-io reads every page each run and keeps rows with updatedAt ≥ the bookmark; the bookmark
    // becomes the run's start time, and the page token is saved in STATE to resume mid-list.
    replicationMethod: 'INCREMENTAL',
    replicationKey: 'updatedAt',
    source: 'rest-position-token',
    path: '/rest/v1/campaigns.json',
    automatic: ['id', 'createdAt', 'updatedAt'],
    unsupported: [],
    schemaFile: 'campaigns.json',
    inSingerIo: true,
  },
  {
    name: 'lists',
    keyProperties: ['id'],
    replicationMethod: 'INCREMENTAL',
    replicationKey: 'updatedAt',
    source: 'rest-position-token',
    path: '/rest/v1/lists.json',
    automatic: ['id', 'name', 'createdAt', 'updatedAt'],
    unsupported: [],
    schemaFile: 'lists.json',
    inSingerIo: true,
  },
  {
    name: 'programs',
    keyProperties: ['id'],
    replicationMethod: 'INCREMENTAL',
    replicationKey: 'updatedAt',
    source: 'asset-offset',
    path: '/rest/asset/v1/programs.json',
    automatic: ['id', 'createdAt', 'updatedAt'],
    unsupported: [],
    schemaFile: 'programs.json',
    inSingerIo: true,
  },
  {
    // Not in singer-io: Delete Lead (37) is absent from bulk activity exports, so deletions come from here.
    name: 'deleted_leads',
    keyProperties: ['marketoGUID'],
    replicationMethod: 'INCREMENTAL',
    replicationKey: 'activityDate',
    source: 'rest-date-token',
    path: '/rest/v1/activities/deletedleads.json',
    automatic: ['marketoGUID', 'leadId', 'activityDate'],
    unsupported: [],
    schemaFile: 'deleted_leads.json',
    inSingerIo: false,
  },
];

/**
 * singer-io's name cleaning, kept exactly: lower case, spaces to underscores, nothing else. So
 * "Change Status in Progression" is `change_status_in_progression` and "Rating (1-5)" is `rating_(1-5)`.
 */
export function cleanName(name: string): string {
  return name.toLowerCase().replaceAll(' ', '_');
}

/** The stream of an activity type: `activities_` + the cleaned type name (e.g. `activities_fill_out_form`). */
export function activityStreamName(activityTypeName: string): string {
  return `activities_${cleanName(activityTypeName)}`;
}

/** Catalog metadata keys singer-io writes on activity streams (breadcrumb []). */
export const ACTIVITY_METADATA = {
  /** The activity type id, used to build the export filter. */
  activityId: 'marketo.activity-id',
  /** The cleaned primary attribute name, written as `primary_attribute_name` on each record. */
  primaryAttributeName: 'marketo.primary-attribute-name',
} as const;

/** The replication key of a stream id, by singer-io's rule (activities_* → activityDate). */
export function replicationKeyOf(streamId: string): string | null {
  if (streamId.startsWith('activities_')) return ACTIVITIES.replicationKey;
  if (streamId === LEADS.name) return LEADS.replicationKey;
  return STATIC_STREAMS.find((s) => s.name === streamId)?.replicationKey ?? null;
}
