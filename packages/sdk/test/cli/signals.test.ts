import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/logging.js';
import { MemoryTarget } from '../fixtures/memory-target.js';
import { onSingerMessages } from '../fixtures/singer-lines.js';

// The ticker tap runs on the built SDK (dist): `pnpm build` first.
const ticker = fileURLToPath(new URL('../fixtures/ticker-tap.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a tap sent SIGTERM or SIGINT', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('on %s stops emitting, exits promptly with %i and says why in one line', async (signal, code) => {
    const configPath = join(dir, `${signal}.json`);
    writeFileSync(configPath, JSON.stringify({ count: 10_000_000 }));
    const child = spawn(process.execPath, [ticker, '--config', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const ids: number[] = [];
    let states = 0;
    let afterSignal = 0;
    let signalledAt = 0;
    onSingerMessages(child.stdout, (message) => {
      if (message.type === 'RECORD') ids.push(message.record.id);
      if (message.type === 'STATE') states += 1;
      if (signalledAt > 0) afterSignal += 1;
      if (signalledAt === 0 && ids.length >= 2_000) {
        signalledAt = Date.now();
        child.kill(signal);
      }
    });
    const exit = await new Promise<number | null>((resolve) =>
      child.on('close', (status) => resolve(status)),
    );
    const tookMs = Date.now() - signalledAt;
    expect(exit, stderr).toBe(code);
    // Promptly: a loaded machine gets generous room, but far less than the 10 million records would take.
    expect(tookMs).toBeLessThan(10_000);
    // What was in flight still arrives (up to a pipe's worth), then nothing: emitting stopped.
    expect(afterSignal).toBeLessThan(20_000);
    expect(ids.length).toBeLessThan(100_000);
    expect(ids).toEqual(ids.map((_, index) => index));
    expect(states).toBeGreaterThan(0);
    expect(stderr).toContain(`stopping: ${signal} received`);
    expect(stderr).toMatch(new RegExp(`SINGER_INTERRUPTED: stopped by ${signal} before the run finished`));
  });
});

describe('a target asked to stop', () => {
  it('stops reading an input that never ends, loads what it read and prints only that STATE', async () => {
    const target = new MemoryTarget({
      config: { batch_size_rows: 1_000_000, batch_max_age_ms: 3_600_000 },
      logger: new Logger({ name: 'target', sink: () => undefined }),
    });
    const input = new PassThrough();
    const printed: string[] = [];
    const output = new Writable({
      write: (chunk, _encoding, callback) => {
        printed.push(...chunk.toString().trim().split('\n'));
        callback();
      },
    });
    const stop = new AbortController();
    const run = target.run(input, output, stop.signal);
    input.write(
      `${JSON.stringify({ type: 'SCHEMA', stream: 's', schema: { type: 'object', properties: { id: { type: 'integer' } } }, key_properties: ['id'] })}\n`,
    );
    for (let id = 1; id <= 100; id += 1)
      input.write(`{"type":"RECORD","stream":"s","record":{"id":${id}}}\n`);
    input.write('{"type":"STATE","value":{"at":100}}\n{"type":"RECORD","stream":"s","record":{"id":1');
    // Everything written so far has been read once the PassThrough is empty.
    while (input.readableLength > 0) await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    const summary = await run;
    expect(summary.records).toBe(100);
    expect(target.rows).toEqual(Array.from({ length: 100 }, (_, index) => ({ id: index + 1 })));
    expect(printed.map((line) => JSON.parse(line))).toEqual([{ type: 'STATE', value: { at: 100 } }]);
  });
});
