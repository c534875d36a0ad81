/**
 * Edge values for the binary COPY equivalence tests, as raw JSON text (so numbers keep the form they
 * are sent in: `1.50`, `1E+20`). `BINARY` values must be written as binary rows; `TEXT_ONLY` values are
 * valid PostgreSQL input outside the grammar binary rows take, so their rows go as COPY text.
 */

type Random = () => number;
const int = (next: Random, min: number, max: number) => min + Math.floor(next() * (max - min + 1));
const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const pick = <T>(next: Random, items: readonly T[]): T => items[int(next, 0, items.length - 1)] as T;
const json = (value: unknown) => JSON.stringify(value);

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function randomDate(next: Random): string {
  const year = next() < 0.5 ? int(next, 1900, 2100) : int(next, 1, 9999);
  const month = int(next, 1, 12);
  const last = month === 2 && !isLeap(year) ? 28 : (DAYS[month - 1] as number);
  return `${pad(year, 4)}-${pad(month)}-${pad(int(next, 1, last))}`;
}

function randomFraction(next: Random): string {
  const digits = int(next, 0, 12);
  let text = '';
  // Fractions ending in 5 at the 7th digit sit on the rounding edge of a microsecond.
  for (let i = 0; i < digits; i += 1) text += i === 6 && next() < 0.3 ? '5' : String(int(next, 0, 9));
  return digits === 0 ? '' : `.${text}`;
}

function randomClock(next: Random, leapSeconds: boolean): string {
  const hour = int(next, 0, 23);
  const minute = int(next, 0, 59);
  if (next() < 0.1) return `${pad(hour)}:${pad(minute)}`;
  // A second of 60 rolls over; with a fraction it would pass 24:00:00 at 23:59, which is invalid.
  if (leapSeconds && next() < 0.05) return `${pad(hour)}:${pad(minute)}:60`;
  return `${pad(hour)}:${pad(minute)}:${pad(int(next, 0, 59))}${randomFraction(next)}`;
}

function randomOffset(next: Random): string {
  const hours = pad(int(next, 0, 15));
  const minutes = pad(int(next, 0, 59));
  const sign = next() < 0.5 ? '+' : '-';
  return pick(next, ['Z', '', `${sign}${hours}`, `${sign}${hours}:${minutes}`, `${sign}${hours}${minutes}`]);
}

/** A timestamp with a random offset (or none, or `Z`), or without any when `withOffset` is false. */
export function randomTimestamp(next: Random, withOffset = true): string {
  const offset = withOffset ? randomOffset(next) : '';
  return `${randomDate(next)}${next() < 0.8 ? 'T' : ' '}${randomClock(next, true)}${offset}`;
}

export function randomNumber(next: Random): string {
  const digits = (count: number) => Array.from({ length: count }, () => int(next, 0, 9)).join('');
  const integer = next() < 0.3 ? '0' : `${int(next, 1, 9)}${digits(int(next, 0, 40))}`;
  const fraction = next() < 0.5 ? `.${digits(int(next, 1, 40))}` : '';
  const exponent =
    next() < 0.3 ? `${pick(next, ['e', 'E'])}${pick(next, ['', '+', '-'])}${int(next, 0, 400)}` : '';
  return `${next() < 0.3 ? '-' : ''}${integer}${fraction}${exponent}`;
}

const CHARS = [
  'a',
  'Z',
  ' ',
  '😀',
  '漢',
  'é',
  '\u0000',
  '\ud800',
  '\udfff',
  '\t',
  '\n',
  '\r',
  '\\',
  '"',
  '\u2028',
];

export function randomString(next: Random): string {
  return Array.from({ length: int(next, 0, 20) }, () => pick(next, CHARS)).join('');
}

const FRACTIONS = [
  '.1',
  '.12',
  '.123',
  '.1234',
  '.12345',
  '.123456',
  '.1234567',
  '.12345678',
  '.123456789',
  '.0000005',
  '.0000015',
  '.0000025',
  '.0000035',
  '.1234565',
  '.1234575',
  '.4999995',
  '.5000005',
  '.9999994',
  '.9999995',
  '.999999999',
  '.000000499999',
  '.00000050',
];

/** Per column of the `edge` stream: values every row of which must be a binary row. */
export const BINARY: Record<string, string[]> = {
  ts: [
    '2024-03-01T10:00:00Z',
    '2024-03-01 10:00:00Z',
    '2024-03-01T10:00:00+05:30',
    '2024-03-01T10:00:00-0800',
    '2024-03-01T10:00:00-08',
    '2024-03-01T10:00:00+15:59',
    '2024-03-01T10:00:00',
    '2024-03-01T10:00Z',
    '2024-03-01 10:00',
    ...FRACTIONS.map((fraction) => `2024-03-01T10:00:00${fraction}Z`),
    '2016-12-31T23:59:60Z',
    '2024-03-01T10:15:60+01:00',
    '2016-12-31T23:59:59.9999999Z',
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00+05:00',
    '0001-01-01T00:00:00.0000004-15:00',
    '9999-12-31T23:59:59.999999Z',
    '9999-12-31T23:59:59.9999999-15:00',
    '1970-01-01T00:00:00Z',
    '1999-12-31T23:59:59.999999Z',
    '2000-01-01T00:00:00Z',
    '2000-02-29T12:00:00+01:00',
    '1900-03-01T00:00:00Z',
    '2024-02-29T23:59:59-00:30',
  ].map(json),
  day: ['2024-03-01', '0001-01-01', '9999-12-31', '2000-02-29', '1970-01-01', '1900-02-28', '2100-12-31'].map(
    json,
  ),
  clock: [
    '00:00',
    '00:00:00',
    '10:11:12',
    '23:59:59',
    '23:59:59.999999',
    '23:59:59.9999995',
    '12:34:56.1234565',
    '12:34:56.5',
    '00:00:00.0000005',
    '13:14',
    ...FRACTIONS.map((fraction) => `01:02:03${fraction}`),
  ].map(json),
  amount: [
    '0',
    '-0',
    '1.50',
    '1e-7',
    '1E+20',
    '1e20',
    '123456789012345678901234567890.123456789',
    '-0.000001',
    '0.0',
    '-0.0',
    '1.0e-3',
    '12345.6789',
    '99999999',
    '100000000',
    '0.0001',
    '0.00001',
    '5e-324',
    '1e400',
    '-1.23E-45',
    '1.7976931348623157e308',
    '10000',
    '9999.9999',
    '0.30000000000000004',
    '3.14159265358979323846264338327950288',
    '1e+0',
    '0e10',
    '0.000e2',
    '-5E-0',
    '100e-2',
    '1000000000000000000000000000001',
  ],
  big: [
    '0',
    '-1',
    '1',
    '1e3',
    '5.0',
    '9007199254740991',
    '-9007199254740991',
    '9007199254740993',
    '-9007199254740993',
    '9223372036854775807',
    '-9223372036854775808',
  ],
  flag: ['true', 'false'],
  name: [
    'plain',
    '',
    'emoji 😀',
    'CJK 漢字テスト',
    'nul\u0000inside\u0000',
    '\u0000',
    '\ud800',
    'x\udfffy',
    'a\tb\nc\\d\re',
    'quote"s',
    'back\\\\slash\\N',
    '\\.',
    'é',
    '\u2028\u007f\u0001\u001f',
    `long ${'é😀\\\t'.repeat(2500)}`,
  ].map(json),
  doc: [
    '{"a":1}',
    '{"k\\"ey":"va\\\\lue\\n","u":"x\\u0000y"}',
    '{"\\u0000key":"v"}',
    '{"n":1.50,"big":123456789012345678901234567890,"e":1E+20}',
    '{"nested":{"a":[1,{"b":null}]}}',
    '{"emoji":"😀","pair":"\\ud83d\\ude00"}',
    '{}',
    '{ "spaced" :\t[ 1 , 2 ] }',
  ],
  list: ['[]', '[1,"two",null,{"x":[]}]', '["\\u0000"]', '[1.50,-0,1e-7]'],
  any: ['"a string"', '12', 'true', '{"x":"y\\u0000"}', '[null]', '1.50'],
  either: ['"x"', '7', '"multi\\nline\\ttab"', '12345678901234567890'],
};

/** Valid PostgreSQL input that binary rows leave to COPY text. */
export const TEXT_ONLY: Record<string, string[]> = {
  ts: [
    '2024-03-01',
    '2024-03-01T10:00:00z',
    '2024-03-01t10:00:00Z',
    '2024-03-01T24:00:00Z',
    'infinity',
    '-infinity',
    '2024-03-01T10:00:00.1234567890123456789Z',
    '2024-03-01T10:00:00+05:30:15',
    ' 2024-03-01T10:00:00Z',
    '20240301T100000Z',
    '2024-03-01T10:00:00 UTC',
    '2024-3-1 10:00:00Z',
  ].map(json),
  day: ['infinity', '2024-3-1', '20240301'].map(json),
  clock: ['24:00:00', '1:02:03', '10:11:12.1234567890123456789'].map(json),
  amount: ['1e10000', '1e-5000', '"NaN"', '"  12.5  "'],
  big: ['"42"', '" 7 "'],
  flag: ['"yes"', '"f"'],
};
