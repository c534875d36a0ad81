import { convertValue } from '../csv-records.js';
import { ZuoraSoapRecordError } from './errors.js';

export type SoapValue = ReturnType<typeof convertValue>;

/**
 * One SOAP record as the stream emits it. The soap package hands over each field as the text Zuora sent (see
 * connection.ts); it is typed here from the stream's Describe types exactly as AQuA's CSV values are, so both
 * modes emit the same values. Zuora leaves null fields out, so an absent field stays absent; the `xsi:type`
 * attribute the package keeps is dropped. A field the stream does not know is an error, never a silent extra.
 */
export function soapRecord(
  raw: Record<string, unknown>,
  stream: string,
  types: ReadonlyMap<string, string>,
): Record<string, SoapValue> {
  const record: Record<string, SoapValue> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'attributes' || field === '$attributes') continue;
    const type = types.get(field);
    if (type === undefined) {
      throw new ZuoraSoapRecordError(
        'Zuora sent a field the query did not select; the WSDL and the Describe answer disagree',
        { stream, field },
      );
    }
    if (value !== null && typeof value !== 'string') {
      throw new ZuoraSoapRecordError(`Zuora sent a structured value where ${type} text was expected`, {
        stream,
        field,
      });
    }
    try {
      record[field] = convertValue(value, type);
    } catch (e) {
      throw new ZuoraSoapRecordError(`${(e as Error).message} (Describe type ${type})`, { stream, field });
    }
  }
  return record;
}
