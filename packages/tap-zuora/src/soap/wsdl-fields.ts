import type { Client } from 'soap';

/** Where Zuora's WSDL declares its objects (`Account`, `Invoice`, … extending `zObject`). */
export const ZUORA_OBJECT_NAMESPACE = 'http://object.api.zuora.com/';

interface SchemaType {
  description(definitions: unknown): Record<string, unknown>;
}

/**
 * The fields the WSDL declares for an object (inherited `Id` included): exactly what this tenant and user may
 * read through SOAP, at the WSDL's version. Undefined when the WSDL has no such object.
 */
export function wsdlObjectFields(client: Client, object: string): ReadonlySet<string> | undefined {
  const definitions = client.wsdl.definitions as unknown as {
    schemas: Record<string, { complexTypes?: Record<string, SchemaType> }>;
  };
  const type = definitions.schemas[ZUORA_OBJECT_NAMESPACE]?.complexTypes?.[object];
  if (!type) return undefined;
  // Repeated elements are keyed `name[]` by the soap package.
  return new Set(Object.keys(type.description(definitions)).map((name) => name.replace(/\[\]$/, '')));
}
