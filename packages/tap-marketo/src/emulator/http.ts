import type { IncomingMessage, ServerResponse } from 'node:http';
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
 * Streams bytes [start, end] of a file produced as chunks, respecting backpressure; with `cutAfter`,
 * destroys the connection after that many bytes (a download broken mid-file).
 */
export async function streamRange(
  res: ServerResponse,
  chunks: Iterable<Buffer>,
  start: number,
  end: number,
  cutAfter?: number,
): Promise<void> {
  let offset = 0;
  let sent = 0;
  const limit = cutAfter ?? Infinity;
  for (const chunk of chunks) {
    const from = Math.max(0, start - offset);
    const to = Math.min(chunk.length, end + 1 - offset);
    offset += chunk.length;
    if (to <= from) {
      if (offset > end) break;
      continue;
    }
    let piece = chunk.subarray(from, to);
    if (sent + piece.length >= limit) {
      piece = piece.subarray(0, Math.max(0, limit - sent));
      res.write(piece, () => res.destroy());
      return;
    }
    sent += piece.length;
    if (res.destroyed) return;
    if (!res.write(piece))
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    if (offset > end) break;
  }
  res.end();
}
