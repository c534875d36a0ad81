/**
 * Errors reported inside a successful HTTP answer: `{"success": false, "errors": [{"code", "message"}]}`
 * (Marketo) or `{"success": false, "reasons": [...]}` (Zuora). A code table decides what the client
 * does — renew the token and repeat once, wait and retry, retry with backoff, or fail with the
 * vendor's code and message — and the result plugs into `HttpClientOptions.parseErrorBody`.
 */
import type { ErrorBodyParser, ErrorVerdict } from './types.js';

export interface EnvelopeErrorRules {
  /** The key whose `false` marks a failure; `success` unless set. */
  successKey?: string;
  /** The list of `{code, message}` items; `errors` unless set (Zuora: `reasons`). */
  errorsKey?: string;
  /** Codes meaning the token is invalid or expired: renew it and repeat the call once. */
  reauthenticate?: readonly string[];
  /** Codes of a server-side limit, with the wait before the next try (the limiter holds every stream). */
  wait?: Readonly<Record<string, number>>;
  /** Transient codes, retried with the client's backoff. */
  retry?: readonly string[];
  /**
   * For codes whose meaning depends on the message (one code for "queue full" and "quota used"):
   * a verdict to use instead of the table's, or undefined to fall back to it.
   */
  refine?: (code: string, message: string) => Partial<ErrorVerdict> | undefined;
}

interface VendorItem {
  code?: unknown;
  message?: unknown;
}

/**
 * A `parseErrorBody` hook from a code table. Every error of the body is named in the message, the
 * first decides what happens; a code in no list fails the call at once (VendorApiError, with the
 * stream, method and path the client adds).
 */
export function envelopeErrors(rules: EnvelopeErrorRules): ErrorBodyParser {
  const successKey = rules.successKey ?? 'success';
  const errorsKey = rules.errorsKey ?? 'errors';
  const reauthenticate = new Set(rules.reauthenticate ?? []);
  const retry = new Set(rules.retry ?? []);
  const wait = rules.wait ?? {};
  return (body) => {
    if (typeof body !== 'object' || body === null) return undefined;
    const envelope = body as Record<string, unknown>;
    if (envelope[successKey] !== false) return undefined;
    const items = Array.isArray(envelope[errorsKey]) ? (envelope[errorsKey] as VendorItem[]) : [];
    const first = items[0];
    const code = first?.code === undefined || first.code === null ? 'unknown' : String(first.code);
    const firstMessage = typeof first?.message === 'string' ? first.message : '';
    const message =
      items.length === 0
        ? `${successKey}: false without ${errorsKey}`
        : items.map((item) => `${String(item.code ?? '?')} ${String(item.message ?? '')}`.trim()).join('; ');
    const base: ErrorVerdict = { message, code };
    const refined = rules.refine?.(code, firstMessage);
    if (refined !== undefined) return { ...base, ...refined };
    if (reauthenticate.has(code)) return { ...base, reauthenticate: true };
    const waitMs = wait[code];
    if (waitMs !== undefined) return { ...base, rateLimited: true, retryAfterMs: waitMs };
    if (retry.has(code)) return { ...base, retryable: true };
    return base;
  };
}
