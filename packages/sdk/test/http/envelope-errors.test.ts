import { describe, expect, it } from 'vitest';
import { envelopeErrors } from '../../src/http/envelope-errors.js';
import type { ResponseInfo } from '../../src/http/types.js';

const info: ResponseInfo = { status: 200, headers: {}, url: new URL('http://127.0.0.1/x') };
const parse = envelopeErrors({
  reauthenticate: ['601', '602'],
  wait: { '606': 20_000, '615': 2_000 },
  retry: ['604', '608'],
  refine: (code, message) =>
    code === '1029' && /queue/i.test(message) ? { retryable: true, retryAfterMs: 60_000 } : undefined,
});
const failure = (code: string, message = 'm') => ({ success: false, errors: [{ code, message }] });

describe('errors inside HTTP 200 envelopes', () => {
  it('leaves successful bodies and non-envelopes alone', () => {
    expect(parse({ success: true, result: [] }, info)).toBeUndefined();
    expect(parse('text', info)).toBeUndefined();
    expect(parse({ access_token: 'x' }, info)).toBeUndefined();
  });

  it('maps codes to renew-and-repeat, wait, retry or fail, naming every error', () => {
    expect(parse(failure('602', 'Access token expired'), info)).toEqual({
      message: '602 Access token expired',
      code: '602',
      reauthenticate: true,
    });
    expect(parse(failure('606'), info)).toMatchObject({ rateLimited: true, retryAfterMs: 20_000 });
    expect(parse(failure('608'), info)).toMatchObject({ retryable: true });
    expect(
      parse(
        {
          success: false,
          errors: [
            { code: '1003', message: 'Invalid fields [fax]' },
            { code: 1004, message: 'x' },
          ],
        },
        info,
      ),
    ).toEqual({
      message: '1003 Invalid fields [fax]; 1004 x',
      code: '1003',
    });
  });

  it('lets the message refine a code that means several things', () => {
    expect(parse(failure('1029', 'Too many jobs in queue'), info)).toMatchObject({
      retryable: true,
      retryAfterMs: 60_000,
    });
    expect(parse(failure('1029', 'Export daily quota exceeded'), info)).toEqual({
      message: '1029 Export daily quota exceeded',
      code: '1029',
    });
  });

  it('reads other key names (Zuora reasons) and a failure without details', () => {
    const zuora = envelopeErrors({ errorsKey: 'reasons' });
    expect(zuora({ success: false, reasons: [{ code: 53100020, message: 'bad' }] }, info)).toEqual({
      message: '53100020 bad',
      code: '53100020',
    });
    expect(zuora({ success: false }, info)).toEqual({
      message: 'success: false without reasons',
      code: 'unknown',
    });
  });
});
