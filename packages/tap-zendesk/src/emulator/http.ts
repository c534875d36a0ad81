import type { IncomingMessage, ServerResponse } from 'node:http';

export const NOT_FOUND_ENDPOINT = { error: 'InvalidEndpoint', description: 'Not found' };
export const NOT_FOUND_RECORD = { error: 'RecordNotFound', description: 'Not found' };
export const FORBIDDEN_PLAN = {
  error: {
    title: 'Forbidden',
    message:
      'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  },
};
export const FORBIDDEN_RESTRICTED = {
  error: {
    title: 'Forbidden',
    message:
      'Access to this resource is restricted. Please contact the account administrator for assistance.',
  },
};
export const FORBIDDEN_SCOPE = {
  error: 'Forbidden',
  description: 'Missing the following required scopes: read',
};

/** Per-request state shared by the router, the handlers and the response writers. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path below /api/v2 without the optional .json suffix, e.g. "/incremental/tickets/cursor". */
  path: string;
  /** Emulator clock, milliseconds and seconds. */
  nowMs: number;
  now: number;
  /** Origin of the emulator, used for every link. */
  base: string;
  /** Extra headers (rate limit) added to whatever response is sent. */
  headers: Record<string, string>;
  /** Fault injection: cut the body after about half of it and destroy the socket. */
  truncate: boolean;
  status?: number;
}

/** Thrown by handlers to answer with an error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json; charset=utf-8',
    readonly extraHeaders: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const badRequest = (description: string, error = 'InvalidValue') =>
  new HttpError(400, { error, description });

function writeHead(
  ctx: Ctx,
  status: number,
  contentType: string,
  extra: Record<string, string>,
  length?: number,
): void {
  ctx.status = status;
  const headers: Record<string, string | number> = { ...ctx.headers, ...extra, 'Content-Type': contentType };
  if (length !== undefined) headers['Content-Length'] = length;
  ctx.res.writeHead(status, headers);
}

/** Sends a complete body; with `truncate`, sends half of it and kills the connection. */
export function send(
  ctx: Ctx,
  status: number,
  body: unknown,
  contentType?: string,
  extra: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type =
    contentType ??
    (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  const buf = Buffer.from(text, 'utf8');
  if (ctx.truncate) {
    writeHead(ctx, status, type, extra, buf.length);
    ctx.res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => ctx.res.destroy());
    return;
  }
  writeHead(ctx, status, type, extra, buf.length);
  ctx.res.end(buf);
}

/**
 * Streams `{"<key>":[r1,r2,…],<tail>}` in chunks, so a page of 1000 large records never becomes one string.
 * `tail` is the JSON of the remaining top-level fields without braces (e.g. `"count":3,"next_page":null`).
 */
export async function streamCollection(
  ctx: Ctx,
  key: string,
  records: Iterable<unknown>,
  tail: Record<string, unknown>,
  before: Record<string, unknown> = {},
): Promise<void> {
  writeHead(ctx, 200, 'application/json; charset=utf-8', {});
  const res = ctx.res;
  const head: string[] = ['{'];
  for (const [k, v] of Object.entries(before)) head.push(`${JSON.stringify(k)}:${JSON.stringify(v)},`);
  head.push(`${JSON.stringify(key)}:[`);
  // Records are stringified one by one and flushed as ~256 KiB buffers: no page-sized string is ever built.
  let parts: string[] = head;
  let size = 0;
  let first = true;
  let flushed = 0;
  for (const r of records) {
    const json = JSON.stringify(r);
    parts.push(first ? json : `,${json}`);
    first = false;
    size += json.length;
    if (size >= 262_144) {
      const buf = Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
      if (ctx.truncate && ++flushed >= 2) {
        res.write(buf, () => res.destroy());
        return;
      }
      if (!res.write(buf)) await new Promise<void>((resolve) => res.once('drain', resolve));
    }
  }
  parts.push(']');
  for (const [k, v] of Object.entries(tail)) parts.push(`,${JSON.stringify(k)}:${JSON.stringify(v)}`);
  parts.push('}');
  const last = Buffer.from(parts.join(''), 'utf8');
  if (ctx.truncate) {
    res.write(last.subarray(0, Math.max(1, Math.floor(last.length / 2))), () => res.destroy());
    return;
  }
  res.end(last);
}

/** Reads a request body (JSON or form-encoded) into an object; invalid bodies give {}. */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
