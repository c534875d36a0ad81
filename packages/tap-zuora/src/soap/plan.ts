import { zoqlDateTime } from '../query.js';
import type { PropertyPlan, StreamPlan } from '../stream-schema.js';

/**
 * A stream as SOAP can read it, given the fields the WSDL declares for its object. The catalog stays the one
 * every mode discovers (same streams, names and schemas as singer-io/tap-zuora), but ZOQL has no joins: a
 * joined id (`BillToContact.Id`) is read from the object's own field of that name (`BillToContactId`) when
 * there is one, and every property SOAP cannot read is marked unsupported.
 */
export function soapStreamPlan(plan: StreamPlan, soapFields: ReadonlySet<string>): StreamPlan {
  const properties = plan.properties.map((p): PropertyPlan => {
    const readable = p.type !== 'deleted' && soapFields.has(p.property);
    if (readable && p.query === p.property) return p;
    // The own field holds the id the join would have given; `joinedObject` stays, so the catalog keeps
    // singer-io's metadata and means the same in every mode.
    if (readable) return { ...p, query: p.property };
    return p.inclusion === 'unsupported' ? p : { ...p, inclusion: 'unsupported' };
  });
  return { ...plan, properties };
}

/** The ZOQL select list: automatic properties and the selected ones SOAP can read. */
export function soapSelectList(plan: StreamPlan, selected: ReadonlySet<string> | undefined): string[] {
  return plan.properties
    .filter(
      (p) =>
        p.inclusion === 'automatic' ||
        (p.inclusion === 'available' && (!selected || selected.has(p.property))),
    )
    .map((p) => p.query);
}

/**
 * `select … from X [where rk >= 'from']`. ZOQL has no `order by`, so records arrive unordered and the bookmark
 * moves only when the stream ends; the bound is the bookmark itself (seconds, UTC), with no safety lag, so a
 * change stamped at the start of the run is read by it.
 */
export function soapQuery(plan: StreamPlan, fields: readonly string[], from: string | undefined): string {
  let query = `select ${fields.join(', ')} from ${plan.stream}`;
  if (plan.replicationKey && from !== undefined) {
    query += ` where ${plan.replicationKey} >= '${zoqlDateTime(from)}'`;
  }
  return query;
}
