import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readLineBatches } from '../../src/protocol/reader.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CHUNK_BYTES = 64 * 1024;
const CHUNKS = 1_600;

/** Chunks of input as a pipe delivers them: fresh buffers, each holding one whole line. */
async function* input(): AsyncGenerator<Buffer> {
  for (let i = 0; i < CHUNKS; i += 1) {
    const chunk = Buffer.alloc(CHUNK_BYTES, 0x61);
    chunk[CHUNK_BYTES - 1] = 0x0a;
    yield chunk;
  }
}

function arrayBufferBytes(): number {
  gc();
  return process.memoryUsage().arrayBuffers;
}

describe('reading input that can be aborted', () => {
  it('keeps no chunk it has handed on: memory stays flat over 100 MB of input', async () => {
    const before = arrayBufferBytes();
    const signal = new AbortController().signal;
    let chunks = 0;
    let heldMidway = 0;
    for await (const lines of readLineBatches(input(), { signal })) {
      chunks += lines.length;
      if (chunks === CHUNKS - 100) heldMidway = arrayBufferBytes() - before;
    }
    expect(chunks).toBe(CHUNKS);
    // Retaining each chunk would hold about 94 MB here; a handful of chunks in flight is well under 8.
    expect(heldMidway).toBeLessThan(8 * 1024 * 1024);
  });

  it('stops at once when aborted while the reader held a chunk, though the input stays open', async () => {
    const controller = new AbortController();
    // An input that never ends, as an open stdin with no more lines.
    async function* openInput(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"type":"STATE","value":{}}\n');
      await new Promise(() => {});
    }
    const read: number[] = [];
    for await (const lines of readLineBatches(openInput(), { signal: controller.signal })) {
      read.push(lines.length);
      // The abort comes between reads: no read is pending when it fires.
      controller.abort();
    }
    expect(read).toEqual([1]);
  });
});
