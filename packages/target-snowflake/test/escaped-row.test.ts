import { RowWriter } from '@singer-ts/sdk/sql';
import { seededRandom } from '@singer-ts/sdk/testing';
import { describe, expect, test } from 'vitest';
import { writeEscaped } from '../src/escaped-json.js';
import { EscapedRow } from '../src/escaped-row.js';

/** The straightforward encoding the row writer must equal: JSON text escaped by JSON.stringify. */
const escapedOnce = (text: string): string => JSON.stringify(text).slice(1, -1);

type Element =
  | { kind: 'null' }
  | { kind: 'integer'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string; plain: boolean }
  | { kind: 'json'; text: string; plain: boolean };

/** A row as JSON text (trailing nulls left out), escaped for a JSON string, then the row's comma. */
function expectedRow(row: Element[]): string {
  const elements = [...row];
  while (elements.at(-1)?.kind === 'null') elements.pop();
  const texts = elements.map((element) => {
    if (element.kind === 'null') return 'null';
    if (element.kind === 'integer') return JSON.stringify(String(element.value));
    if (element.kind === 'bool') return String(element.value);
    if (element.kind === 'string') return JSON.stringify(element.value);
    return element.text;
  });
  return `${escapedOnce(`[${texts.join(',')}]`)},`;
}

/** Writes the rows through EscapedRow and returns the batch's bytes and each row's reported size. */
function written(rows: Element[][]): { text: string; sizes: number[] } {
  const writer = new RowWriter();
  const row = new EscapedRow(writer);
  const sizes: number[] = [];
  const ends: number[] = [];
  for (const elements of rows) {
    row.start();
    for (const element of elements) {
      if (element.kind === 'null') row.null();
      else if (element.kind === 'integer') row.integer(element.value);
      else if (element.kind === 'bool') row.bool(element.value);
      else if (element.kind === 'string') row.string(element.value, element.plain);
      else row.json(element.text, element.plain);
    }
    sizes.push(row.end());
    ends.push(writer.size);
  }
  const encoded = writer.take();
  const [group] = encoded.groups(ends, undefined, Number.POSITIVE_INFINITY);
  const text = Buffer.concat(group?.slices ?? []).toString('utf8');
  encoded.release();
  return { text, sizes };
}

/** Equal texts, or a failure showing where they first differ (not two whole batches). */
function expectSame(actual: string, expected: string): void {
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at += 1;
  const window = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 40));
  expect({ at, length: actual.length, text: window(actual) }).toEqual({
    at: expected.length,
    length: expected.length,
    text: window(expected),
  });
}

const string = (value: string, plain = false): Element => ({ kind: 'string', value, plain });
const json = (text: string, plain = false): Element => ({ kind: 'json', text, plain });
const NULL: Element = { kind: 'null' };

describe('text escaped for a JSON string, as bytes', () => {
  const escaped = (text: string, depth: 1 | 2): string => {
    const buffer = Buffer.alloc(7 * text.length + 8);
    return buffer.subarray(0, writeEscaped(buffer, 0, text, 0, text.length, depth)).toString('utf8');
  };

  test.each([
    ['quote', 'say "hi"'],
    ['backslash', 'C:\\temp\\x'],
    ['short escapes', '\b\f\n\r\t'],
    ['other control characters', '\u0000\u0001\u001f end'],
    ['DEL, which JSON leaves alone', 'a\u007fb'],
    ['line and paragraph separators, written raw', 'a\u2028b\u2029c'],
    ['two- and three-byte characters', 'café – ü €'],
    ['a non-BMP character (a surrogate pair)', 'rocket 🚀 and 𝄞'],
    ['a lone high surrogate', 'x\ud800y'],
    ['a lone low surrogate', 'x\udc00y'],
    ['a high surrogate at the end', 'tail\udbff'],
    ['a low surrogate before a high one', '\udc00\ud800'],
  ])('%s: once as JSON.stringify, twice as JSON.stringify of that', (_name, text) => {
    expect(escaped(text, 1)).toBe(escapedOnce(text));
    expect(escaped(text, 2)).toBe(escapedOnce(escapedOnce(text)));
  });

  test('a lone surrogate is written as its \\u escape, which Snowflake reads back as the same unit', () => {
    expect(escaped('\ud83d', 2)).toBe('\\\\ud83d');
    expect(escaped('\ud83d', 1)).toBe('\\ud83d');
  });
});

describe('rows written into the batch buffers', () => {
  test('values of each kind, nulls inside written and at the end left out, every row ending with a comma', () => {
    const rows: Element[][] = [
      [{ kind: 'integer', value: 42 }, string('Ada'), NULL, { kind: 'bool', value: true }, NULL, NULL],
      [NULL, NULL, { kind: 'integer', value: -9007199254740991 }, json('{"a":[1,2]}', true)],
      [NULL, NULL],
      [],
      [
        { kind: 'integer', value: 0 },
        { kind: 'integer', value: -0 },
        { kind: 'bool', value: false },
      ],
    ];
    const { text, sizes } = written(rows);
    expectSame(text, rows.map(expectedRow).join(''));
    expect(text.slice(0, sizes[0])).toBe('[\\"42\\",\\"Ada\\",null,true],');
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(Buffer.byteLength(text));
  });

  test('integers are written digit by digit exactly, up to the largest safe integer', () => {
    const values = [1, 9, 10, 99, 100, 12345, -1, -10, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, 1 - 2 ** 53];
    // Around the split into 32-bit parts: 2^31, and the 10^8 boundary of the low part.
    const edges = [2 ** 31 - 1, 10 ** 8, 10 ** 8 - 1, 10 ** 8 + 1, 7 * 10 ** 8, 2 ** 53 - 10 ** 8];
    for (const power of [9, 10, 12, 15]) edges.push(10 ** power - 1, 10 ** power, 10 ** power + 1);
    // 16-digit values like _sdc_sequence (microseconds since the epoch plus a line number).
    edges.push(1_765_152_000_000_123, 1_765_152_000_100_000, 900_719_925_474_099);
    values.push(...edges, ...edges.map((value) => -value));
    const { text } = written([values.map((value) => ({ kind: 'integer', value }))]);
    expect(text).toBe(`[${values.map((value) => `\\"${value}\\"`).join(',')}],`);
  });

  test('a string needing escapes, however long, equals JSON.stringify twice; plain strings go in as UTF-8', () => {
    const long = `${'x'.repeat(8191)}🚀${'"\\\n'.repeat(3000)}é`;
    const rows = [
      [string(long), string('naïve café, 東京 🚀'.repeat(10), true), string('short é', true)],
      [string('a\u2028b'), string('\u0000'), string('\ud800 lone')],
    ];
    expectSame(written(rows).text, rows.map(expectedRow).join(''));
  });

  test('VARIANT text is escaped once: plain source text only has its quotes escaped', () => {
    const rows = [
      [json('{"name":"Zoë","tags":["a","b"]}', true), json('[1, 2.50, {"k": null}]', true)],
      [json('{\n\t"escaped": "line\\nbreak \\"quoted\\" \\ud800"\r\n}'), json('"🚀"')],
    ];
    expectSame(written(rows).text, rows.map(expectedRow).join(''));
  });

  test('rows keep going whole across chunk boundaries, a row larger than a chunk included', () => {
    const rows: Element[][] = [];
    for (let index = 0; index < 4000; index += 1)
      rows.push([{ kind: 'integer', value: index }, string(`row ${index} ${'é"'.repeat(index % 300)}`)]);
    rows.push([string('🚀'.repeat(600_000))]);
    rows.push([json(JSON.stringify({ big: 'q"'.repeat(400_000) }))]);
    const { text, sizes } = written(rows);
    expectSame(text, rows.map(expectedRow).join(''));
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(Buffer.byteLength(text));
  });
});

const UNITS = [
  'a',
  'Z',
  ' ',
  '"',
  '\\',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '€',
  '\u2028',
  '🚀',
  '\ud800',
  '\udfff',
];

describe('the row writer against JSON.stringify twice, on seeded random values', () => {
  const seed = Number(process.env.ESCAPE_SEED ?? Math.floor(Math.random() * 2 ** 31));
  test(`seed ${seed} (ESCAPE_SEED=${seed} replays it)`, () => {
    console.log(`escaped-row property test seed: ${seed}`);
    const next = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const text = (): string => {
      const length = next() < 0.1 ? Math.floor(next() * 20_000) : Math.floor(next() * 80);
      let out = '';
      for (let index = 0; index < length; index += 1)
        out += next() < 0.7 ? 'abcdefgh'[index % 8] : pick(UNITS);
      return out;
    };
    const value = (depth: number): unknown => {
      const roll = next();
      if (depth > 2 || roll < 0.4) return text();
      if (roll < 0.55) return Math.floor(next() * 1e6) / 100;
      if (roll < 0.65) return next() < 0.5;
      if (roll < 0.7) return null;
      if (roll < 0.85) return [value(depth + 1), value(depth + 1)];
      return { [text()]: value(depth + 1), k: value(depth + 1) };
    };
    const rows: Element[][] = [];
    for (let index = 0; index < 300; index += 1) {
      const elements: Element[] = [];
      const width = Math.floor(next() * 8);
      for (let column = 0; column < width; column += 1) {
        const roll = next();
        if (roll < 0.2) elements.push(NULL);
        else if (roll < 0.35)
          elements.push({ kind: 'integer', value: Math.floor((next() - 0.5) * 2 * Number.MAX_SAFE_INTEGER) });
        else if (roll < 0.45) elements.push({ kind: 'bool', value: next() < 0.5 });
        else if (roll < 0.75) {
          const value = text();
          // `plain` is only ever claimed for text that came from a line without a backslash.
          elements.push(string(value, !escapedOnce(value).includes('\\') && next() < 0.5));
        } else {
          const source = JSON.stringify(value(0), null, next() < 0.2 ? '\t' : undefined);
          elements.push(json(source, !/[\\\t\r\n]/.test(source) && next() < 0.5));
        }
      }
      rows.push(elements);
    }
    expectSame(written(rows).text, rows.map(expectedRow).join(''));
  });
});
