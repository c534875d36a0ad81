import type { IncomingMessage, ServerResponse } from 'node:http';

/** Thrown by handlers to answer with an error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json; charset=utf-8',
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

let processSeq = 0;

/** The modern `/v1` envelope: `{success: false, processId, reasons: [{code, message}]}`. */
export function reasons(code: number | string, message: string): Record<string, unknown> {
  return {
    success: false,
    processId: `E${(++processSeq).toString(16).padStart(15, '0').toUpperCase()}`,
    reasons: [{ code, message }],
  };
}

/** The CRUD/Actions envelope, capitalised: `{Success: false, Errors: [{Code, Message}]}`. */
export function crudErrors(code: string, message: string): Record<string, unknown> {
  return { Success: false, Errors: [{ Code: code, Message: message }] };
}

export const unauthorized = () => new HttpError(401, reasons(90000011, 'Authentication error'));

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType?: string,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const buf = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    ...headers,
    'Content-Type':
      contentType ??
      (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
    'Content-Length': buf.length,
  });
  res.end(buf);
}

/** Reads the request body as text (bodies here are small: JSON, forms and SOAP envelopes). */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
