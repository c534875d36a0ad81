import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MessageWriter } from '../../src/index.js';

describe('MessageWriter', () => {
  it('waits for a slow consumer instead of buffering without bound', async () => {
    const received: string[] = [];
    let maxQueued = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString());
        setTimeout(callback, 2);
      },
    });
    const writer = new MessageWriter(slow, { chunkBytes: 512 });
    for (let i = 0; i < 2000; i += 1) {
      const pending = writer.write({ type: 'RECORD', stream: 's', record: { i, pad: 'x'.repeat(50) } });
      if (pending) await pending;
      maxQueued = Math.max(maxQueued, slow.writableLength);
    }
    await writer.flush();
    await new Promise<void>((resolve) => slow.end(resolve));
    const lines = received.join('').trim().split('\n');
    expect(lines).toHaveLength(2000);
    expect(JSON.parse(lines[1999]!).record.i).toBe(1999);
    expect(maxQueued).toBeLessThan(4096);
  });

  it('writes multi-byte text (CJK, accents, emoji, an escaped lone surrogate) as whole UTF-8 lines', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
    const writer = new MessageWriter(sink, { chunkBytes: 300 });
    const names = ['株式会社テスト', 'Société Générale', 'rocket 🚀', 'lone \ud800 half', 'plain'];
    for (let i = 0; i < 100; i += 1)
      writer.write({ type: 'RECORD', stream: 's', record: { i, name: names[i % 5] } });
    await writer.flush();
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).record)).toEqual(
      Array.from({ length: 100 }, (_, i) => ({ i, name: names[i % 5] })),
    );
  });

  it('flushes STATE messages at once so the consumer sees them', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const writer = new MessageWriter(sink, { maxDelayMs: 60_000 });
    writer.write({ type: 'RECORD', stream: 's', record: { a: 1 } });
    expect(chunks).toHaveLength(0);
    await writer.write({ type: 'STATE', value: { bookmarks: {} } });
    expect(chunks.join('')).toContain('"STATE"');
  });

  it('ends quietly with exit code 0 when the reader closes the pipe (tap | head)', async () => {
    const script = fileURLToPath(new URL('../fixtures/endless-writer.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
