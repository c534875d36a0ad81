import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HttpFailure } from './envelope.js';

/** Marketo's request limits: URI ≤ 8 KB (else 414), body ≤ 1 MB (else 413). */
export const MAX_URI_BYTES = 8 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON or form-encoded body; over 1 MB answers 413. Invalid JSON gives 609 upstream. */
export async function readBody(
  req: IncomingMessage,
): Promise<{ text: string; form: URLSearchParams | null }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(413, 'Request Entity Too Large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  return {
    text,
    form: type.includes('application/x-www-form-urlencoded') ? new URLSearchParams(text) : null,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const buf = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': buf.length });
  res.end(buf);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  type = 'text/plain;charset=UTF-8',
  headers: Record<string, string> = {},
): void {
  const buf = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': buf.length });
  res.end(buf);
}

/** A `Range: bytes=a-b` header resolved against a file of `size` bytes; null when absent, 416 when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw rangeNotSatisfiable(size);
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw rangeNotSatisfiable(size);
  return { start, end };
}

function rangeNotSatisfiable(size: number): HttpFailure {
  return new HttpFailure(416, 'Requested Range Not Satisfiable', { 'Content-Range': `bytes */${size}` });
}

/**
 * Sends bytes [start, end] of a file; with `cutAfter`, sends only that many and then destroys the
 * connection (a download broken mid-file). A client going away mid-download is not an error.
 */
export async function sendFileRange(
  res: ServerResponse,
  path: string,
  start: number,
  end: number,
  cutAfter?: number,
): Promise<void> {
  const last = cutAfter === undefined ? end : Math.min(end, start + cutAfter - 1);
  try {
    if (last < start) {
      res.destroy();
      return;
    }
    const source = createReadStream(path, { start, end: last });
    if (cutAfter === undefined) {
      await pipeline(source, res);
      return;
    }
    await pipeline(source, res, { end: false });
    res.destroy();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
  }
}
