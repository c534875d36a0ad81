import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/logging.js';
import { readMessages } from '../../src/protocol/reader.js';
import { MemoryTarget } from '../fixtures/memory-target.js';

const SCHEMA = Buffer.from(
  `${JSON.stringify({
    type: 'SCHEMA',
    stream: 's',
    schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    key_properties: ['id'],
  })}\n`,
);
const prefix = (id: number) => Buffer.from(`{"type":"RECORD","stream":"s","record":{"id":${id},"name":"a`);
/** A RECORD whose name holds `bytes` between "a" and "b". */
function record(id: number, bytes: number[]): Buffer {
  return Buffer.concat([prefix(id), Buffer.from(bytes), Buffer.from('b"}}\n')]);
}

async function read(input: Buffer[]) {
  const out = [];
  for await (const { message } of readMessages(Readable.from(input))) out.push(message);
  return out;
}

describe('input that is not UTF-8', () => {
  it('fails naming the line and the byte, instead of storing U+FFFD', async () => {
    // 0xE9 is "é" in Latin-1: the most common way a tap gets this wrong.
    const failure = read([SCHEMA, record(1, [0x41]), record(2, [0xe9])]);
    await expect(failure).rejects.toMatchObject({
      code: 'SINGER_INVALID_UTF8',
      context: { line: 3, byte: prefix(2).length + 1 },
      message: expect.stringContaining('0xe9'),
    });
  });

  it('finds the bad byte after a U+FFFD the tap really sent', async () => {
    const failure = read([record(1, [0xef, 0xbf, 0xbd, 0x20, 0xc3, 0x28])]);
    await expect(failure).rejects.toMatchObject({
      code: 'SINGER_INVALID_UTF8',
      context: { line: 1, byte: prefix(1).length + 5 },
    });
  });

  it('accepts a U+FFFD and other characters spelled correctly, split across chunks', async () => {
    const line = record(1, [0xef, 0xbf, 0xbd, 0xf0, 0x9f, 0x9a, 0x80]);
    const messages = await read([line.subarray(0, 49), line.subarray(49, 52), line.subarray(52)]);
    expect(messages).toEqual([{ type: 'RECORD', stream: 's', record: { id: 1, name: 'a\uFFFD🚀b' } }]);
  });
});

async function runTarget(config: Record<string, unknown>, input: Buffer[]) {
  const logs: string[] = [];
  const target = new MemoryTarget({
    config,
    logger: new Logger({ name: 'target', sink: (l) => logs.push(l) }),
  });
  const output = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const run = target.run(Readable.from(input), output);
  return { run, rows: target.rows, logs };
}

describe('a target given bytes that are not UTF-8', () => {
  const input = [SCHEMA, record(1, [0xe9]), record(2, [0x41]), record(3, [0xff, 0xfe])];

  it('loads nothing past the bad line and fails by default', async () => {
    const { run, rows } = await runTarget({}, input);
    await expect(run).rejects.toMatchObject({ code: 'SINGER_INVALID_UTF8', context: { line: 2 } });
    expect(rows).toEqual([]);
  });

  it('with invalid_utf8: replace, stores U+FFFD and reports the lines in a warning and a METRIC', async () => {
    const { run, rows, logs } = await runTarget({ invalid_utf8: 'replace' }, input);
    await run;
    expect(rows.map((row) => row.name)).toEqual(['a\uFFFDb', 'aAb', 'a\uFFFD\uFFFDb']);
    expect(logs.filter((line) => line.includes('WARN'))).toEqual([
      expect.stringContaining('line 2 is not valid UTF-8'),
      expect.stringContaining('2 input line(s) had invalid UTF-8 replaced by U+FFFD, the first at line 2'),
    ]);
    const metric = logs.find((line) => line.includes('invalid_utf8_lines'));
    expect(JSON.parse(metric!.split('METRIC: ')[1]!)).toEqual({
      type: 'counter',
      metric: 'invalid_utf8_lines',
      value: 2,
      tags: {},
    });
  });
});
