import type { MarketoDataType } from './fields.js';

/** An activity type as `/rest/v1/activities/types.json` describes it. */
export interface ActivityType {
  id: number;
  name: string;
  description: string;
  primaryAttribute?: { name: string; dataType: MarketoDataType };
  attributes: { name: string; dataType: MarketoDataType }[];
  /** Relative frequency in the generated history; 0 for types that never appear in activity exports. */
  weight: number;
  /** Whether a campaign drives this activity (campaignId is null otherwise). */
  campaign: boolean;
}

/** Standard types with their documented ids, one custom type (id ≥ 100000), and Delete Lead (37). */
export const ACTIVITY_TYPES: readonly ActivityType[] = [
  {
    id: 1,
    name: 'Visit Webpage',
    description: 'User visits a web page',
    weight: 30,
    campaign: false,
    primaryAttribute: { name: 'Webpage ID', dataType: 'integer' },
    attributes: [
      { name: 'Client IP Address', dataType: 'string' },
      { name: 'Query Parameters', dataType: 'string' },
      { name: 'Referrer URL', dataType: 'url' },
      { name: 'User Agent', dataType: 'string' },
      { name: 'Webpage URL', dataType: 'string' },
      { name: 'Search Engine', dataType: 'string' },
    ],
  },
  {
    id: 2,
    name: 'Fill Out Form',
    description: 'User fills out and submits form on web page',
    weight: 8,
    campaign: true,
    primaryAttribute: { name: 'Webform ID', dataType: 'integer' },
    attributes: [
      { name: 'Client IP Address', dataType: 'string' },
      { name: 'Form Fields', dataType: 'text' },
      { name: 'Webpage ID', dataType: 'integer' },
      { name: 'Referrer URL', dataType: 'url' },
    ],
  },
  {
    id: 6,
    name: 'Send Email',
    description: 'Send Marketo Email to a person',
    weight: 15,
    campaign: true,
    primaryAttribute: { name: 'Mailing ID', dataType: 'integer' },
    attributes: [
      { name: 'Campaign Run ID', dataType: 'integer' },
      { name: 'Step ID', dataType: 'integer' },
      { name: 'Test Variant', dataType: 'integer' },
    ],
  },
  {
    id: 10,
    name: 'Open Email',
    description: 'User opens Marketo Email',
    weight: 12,
    campaign: true,
    primaryAttribute: { name: 'Mailing ID', dataType: 'integer' },
    attributes: [
      { name: 'Device', dataType: 'string' },
      { name: 'Is Mobile Device', dataType: 'boolean' },
      { name: 'Platform', dataType: 'string' },
      { name: 'Is Bot Activity', dataType: 'boolean' },
    ],
  },
  {
    id: 11,
    name: 'Click Email',
    description: 'User clicks on a link in a Marketo Email',
    weight: 6,
    campaign: true,
    primaryAttribute: { name: 'Mailing ID', dataType: 'integer' },
    attributes: [
      { name: 'Link', dataType: 'string' },
      { name: 'Is Mobile Device', dataType: 'boolean' },
    ],
  },
  {
    id: 12,
    name: 'New Lead',
    description: 'New person',
    weight: 4,
    campaign: false,
    primaryAttribute: { name: 'Lead ID', dataType: 'integer' },
    attributes: [
      { name: 'Source Type', dataType: 'string' },
      { name: 'Form Name', dataType: 'string' },
    ],
  },
  {
    id: 13,
    name: 'Change Data Value',
    description: 'Changed attribute value for a person',
    weight: 10,
    campaign: true,
    primaryAttribute: { name: 'Attribute Name', dataType: 'reference' },
    attributes: [
      { name: 'New Value', dataType: 'string' },
      { name: 'Old Value', dataType: 'string' },
      { name: 'Reason', dataType: 'string' },
      { name: 'Source', dataType: 'string' },
    ],
  },
  {
    id: 22,
    name: 'Change Score',
    description: 'Change a score value for a person',
    weight: 6,
    campaign: true,
    primaryAttribute: { name: 'Score Name', dataType: 'reference' },
    attributes: [
      { name: 'Change Value', dataType: 'string' },
      { name: 'New Value', dataType: 'integer' },
      { name: 'Old Value', dataType: 'integer' },
      { name: 'Urgency', dataType: 'float' },
    ],
  },
  {
    id: 24,
    name: 'Add to List',
    description: 'Add person to a list',
    weight: 3,
    campaign: true,
    primaryAttribute: { name: 'List ID', dataType: 'integer' },
    attributes: [{ name: 'Source', dataType: 'string' }],
  },
  {
    id: 37,
    name: 'Delete Lead',
    description: 'Delete a person',
    weight: 0,
    campaign: true,
    primaryAttribute: { name: 'Lead ID', dataType: 'integer' },
    attributes: [
      { name: 'Campaign', dataType: 'string' },
      { name: 'Remove from CRM', dataType: 'boolean' },
    ],
  },
  {
    id: 46,
    name: 'Interesting Moment',
    description: 'Interesting moment for a person',
    weight: 2,
    campaign: true,
    attributes: [
      { name: 'Description', dataType: 'string' },
      { name: 'Source', dataType: 'string' },
      { name: 'Date', dataType: 'datetime' },
    ],
  },
  {
    id: 104,
    name: 'Change Status in Progression',
    description: 'Change a program status for a person',
    weight: 3,
    campaign: true,
    primaryAttribute: { name: 'Program ID', dataType: 'integer' },
    attributes: [
      { name: 'New Status ID', dataType: 'integer' },
      { name: 'Old Status ID', dataType: 'integer' },
      { name: 'Acquired By', dataType: 'boolean' },
      { name: 'Success', dataType: 'boolean' },
      { name: 'Program Member ID', dataType: 'integer' },
      { name: 'Reason', dataType: 'string' },
    ],
  },
  {
    id: 100001,
    name: 'Attended Partner Webinar',
    description: 'Custom activity: attended a partner webinar',
    weight: 1,
    campaign: false,
    primaryAttribute: { name: 'Webinar Name', dataType: 'string' },
    attributes: [
      { name: 'Minutes Watched', dataType: 'integer' },
      { name: 'Rating (1-5)', dataType: 'float' },
      { name: 'Attended On', dataType: 'date' },
      { name: 'Questions Asked', dataType: 'textarea' },
    ],
  },
];

export const DELETE_LEAD_TYPE_ID = 37;

export function activityTypeById(id: number): ActivityType | undefined {
  return ACTIVITY_TYPES.find((t) => t.id === id);
}

/** `types.json` result items (without the emulator's own weight and campaign hints). */
export function activityTypesResult(): unknown[] {
  return ACTIVITY_TYPES.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    ...(t.primaryAttribute ? { primaryAttribute: t.primaryAttribute } : {}),
    attributes: t.attributes,
  }));
}
