/**
 * Marketo's JSON envelope. Every JSON endpoint answers HTTP 200, failures included: `success:false` with
 * `errors[{code, message}]`, the code a quoted string. Real HTTP errors are rare (401 on identity,
 * 413/414, 5xx from the gateway, 404 plain text from the bulk file endpoint).
 */

/** The messages Marketo sends with each code (docs wording where documented). */
export const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  '601': 'Access token invalid',
  '602': 'Access token expired',
  '603': 'Access denied',
  '604': 'Request time-out',
  '605': 'HTTP Method not supported',
  '606': "Max rate limit '100' exceeded with in '20' secs",
  '607': 'Daily quota reached',
  '608': 'API Temporarily Unavailable',
  '609': 'Invalid JSON',
  '610': 'Requested resource not found',
  '611': 'System error',
  '612': 'Invalid Content Type',
  '613': 'Invalid Multipart Request',
  '614': 'Invalid Subscription',
  '615': 'Concurrent access limit reached',
  '616': 'Invalid subscription type',
  '701': 'cannot be blank',
  '702': 'No data found for given search scenario',
  '703': 'The feature is not enabled for the subscription',
  '704': 'Invalid date format',
  '709': 'Business Rule Violation',
  '710': 'Parent Folder Not Found',
  '711': 'Incompatible Folder Type',
  '712': 'Merge operation invalid to Person Account',
  '713': 'Transient Error',
  '1003': 'Invalid data',
  '1029': 'Too many jobs in queue',
  '1035': 'Unsupported filter type for target subscription',
};

/** Codes the docs say are not counted against the daily quota or the rate limit. */
export const UNCOUNTED_CODES: ReadonlySet<string> = new Set(['601', '602', '604', '605', '608', '611']);

/** Thrown by a handler to answer `success:false` with one Marketo error. */
export class MarketoFailure extends Error {
  readonly code: string;
  constructor(code: string | number, message?: string) {
    const c = String(code);
    super(message ?? ERROR_MESSAGES[c] ?? `Error ${c}`);
    this.code = c;
  }
}

/** Thrown by a handler to answer with a real HTTP status and a body (plain text unless an object). */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** `e42b#18c0f3e7a11`: four hex digits, `#`, the time in hex; deterministic per emulator. */
export class RequestIds {
  private n = 0;
  constructor(private readonly seed: number) {}
  next(nowMs: number): string {
    this.n += 1;
    const prefix = ((this.seed + this.n * 0x9e37) & 0xffff).toString(16).padStart(4, '0');
    return `${prefix}#${(nowMs + this.n).toString(16)}`;
  }
}

export interface SuccessBody {
  result?: unknown[];
  nextPageToken?: string;
  moreResult?: boolean;
  warnings?: unknown[];
  [key: string]: unknown;
}

export function successEnvelope(requestId: string, body: SuccessBody): Record<string, unknown> {
  return { requestId, success: true, ...body };
}

export function failureEnvelope(requestId: string, failure: MarketoFailure): Record<string, unknown> {
  return { requestId, success: false, errors: [{ code: failure.code, message: failure.message }] };
}
