import {
  type JSONSchema,
  type RawValue,
  compileRecordConverter as sdkConverter,
  toUtcTimestamp,
} from '@singer-ts/sdk';
import { MarketoValueError } from './errors.js';

export type { RawValue };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * UTC RFC 3339 from any Marketo timestamp: `2024-05-01T12:00:00Z`, `…+0000`, `…-05:00`, the Asset API's
 * `2015-05-21T22:45:13Z+0000`, and dates (`2024-05-01`, read as midnight UTC).
 */
export function marketoTimestamp(raw: string): string | undefined {
  const t = raw.trim();
  if (DATE_ONLY.test(t)) return toUtcTimestamp(`${t}T00:00:00Z`);
  return toUtcTimestamp(/Z[+-]\d{2}:?\d{2}$/.test(t) ? t.replace('Z', '') : t);
}

/** The SDK's schema-driven converter with Marketo's timestamp forms and this tap's error code. */
export function compileRecordConverter(
  stream: string,
  schema: JSONSchema,
): (raw: Record<string, RawValue>, line?: number) => Record<string, unknown> {
  return sdkConverter(stream, schema, { timestamp: marketoTimestamp, error: MarketoValueError });
}
