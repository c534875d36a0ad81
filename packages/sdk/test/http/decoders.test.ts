import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { CsvDecoder, JsonLinesDecoder, LineDecoder } from '../../src/http/decoders.js';
import { captureLogger, sendJson, startServer, type TestServer } from './server.js';

function decodeInPieces<T>(
  decoder: { write(b: Buffer): void; end(): void; take(): T[] },
  text: string,
  size: number,
) {
  const out: T[] = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    decoder.write(bytes.subarray(i, i + size));
    out.push(...decoder.take());
  }
  decoder.end();
  out.push(...decoder.take());
  return out;
}

describe('CsvDecoder', () => {
  const text = '\ufeffid,name,note\r\n1,"Smith, J","said ""hi""\r\nthen left"\r\n2,Ann,\n\n3,"",é\n';
  const expected = [
    { id: '1', name: 'Smith, J', note: 'said "hi"\r\nthen left' },
    { id: '2', name: 'Ann', note: '' },
    { id: '3', name: '', note: 'é' },
  ];

  it('splits rows by RFC 4180 whatever the chunk boundaries', () => {
    for (const size of [1, 2, 5, 1000])
      expect(decodeInPieces(new CsvDecoder(), text, size)).toEqual(expected);
  });

  it('reads rows as arrays, with another delimiter, and without a final newline', () => {
    expect(decodeInPieces(new CsvDecoder({ header: false, delimiter: ';' }), 'a;"b;c"\n1;2', 3)).toEqual([
      ['a', 'b;c'],
      ['1', '2'],
    ]);
  });

  it('reports a quoted field that never closes', () => {
    expect(() => decodeInPieces(new CsvDecoder(), 'a\n"open', 100)).toThrow(/inside a quoted field/);
  });
});

describe('line decoders', () => {
  it('skips blank lines and the byte-order mark, and keeps big numbers exact', () => {
    expect(decodeInPieces(new LineDecoder(), '\ufeffa\r\n\nb\nc', 2)).toEqual(['a', 'b', 'c']);
    const values = decodeInPieces(new JsonLinesDecoder(), '{"n":123456789012345678901}\n{"n":1}\n', 4) as {
      n: unknown;
    }[];
    expect(values.map((v) => String(v.n))).toEqual(['123456789012345678901', '1']);
  });

  it('refuses a line beyond the limit', () => {
    expect(() => decodeInPieces(new LineDecoder({ maxLineBytes: 10 }), 'x'.repeat(50), 20)).toThrow(
      /longer than 10/,
    );
  });
});

describe('proxy', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it('tunnels through the configured proxy', async () => {
    const target: TestServer = await startServer((_request, response) =>
      sendJson(response, 200, { via: 'target' }),
    );
    closers.push(() => target.close());
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on('connect', (request, socket, head) => {
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    );
    const http = new HttpClient({
      baseUrl: target.url,
      proxy: `http://user:proxy-pass-1@127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      logger: captureLogger().logger,
    });
    closers.push(() => http.close());
    expect((await http.json({ url: '/x' })).body).toEqual({ via: 'target' });
    expect(tunnels).toEqual([new URL(target.url).host]);
    expect(http.redact('proxy-pass-1')).toBe('***');
  });
});
