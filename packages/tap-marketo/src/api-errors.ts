import { SingerError } from '@singer-ts/sdk';

/** What a client does about a Marketo error code (Marketo's error-code reference, restated). */
export type MarketoErrorAction =
  /** 601, 602: get a new token from the identity endpoint and repeat the call once. */
  | 'renew-token'
  /** 604, 608, 611, 614, 713: transient; retry with backoff. */
  | 'retry'
  /** 606: more than 100 calls in 20 s across the instance; wait for the window (≥ 20 s). */
  | 'wait-rate-window'
  /** 615: more than 10 calls in flight; short wait. */
  | 'wait-concurrency'
  /** 607: the daily call quota is used; stop and resume after midnight US Central. */
  | 'stop-daily-quota'
  /** 1029 "Too many jobs in queue": wait for the export queue. */
  | 'wait-export-queue'
  /** 1029 "Export daily quota exceeded": stop until midnight US Central. */
  | 'stop-export-quota'
  /** 1029 "Job already queued": the enqueue already happened. */
  | 'already-queued'
  /** 1035: the updatedAt / smart-list lead filter is not enabled; fall back to createdAt windows. */
  | 'no-updated-at-filter'
  /** 702: no data; an empty result. */
  | 'empty'
  /** 703: the feature is not enabled for the subscription. */
  | 'skip-feature'
  /** Anything else (603 permissions, 605, 609, 610, 612, 613, 616, 701, 704, 709, 1003, …). */
  | 'fatal';

/** Codes the docs say do not count against the daily quota or the rate limit. */
const UNCOUNTED = new Set(['601', '602', '604', '605', '608', '611']);

const BY_CODE: Readonly<Record<string, MarketoErrorAction>> = {
  '601': 'renew-token',
  '602': 'renew-token',
  '604': 'retry',
  '606': 'wait-rate-window',
  '607': 'stop-daily-quota',
  '608': 'retry',
  '611': 'retry',
  '614': 'retry',
  '615': 'wait-concurrency',
  '702': 'empty',
  '703': 'skip-feature',
  '713': 'retry',
  '1035': 'no-updated-at-filter',
};

export function classifyMarketoError(
  code: string,
  message: string,
): { action: MarketoErrorAction; counted: boolean } {
  let action = BY_CODE[code] ?? 'fatal';
  // 1029 carries three different conditions, told apart only by the message.
  if (code === '1029') {
    action = /quota/i.test(message)
      ? 'stop-export-quota'
      : /already queued/i.test(message)
        ? 'already-queued'
        : 'wait-export-queue';
  }
  return { action, counted: !UNCOUNTED.has(code) };
}

/** A `success:false` answer (HTTP 200), with Marketo's code and message and what to do about it. */
export class MarketoApiError extends SingerError {
  override readonly code: string = 'SINGER_MARKETO_API';
  readonly marketoCode: string;
  readonly marketoMessage: string;
  readonly requestId: string | undefined;
  readonly action: MarketoErrorAction;

  constructor(
    call: string,
    marketoCode: string,
    marketoMessage: string,
    requestId: string | undefined,
    context: { stream?: string } = {},
  ) {
    super(
      `${call}: Marketo error ${marketoCode}: ${marketoMessage}${requestId ? ` (requestId ${requestId})` : ''}`,
      {
        ...context,
        call,
      },
    );
    this.marketoCode = marketoCode;
    this.marketoMessage = marketoMessage;
    this.requestId = requestId;
    this.action = classifyMarketoError(marketoCode, marketoMessage).action;
  }
}

/** A body that is not Marketo's JSON envelope at all (an HTML gateway page, a truncated body, …). */
export class MarketoResponseError extends SingerError {
  override readonly code: string = 'SINGER_MARKETO_RESPONSE';
}

export interface EnvelopePage {
  result: unknown[];
  nextPageToken?: string;
  moreResult?: boolean;
  /** Warnings as text: the Asset API sends strings, the Lead Database API `{code, message}`. */
  warnings: string[];
  requestId?: string;
}

/**
 * The page inside a Marketo envelope, or the typed error of a `success:false` one. A failure has no
 * `result` (reading `result[0]` blindly is a known crash elsewhere); all its errors are named, the
 * first one decides the action.
 */
export function readEnvelope(body: unknown, call: string, context: { stream?: string } = {}): EnvelopePage {
  if (!body || typeof body !== 'object' || typeof (body as { success?: unknown }).success !== 'boolean') {
    throw new MarketoResponseError(`${call}: the answer is not a Marketo JSON envelope`, {
      ...context,
      call,
    });
  }
  const b = body as Record<string, unknown>;
  const requestId = typeof b.requestId === 'string' ? b.requestId : undefined;
  if (b.success === false) {
    const errors = Array.isArray(b.errors) ? (b.errors as { code?: unknown; message?: unknown }[]) : [];
    const first = errors[0];
    const code = first?.code === undefined ? 'unknown' : String(first.code);
    const message = errors
      .map((e) => (e === first ? String(e.message ?? '') : `${String(e.code)}: ${String(e.message ?? '')}`))
      .join('; ');
    throw new MarketoApiError(call, code, message || 'no message', requestId, context);
  }
  const warnings = (Array.isArray(b.warnings) ? b.warnings : []).map((w) =>
    typeof w === 'string'
      ? w
      : `${String((w as { code?: unknown }).code)}: ${String((w as { message?: unknown }).message)}`,
  );
  return {
    result: Array.isArray(b.result) ? b.result : [],
    ...(typeof b.nextPageToken === 'string' ? { nextPageToken: b.nextPageToken } : {}),
    ...(typeof b.moreResult === 'boolean' ? { moreResult: b.moreResult } : {}),
    warnings,
    ...(requestId ? { requestId } : {}),
  };
}

/** How the Asset API says a search is exhausted (a warning, not an empty page). */
export const NO_ASSETS_WARNING = 'No assets found for the given search criteria.';
