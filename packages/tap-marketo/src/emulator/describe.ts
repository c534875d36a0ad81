import { LEAD_FIELDS, type LeadField } from './fields.js';

// The lead describe endpoints, and field lookup by REST name for bulk export validation.

const BY_REST = new Map(LEAD_FIELDS.filter((f) => f.rest).map((f) => [f.rest as string, f]));

export function leadFieldByRestName(name: string): LeadField | undefined {
  return BY_REST.get(name);
}

/** The `describe.json` result: fields without REST access have no `rest` object. */
export function describeResult(): unknown[] {
  return LEAD_FIELDS.map((f) => ({
    id: f.id,
    displayName: f.displayName,
    dataType: f.dataType,
    ...(f.length === undefined ? {} : { length: f.length }),
    ...(f.rest === undefined ? {} : { rest: { name: f.rest, readOnly: f.readOnly === true } }),
    soap: { name: f.soap, readOnly: f.readOnly === true },
  }));
}

/** The `describe2.json` result: one object with the REST fields and the searchable ones. */
export function describe2Result(): unknown[] {
  const rest = LEAD_FIELDS.filter((f) => f.rest !== undefined);
  return [
    {
      name: 'API Lead',
      searchableFields: [['email'], ['id'], ['cookies'], ['leadPartitionId']],
      fields: rest.map((f) => ({
        name: f.rest,
        displayName: f.displayName,
        dataType: f.dataType,
        ...(f.length === undefined ? {} : { length: f.length }),
        updateable: f.readOnly !== true,
        crmManaged: false,
      })),
    },
  ];
}
