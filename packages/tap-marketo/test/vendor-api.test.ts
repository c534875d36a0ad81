import { describe, expect, it } from 'vitest';
import { classifyMarketoError, MarketoApiError, NO_ASSETS_WARNING, readEnvelope } from '../src/api-errors.js';
import { centralDay, nextCentralMidnight } from '../src/central-time.js';
import { exportWindows, filterTime } from '../src/export-windows.js';

describe('Marketo error codes', () => {
  it('maps each documented code to what a client does, and says whether it is counted', () => {
    expect(classifyMarketoError('601', '')).toEqual({ action: 'renew-token', counted: false });
    expect(classifyMarketoError('602', '')).toEqual({ action: 'renew-token', counted: false });
    expect(classifyMarketoError('606', '')).toEqual({ action: 'wait-rate-window', counted: true });
    expect(classifyMarketoError('607', '')).toEqual({ action: 'stop-daily-quota', counted: true });
    expect(classifyMarketoError('615', '').action).toBe('wait-concurrency');
    expect(classifyMarketoError('604', '')).toEqual({ action: 'retry', counted: false });
    expect(classifyMarketoError('713', '')).toEqual({ action: 'retry', counted: true });
    expect(classifyMarketoError('603', '').action).toBe('fatal');
    expect(classifyMarketoError('1003', 'Invalid fields [fax]').action).toBe('fatal');
    expect(classifyMarketoError('1035', '').action).toBe('no-updated-at-filter');
    expect(classifyMarketoError('702', '').action).toBe('empty');
  });

  it('tells the three 1029 conditions apart by their message', () => {
    expect(classifyMarketoError('1029', 'Too many jobs in queue').action).toBe('wait-export-queue');
    expect(classifyMarketoError('1029', 'Export daily quota exceeded').action).toBe('stop-export-quota');
    expect(classifyMarketoError('1029', 'Job already queued').action).toBe('already-queued');
  });
});

describe('reading the envelope', () => {
  it('returns the page of a success, with warnings of either shape as text', () => {
    const page = readEnvelope(
      {
        requestId: 'a#1',
        success: true,
        result: [{ id: 1 }],
        nextPageToken: 'T',
        moreResult: true,
        warnings: [{ code: '1', message: 'w' }],
      },
      'GET campaigns',
    );
    expect(page).toEqual({
      result: [{ id: 1 }],
      nextPageToken: 'T',
      moreResult: true,
      warnings: ['1: w'],
      requestId: 'a#1',
    });
    const end = readEnvelope(
      { requestId: 'b#2', success: true, warnings: [NO_ASSETS_WARNING] },
      'GET programs',
    );
    expect(end.result).toEqual([]);
    expect(end.warnings).toEqual([NO_ASSETS_WARNING]);
  });

  it('turns success:false into a typed error naming the call, code, message, request and stream', () => {
    try {
      readEnvelope(
        {
          requestId: 'c#3',
          success: false,
          errors: [{ code: '1029', message: 'Export daily quota exceeded' }],
        },
        'POST bulk/v1/leads/export/create.json',
        { stream: 'leads' },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MarketoApiError);
      const err = e as MarketoApiError;
      expect(err).toMatchObject({ marketoCode: '1029', action: 'stop-export-quota', requestId: 'c#3' });
      expect(err.describe()).toBe(
        "SINGER_MARKETO_API: stream 'leads': POST bulk/v1/leads/export/create.json: Marketo error 1029: Export daily quota exceeded (requestId c#3)",
      );
    }
  });

  it('refuses a body that is no envelope (an HTML gateway page parsed elsewhere, null)', () => {
    expect(() => readEnvelope(null, 'GET lists')).toThrow(
      expect.objectContaining({ code: 'SINGER_MARKETO_RESPONSE' }),
    );
    expect(() => readEnvelope({ result: [] }, 'GET lists')).toThrow(/not a Marketo JSON envelope/);
  });
});

describe('export windows', () => {
  it('covers the range in windows of N days without milliseconds, the last one cut at the end', () => {
    expect(exportWindows(ms('2024-01-01T00:00:00.500Z'), ms('2024-03-05T12:00:00.900Z'), 31)).toEqual([
      { startAt: '2024-01-01T00:00:00Z', endAt: '2024-02-01T00:00:00Z' },
      { startAt: '2024-02-01T00:00:00Z', endAt: '2024-03-03T00:00:00Z' },
      { startAt: '2024-03-03T00:00:00Z', endAt: '2024-03-05T12:00:00Z' },
    ]);
    expect(filterTime(ms('2024-05-01T12:00:00.999Z'))).toBe('2024-05-01T12:00:00Z');
  });

  it('gives no window for a bookmark at or after the end, and refuses more than 31 days', () => {
    expect(exportWindows(ms('2025-01-01T00:00:00Z'), ms('2024-12-31T00:00:00Z'), 30)).toEqual([]);
    expect(() => exportWindows(0, 1, 32)).toThrow(/1 to 31/);
    expect(() => exportWindows(0, 1, 0)).toThrow(/1 to 31/);
  });
});

describe('US Central quota days', () => {
  it('resets at midnight America/Chicago, across both DST changes', () => {
    expect(centralDay(ms('2025-02-02T05:59:59Z'))).toBe('2025-02-01');
    expect(centralDay(ms('2025-02-02T06:00:00Z'))).toBe('2025-02-02');
    expect(new Date(nextCentralMidnight(ms('2025-02-01T12:00:00Z'))).toISOString()).toBe(
      '2025-02-02T06:00:00.000Z',
    );
    // CDT (UTC-5) in summer.
    expect(new Date(nextCentralMidnight(ms('2025-07-01T12:00:00Z'))).toISOString()).toBe(
      '2025-07-02T05:00:00.000Z',
    );
    // The day DST starts (2025-03-09) and the day it ends (2025-11-02).
    expect(new Date(nextCentralMidnight(ms('2025-03-09T12:00:00Z'))).toISOString()).toBe(
      '2025-03-10T05:00:00.000Z',
    );
    expect(new Date(nextCentralMidnight(ms('2025-11-02T12:00:00Z'))).toISOString()).toBe(
      '2025-11-03T06:00:00.000Z',
    );
    expect(new Date(nextCentralMidnight(ms('2025-03-08T12:00:00Z'))).toISOString()).toBe(
      '2025-03-09T06:00:00.000Z',
    );
  });
});

function ms(iso: string): number {
  return Date.parse(iso);
}
