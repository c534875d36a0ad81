import { type ErrorBodyParser, envelopeErrors } from '@singer-ts/sdk';

/**
 * Zuora's `/v1` envelope `{"success": false, "reasons": [{code, message}]}` (often HTTP 200). The last two
 * digits of the eight-digit code are the category: 11 authentication failed (a new token, once), 50 lock
 * contention, 61 temporary, 99 external system (retry), 70 concurrency limit (wait), 60 internal (retry a few
 * times); anything else is the request's fault and fails with Zuora's words.
 */
const v1Errors = envelopeErrors({
  errorsKey: 'reasons',
  refine: (code) => {
    const category = code.slice(-2);
    if (!/^\d{8}$/.test(code)) return undefined;
    if (category === '11') return { reauthenticate: true };
    if (category === '70') return { rateLimited: true, retryAfterMs: 5_000 };
    if (['50', '60', '61', '99'].includes(category)) return { retryable: true };
    return undefined;
  },
});

/** The CRUD/Actions envelope `{"Success": false, "Errors": [{Code, Message}]}`. */
function crudErrors(body: Record<string, unknown>): ReturnType<ErrorBodyParser> {
  if (body.Success !== false) return undefined;
  const items = Array.isArray(body.Errors) ? (body.Errors as { Code?: unknown; Message?: unknown }[]) : [];
  const code = items[0]?.Code === undefined ? 'unknown' : String(items[0].Code);
  const message =
    items.length === 0
      ? 'Success: false without Errors'
      : items.map((e) => `${String(e.Code ?? '?')} ${String(e.Message ?? '')}`.trim()).join('; ');
  return {
    message,
    code,
    ...(code === 'LOCK_COMPETITION' || code === 'TEMPORARY_ERROR' ? { retryable: true } : {}),
    ...(code === 'REQUEST_EXCEEDED_RATE' ? { rateLimited: true, retryAfterMs: 5_000 } : {}),
  };
}

/**
 * AQuA answers a refused submit with HTTP 200 and `{errorCode, message}`; the status call answers the same way
 * for an unknown job. 90028 (too many concurrent jobs) waits for a slot, 90006/90008/90010/90022 (storage,
 * database, internal) retry; every other code is final.
 */
function aquaErrors(body: Record<string, unknown>): ReturnType<ErrorBodyParser> {
  if (body.errorCode === undefined || body.errorCode === null || body.errorCode === '') return undefined;
  const code = String(body.errorCode);
  const message = `${code} ${typeof body.message === 'string' ? body.message : 'no message'}`;
  if (code === '90028') return { message, code, rateLimited: true, retryAfterMs: 30_000 };
  if (['90006', '90008', '90010', '90022'].includes(code)) return { message, code, retryable: true };
  return { message, code };
}

/** Every Zuora error envelope, for the HTTP client's `parseErrorBody` (HTTP 200 bodies included). */
export const zuoraErrors: ErrorBodyParser = (body, response) => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  return v1Errors(b, response) ?? crudErrors(b) ?? aquaErrors(b);
};
