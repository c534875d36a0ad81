/** From a request as a stream describes it to the request that goes out: URL, query, headers, body. */
import { serializeJson } from '../json/lossless-json.js';
import type { HttpRequest, PreparedRequest } from './types.js';

export interface RequestDefaults {
  accept: string;
  userAgent: string;
  compression: boolean;
  /** Client-wide headers; the request's own win. */
  headers: Record<string, string>;
}

/** Absolute URLs as they are; anything else appended to the base URL's path (`/api/v2` + `/tickets`). */
export function resolveUrl(baseUrl: URL, url: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new URL(url);
  const base = baseUrl.href.replace(/\/+$/, '');
  if (url === '' || url.startsWith('?')) return new URL(`${base}${url}`);
  return new URL(`${base}/${url.replace(/^\/+/, '')}`);
}

export function prepareRequest(
  baseUrl: URL,
  request: HttpRequest,
  defaults: RequestDefaults,
): PreparedRequest {
  const url = resolveUrl(baseUrl, request.url);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, String(item));
    else url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { 'user-agent': defaults.userAgent, accept: defaults.accept };
  if (defaults.compression) headers['accept-encoding'] = 'gzip, deflate, br';
  for (const [name, value] of Object.entries(defaults.headers)) headers[name.toLowerCase()] = value;
  let body: string | Uint8Array | undefined = request.body;
  if (request.json !== undefined) {
    body = serializeJson(request.json);
    headers['content-type'] = 'application/json';
  } else if (request.form !== undefined) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form))
      if (value !== undefined) form.set(name, String(value));
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  return { method: (request.method ?? 'GET').toUpperCase(), url, headers, body };
}
