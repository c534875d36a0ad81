/** Singer message types: the Singer spec plus Meltano's ACTIVATE_VERSION and BATCH extensions. */
import type { JSONSchema } from '../schema/json-schema.js';

export interface SchemaMessage {
  type: 'SCHEMA';
  stream: string;
  schema: JSONSchema;
  key_properties: string[];
  bookmark_properties?: string[];
}

export interface RecordMessage<R = Record<string, unknown>> {
  type: 'RECORD';
  stream: string;
  record: R;
  version?: number;
  /** RFC 3339 UTC timestamp of when the record was extracted. */
  time_extracted?: string;
}

export interface StateMessage {
  type: 'STATE';
  value: unknown;
}

export interface ActivateVersionMessage {
  type: 'ACTIVATE_VERSION';
  stream: string;
  version: number;
}

export interface BatchMessage {
  type: 'BATCH';
  stream: string;
  encoding: { format: string; compression?: string | null };
  manifest: string[];
}

export type SingerMessage =
  | SchemaMessage
  | RecordMessage
  | StateMessage
  | ActivateVersionMessage
  | BatchMessage;

export type MessageType = SingerMessage['type'];
