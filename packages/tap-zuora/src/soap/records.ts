import { compileRecordConverter, type JSONSchema } from '@singer-ts/sdk';
import { ZuoraSoapRecordError } from './errors.js';

export type SoapRecord = Record<string, unknown>;

/**
 * Converts SOAP records to the stream's schema. The soap package hands over each field as the text Zuora sent
 * (see connection.ts); the SDK's converter types it from the schema exactly as AQuA's CSV cells are typed
 * (integers and decimals exact, date-times in UTC), so both modes emit the same values. Zuora leaves null
 * fields out, so an absent field stays absent; the `xsi:type` attribute the package keeps is dropped; a field
 * the schema lacks, or text that is not of its type, fails naming the stream and the field.
 */
export function soapRecordConverter(
  stream: string,
  schema: JSONSchema,
): (raw: Record<string, unknown>) => SoapRecord {
  const convert = compileRecordConverter(stream, schema, { error: ZuoraSoapRecordError });
  return (raw) => {
    const { attributes: _attributes, ...fields } = raw;
    return convert(fields as Parameters<typeof convert>[0]);
  };
}
