import type { RecordRng } from '@singer-ts/sdk/testing';
import {
  CITIES,
  COMPANIES,
  COUNTRIES,
  DOMAINS,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  LEAD_FUNCTIONS,
  LEAD_SOURCES,
  LEAD_STATUSES,
  NOTES,
  TITLES,
} from './vocab.js';

/** Marketo lead field data types as `describe` reports them (Lead Database field types). */
export type MarketoDataType =
  | 'string'
  | 'email'
  | 'url'
  | 'phone'
  | 'text'
  | 'textarea'
  | 'reference'
  | 'lead_function'
  | 'integer'
  | 'percent'
  | 'score'
  | 'float'
  | 'currency'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'formula';

/** A value as generated, before it is written as CSV: strings keep their exact text. */
export type Cell = string | number | boolean | null;

/** What the generator knows about one lead while filling its fields. */
export interface LeadFacts {
  id: number;
  index: number;
  createdAt: number;
  updatedAt: number;
  first: string;
  last: string;
  company: string;
  rng: RecordRng;
}

export interface LeadField {
  id: number;
  displayName: string;
  dataType: MarketoDataType;
  length?: number;
  /** REST name; absent for fields the REST API does not expose (describe omits the `rest` object). */
  rest?: string;
  soap: string;
  readOnly?: boolean;
  /** Listed by describe but refused by bulk export (1003 Invalid fields): formula fields, some system fields. */
  notExportable?: boolean;
  value(lead: LeadFacts): Cell;
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Money with two decimals, written as text so no float rounding happens on the way. */
const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const emailOf = (l: LeadFacts, domain: string): string =>
  `${l.first.toLowerCase().replace(/[^a-z]/g, '') || 'lead'}.${l.id}@${domain}`;

/** Every lead field the emulated instance has: standard ones, then custom fields of every data type. */
export const LEAD_FIELDS: readonly LeadField[] = [
  {
    id: 1,
    displayName: 'Id',
    dataType: 'integer',
    rest: 'id',
    soap: 'Id',
    readOnly: true,
    value: (l) => l.id,
  },
  {
    id: 2,
    displayName: 'Company Name',
    dataType: 'string',
    length: 255,
    rest: 'company',
    soap: 'Company',
    value: (l) => l.company,
  },
  {
    id: 3,
    displayName: 'Email Address',
    dataType: 'email',
    length: 255,
    rest: 'email',
    soap: 'Email',
    value: (l) => emailOf(l, l.rng.pick(DOMAINS)),
  },
  {
    id: 4,
    displayName: 'First Name',
    dataType: 'string',
    length: 255,
    rest: 'firstName',
    soap: 'FirstName',
    value: (l) => l.first,
  },
  {
    id: 5,
    displayName: 'Last Name',
    dataType: 'string',
    length: 255,
    rest: 'lastName',
    soap: 'LastName',
    value: (l) => l.last,
  },
  {
    id: 6,
    displayName: 'Job Title',
    dataType: 'string',
    length: 255,
    rest: 'title',
    soap: 'Title',
    // An empty (not null) string now and then: Marketo writes it as "" in the export.
    value: (l) => (l.index % 23 === 7 ? '' : l.rng.pick(TITLES)),
  },
  {
    id: 7,
    displayName: 'Phone Number',
    dataType: 'phone',
    length: 255,
    rest: 'phone',
    soap: 'Phone',
    value: (l) => `+1 312-555-${String(1000 + (l.id % 9000)).padStart(4, '0')}`,
  },
  {
    id: 8,
    displayName: 'Website',
    dataType: 'url',
    length: 255,
    rest: 'website',
    soap: 'Website',
    value: (l) => `https://www.${l.rng.pick(DOMAINS)}/?ref=${l.id}&utm=a,b`,
  },
  {
    id: 9,
    displayName: 'Address',
    dataType: 'text',
    rest: 'address',
    soap: 'Address',
    // Multi-line street addresses; a few carry a stray CR and a NUL byte, as real exports do.
    value: (l) =>
      l.index % 97 === 13
        ? `${l.id} Main St\rSuite 5\u0000`
        : `${l.id} ${l.rng.pick(CITIES)} Ave\nFloor ${1 + l.rng.int(30)}`,
  },
  {
    id: 10,
    displayName: 'City',
    dataType: 'string',
    length: 255,
    rest: 'city',
    soap: 'City',
    value: (l) => l.rng.pick(CITIES),
  },
  {
    id: 11,
    displayName: 'Country',
    dataType: 'string',
    length: 255,
    rest: 'country',
    soap: 'Country',
    value: (l) => l.rng.pick(COUNTRIES),
  },
  {
    id: 12,
    displayName: 'Industry',
    dataType: 'string',
    length: 255,
    rest: 'industry',
    soap: 'Industry',
    value: (l) => l.rng.pick(INDUSTRIES),
  },
  {
    id: 13,
    displayName: 'Annual Revenue',
    dataType: 'currency',
    rest: 'annualRevenue',
    soap: 'AnnualRevenue',
    value: (l) => money(10_000_000 + l.rng.int(2_000_000_000)),
  },
  {
    id: 14,
    displayName: 'Num Employees',
    dataType: 'integer',
    rest: 'numberOfEmployees',
    soap: 'NumberOfEmployees',
    value: (l) => 1 + l.rng.int(50_000),
  },
  {
    id: 15,
    displayName: 'Lead Score',
    dataType: 'score',
    rest: 'leadScore',
    soap: 'LeadScore',
    value: (l) => l.rng.int(200) - 20,
  },
  {
    id: 16,
    displayName: 'Lead Status',
    dataType: 'string',
    length: 255,
    rest: 'leadStatus',
    soap: 'LeadStatus',
    value: (l) => l.rng.pick(LEAD_STATUSES),
  },
  {
    id: 17,
    displayName: 'Lead Source',
    dataType: 'string',
    length: 255,
    rest: 'leadSource',
    soap: 'LeadSource',
    value: (l) => l.rng.pick(LEAD_SOURCES),
  },
  {
    id: 18,
    displayName: 'Unsubscribed',
    dataType: 'boolean',
    rest: 'unsubscribed',
    soap: 'Unsubscribed',
    value: (l) => l.rng.chance(0.1),
  },
  {
    id: 19,
    displayName: 'Date of Birth',
    dataType: 'date',
    rest: 'dateOfBirth',
    soap: 'DateOfBirth',
    value: (l) => day(Date.UTC(1950 + l.rng.int(50), l.rng.int(12), 1 + l.rng.int(28))),
  },
  {
    id: 20,
    displayName: 'Lead Role',
    dataType: 'lead_function',
    rest: 'leadRole',
    soap: 'LeadRole',
    value: (l) => l.rng.pick(LEAD_FUNCTIONS),
  },
  {
    id: 21,
    displayName: 'Lead Partition Id',
    dataType: 'integer',
    rest: 'leadPartitionId',
    soap: 'LeadPartitionId',
    readOnly: true,
    value: () => 1,
  },
  {
    id: 22,
    displayName: 'Acquisition Program Id',
    dataType: 'reference',
    rest: 'acquisitionProgramId',
    soap: 'AcquisitionProgramId',
    value: (l) => String(1000 + l.rng.int(60)),
  },
  {
    id: 23,
    displayName: 'Created At',
    dataType: 'datetime',
    rest: 'createdAt',
    soap: 'CreatedAt',
    readOnly: true,
    value: (l) => iso(l.createdAt),
  },
  {
    id: 24,
    displayName: 'Updated At',
    dataType: 'datetime',
    rest: 'updatedAt',
    soap: 'UpdatedAt',
    readOnly: true,
    value: (l) => iso(l.updatedAt),
  },
  {
    id: 25,
    displayName: 'Comments',
    dataType: 'textarea',
    rest: 'comments',
    soap: 'Comments',
    // One in 501 leads carries a 20 KB cell (textarea fields hold up to 30,000 bytes).
    value: (l) =>
      l.index % 501 === 250
        ? `${l.rng.pick(NOTES)}\n${'Lorem ipsum, "dolor" sit amet. '.repeat(640)}`
        : l.rng.pick(NOTES),
  },
  // Fields describe lists without a `rest` object: not available through REST, never exported.
  {
    id: 31,
    displayName: 'Legacy Score',
    dataType: 'score',
    soap: 'LegacyScore',
    readOnly: true,
    value: (l) => l.rng.int(100),
  },
  {
    id: 32,
    displayName: 'SFDC Internal Flag',
    dataType: 'boolean',
    soap: 'SfdcInternalFlag',
    value: () => false,
  },
  // Custom fields, one or more of every data type.
  {
    id: 101,
    displayName: 'Engagement Percent',
    dataType: 'percent',
    rest: 'engagementPercent',
    soap: 'EngagementPercent',
    // Percent is documented as an integer, yet exports carry decimals now and then.
    value: (l) => (l.index % 11 === 3 ? `${l.rng.int(100)}.5` : l.rng.int(101)),
  },
  {
    id: 102,
    displayName: 'Contract Value',
    dataType: 'currency',
    rest: 'contractValue',
    soap: 'ContractValue',
    value: (l) => (l.index % 13 === 0 ? '12345678901234.57' : money(l.rng.int(100_000_000))),
  },
  {
    id: 103,
    displayName: 'Seats',
    dataType: 'integer',
    rest: 'seats',
    soap: 'Seats',
    value: (l) => 1 + l.rng.int(5000),
  },
  {
    id: 104,
    displayName: 'Renewal Date',
    dataType: 'date',
    rest: 'renewalDate',
    soap: 'RenewalDate',
    value: (l) => day(l.createdAt + (30 + l.rng.int(700)) * 86_400_000),
  },
  {
    id: 105,
    displayName: 'Last Demo At',
    dataType: 'datetime',
    rest: 'lastDemoAt',
    soap: 'LastDemoAt',
    value: (l) => iso(l.createdAt + l.rng.int(Math.max(1, l.updatedAt - l.createdAt))),
  },
  {
    id: 106,
    displayName: 'Is Partner',
    dataType: 'boolean',
    rest: 'isPartner',
    soap: 'IsPartner',
    value: (l) => l.rng.chance(0.2),
  },
  {
    id: 107,
    displayName: 'Fit Ratio',
    dataType: 'float',
    rest: 'fitRatio',
    soap: 'FitRatio',
    value: (l) => `${l.rng.int(10)}.${String(l.rng.int(1_000_000)).padStart(6, '0')}`,
  },
  {
    id: 108,
    displayName: 'Behavior Score',
    dataType: 'score',
    rest: 'behaviorScore',
    soap: 'BehaviorScore',
    value: (l) => l.rng.int(500),
  },
  {
    id: 109,
    displayName: 'Secondary Email',
    dataType: 'email',
    length: 255,
    rest: 'secondaryEmail',
    soap: 'SecondaryEmail',
    value: (l) => emailOf(l, 'alt.example'),
  },
  {
    id: 110,
    displayName: 'Profile URL',
    dataType: 'url',
    length: 255,
    rest: 'profileUrl',
    soap: 'ProfileUrl',
    value: (l) => `https://social.example/in/${l.id}`,
  },
  {
    id: 111,
    displayName: 'Assistant Phone',
    dataType: 'phone',
    length: 255,
    rest: 'assistantPhone',
    soap: 'AssistantPhone',
    value: (l) => `(312) 555-${String(l.id % 10_000).padStart(4, '0')}`,
  },
  {
    id: 112,
    displayName: 'Buying Role',
    dataType: 'lead_function',
    rest: 'buyingRole',
    soap: 'BuyingRole',
    value: (l) => l.rng.pick(LEAD_FUNCTIONS),
  },
  {
    id: 113,
    displayName: 'Account Owner Ref',
    dataType: 'reference',
    rest: 'accountOwnerRef',
    soap: 'AccountOwnerRef',
    value: (l) => `005${String(l.rng.int(1_000_000)).padStart(12, '0')}`,
  },
  {
    id: 114,
    displayName: 'Interest Notes',
    dataType: 'textarea',
    rest: 'interestNotes',
    soap: 'InterestNotes',
    value: (l) => `${l.rng.pick(NOTES)}\n${l.company}`,
  },
  {
    id: 115,
    displayName: 'Segment Code',
    dataType: 'string',
    length: 255,
    rest: 'segmentCode',
    soap: 'SegmentCode',
    // The text "null" as a real value: Marketo's export cannot tell it from an empty field.
    value: (l) => (l.index % 41 === 9 ? 'null' : `SEG-${l.rng.int(40)}`),
  },
  {
    id: 116,
    displayName: 'Region Nickname',
    dataType: 'string',
    length: 255,
    rest: 'regionNickname',
    soap: 'RegionNickname',
    // Empty fields: Marketo writes the literal null.
    value: (l) => (l.index % 7 === 2 ? null : l.rng.pick(CITIES)),
  },
  {
    id: 117,
    displayName: 'Total Pipeline Score',
    dataType: 'formula',
    rest: 'totalPipelineScore',
    soap: 'TotalPipelineScore',
    notExportable: true,
    value: (l) => l.rng.int(1000),
  },
];

export { COMPANIES, FIRST_NAMES, LAST_NAMES };
