import type { JSONSchema } from '@singer-ts/sdk';
import { LEADS } from './catalogue.js';
import { MarketoDescribeError } from './errors.js';
import { nullable, schemaOfDataType } from './field-types.js';

/** One item of `/rest/v1/leads/describe.json`. */
export interface DescribeField {
  id?: number;
  displayName?: string;
  dataType: string;
  length?: number;
  /** Absent when the field is not available through REST. */
  rest?: { name: string; readOnly?: boolean };
  soap?: { name: string; readOnly?: boolean };
}

export interface LeadSchema {
  schema: JSONSchema;
  /** Always selected: id, createdAt, updatedAt. */
  automatic: string[];
  /** Fields discovery lists with `inclusion: unsupported`, and why. */
  unsupported: Record<string, string>;
  /** Display names of describe fields skipped because REST cannot read them. */
  skipped: string[];
}

/**
 * The `leads` schema from describe: REST names as properties, types by `schemaOfDataType`, everything
 * nullable except the automatic fields. Formula fields stay in the schema (as singer-io has them) but are
 * marked unsupported, because bulk export refuses them (1003 Invalid fields).
 */
export function leadSchemaFromDescribe(fields: readonly DescribeField[]): LeadSchema {
  const properties: Record<string, JSONSchema> = {};
  const unsupported: Record<string, string> = {};
  const skipped: string[] = [];
  for (const [i, field] of fields.entries()) {
    if (!field || typeof field.dataType !== 'string') {
      throw new MarketoDescribeError(`describe field ${i} has no dataType`, { stream: LEADS.name });
    }
    if (!field.rest?.name) {
      skipped.push(field.displayName ?? field.soap?.name ?? `#${field.id ?? i}`);
      continue;
    }
    const name = field.rest.name;
    if (properties[name] !== undefined) {
      throw new MarketoDescribeError(`describe lists the REST name '${name}' twice`, {
        stream: LEADS.name,
        field: name,
      });
    }
    const base = schemaOfDataType(field.dataType);
    properties[name] = LEADS.automatic.includes(name) ? base : nullable(base);
    if (field.dataType === 'formula')
      unsupported[name] = 'formula fields are not exported by Marketo bulk extract';
  }
  for (const name of LEADS.automatic) {
    if (properties[name] === undefined) {
      throw new MarketoDescribeError(`describe has no REST field '${name}'`, {
        stream: LEADS.name,
        field: name,
      });
    }
  }
  return {
    schema: { type: 'object', additionalProperties: false, properties },
    automatic: [...LEADS.automatic],
    unsupported,
    skipped,
  };
}
