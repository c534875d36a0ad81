/** Reading what a vendor said in an error response, briefly and without keeping a large body. */
import { parseJson } from '../json/lossless-json.js';

const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_MESSAGE_LENGTH = 300;

/** The first 64 KiB of an error body, parsed as JSON when it is JSON; the rest is discarded. */
export async function readErrorBody(body: AsyncIterable<Buffer | Uint8Array>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      chunks.push(buffer.subarray(0, MAX_ERROR_BODY_BYTES - size));
      size += buffer.length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // The status already says what went wrong; a body cut short only loses detail.
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return parseJson(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The message in the common error shapes: `{"error":{"message"}}`, OAuth's `error` +
 * `error_description`, `message`, `errors[0].message`, Zuora's `reasons[0].message`; otherwise the
 * start of a text body.
 */
export function vendorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text === '' ? undefined : shorten(text);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'object' && error !== null) {
    const nested = vendorMessage(error);
    if (nested !== undefined) return nested;
  }
  if (typeof error === 'string') {
    const description = firstString(record.error_description, record.description, record.message);
    return shorten(description === undefined ? error : `${error}: ${description}`);
  }
  const direct = firstString(
    record.message,
    record.error_description,
    record.detail,
    record.description,
    record.title,
  );
  if (direct !== undefined) return shorten(direct);
  for (const listName of ['errors', 'reasons', 'Errors']) {
    const list = record[listName];
    if (Array.isArray(list) && list.length > 0) {
      const first = list[0];
      if (typeof first === 'string') return shorten(first);
      if (typeof first === 'object' && first !== null) {
        const item = first as Record<string, unknown>;
        const text = firstString(item.message, item.Message, item.detail, item.title, item.description);
        const code = firstString(item.code, item.Code);
        if (text !== undefined) return shorten(code === undefined ? text : `${code} ${text}`);
      }
    }
  }
  return undefined;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

function shorten(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}
