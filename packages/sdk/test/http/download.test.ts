import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DownloadChecksumError, DownloadError, download } from '../../src/http/download.js';
import { csvRows } from '../../src/sources/csv-rows.js';
import { httpHarness } from './server.js';

const { serve, client } = httpHarness({ retry: { baseDelayMs: 5 } });

/** A CSV file with multi-byte text and quoted newlines, so a break can fall inside a character or a cell. */
const rows = Array.from({ length: 3000 }, (_, i) => `${i},"Zoë ${i}\nline two, ""quoted""",李娜`);
const file = Buffer.from(`id,note,name\n${rows.join('\n')}\n`, 'utf8');
const sha256 = createHash('sha256').update(file).digest('hex');

/** Serves `file`, honouring Range; the first `breaks` full-body answers stop after `cut` bytes. */
async function fileServer(breaks: number, cut: number, options: { ignoreRange?: boolean } = {}) {
  let broken = 0;
  return serve((request, response) => {
    const range = /^bytes=(\d+)-$/.exec(String(request.headers.range ?? ''));
    if (range && !options.ignoreRange) {
      const start = Number(range[1]);
      response.writeHead(206, {
        'content-type': 'text/csv',
        'content-length': String(file.length - start),
        'content-range': `bytes ${start}-${file.length - 1}/${file.length}`,
      });
      response.end(file.subarray(start));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(file.length) });
    if (broken < breaks) {
      broken += 1;
      response.write(file.subarray(0, cut), () => setTimeout(() => response.destroy(), 20));
      return;
    }
    response.end(file);
  });
}

async function bytes(iterable: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of iterable) parts.push(part);
  return Buffer.concat(parts);
}

describe('resumable download', () => {
  it('resumes a broken body with Range from the byte it stopped at, and the checksum holds', async () => {
    const server = await fileServer(1, 70_001);
    const { client: http, lines } = client(server);
    const got = await bytes(
      download(http, { url: '/file.csv' }, { checksum: `sha256:${sha256}`, expectedBytes: file.length }),
    );
    expect(got.equals(file)).toBe(true);
    expect(server.requests.map((r) => r.headers.range)).toEqual([undefined, 'bytes=70001-']);
    expect(lines.some((l) => l.includes('broke after 70001 bytes'))).toBe(true);
  });

  it('parses CSV rows while the bytes arrive, across the break, exactly', async () => {
    const server = await fileServer(1, 33_333);
    const { client: http } = client(server);
    const out: string[] = [];
    for await (const row of csvRows(download(http, { url: '/file.csv' }), { stream: 's' }))
      out.push(row.values.note!);
    expect(out).toHaveLength(3000);
    expect(out[2999]).toBe('Zoë 2999\nline two, "quoted"');
  });

  it('fails when the bytes do not match the checksum', async () => {
    const server = await fileServer(0, 0);
    const { client: http } = client(server);
    const error = await bytes(
      download(http, { url: '/f' }, { checksum: `sha256:${'0'.repeat(64)}`, context: { stream: 'leads' } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadChecksumError);
    expect((error as DownloadChecksumError).describe()).toMatch(
      /^SINGER_DOWNLOAD_CHECKSUM: stream 'leads': download of \/f does not match its sha256 checksum/,
    );
  });

  it('refuses a server that answers a resume with the whole file again', async () => {
    const server = await fileServer(1, 10_000, { ignoreRange: true });
    const { client: http } = client(server);
    const error = await bytes(download(http, { url: '/f' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(
      /resuming \/f at byte 10000: the server answered 200 without Content-Range/,
    );
  });

  it('gives up after the allowed resumes', async () => {
    const server = await fileServer(5, 1000);
    let breaks = 0;
    const { client: http } = client(server);
    const error = await bytes(
      download(
        http,
        { url: '/f' },
        {
          maxResumes: 0,
          beforeRequest: () => {
            breaks += 1;
          },
        },
      ),
    ).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('SINGER_HTTP_BODY_INTERRUPTED');
    expect(breaks).toBe(1);
  });
});

describe('a download answered with a JSON error envelope (HTTP 200)', () => {
  it('renews the token and repeats the request when the vendor says the token expired, before any byte', async () => {
    const { OAuth2Authenticator } = await import('../../src/http/auth.js');
    const { envelopeErrors } = await import('../../src/http/envelope-errors.js');
    let tokens = 0;
    const server = await serve((request, response) => {
      if (request.headers.authorization === 'Bearer t1') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ success: false, errors: [{ code: '602', message: 'Access token expired' }] }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(file);
    });
    const authenticator = new OAuth2Authenticator({
      requestToken: async () => {
        tokens += 1;
        return { accessToken: `t${tokens}` };
      },
    });
    const { client: http } = client(server, {
      authenticator,
      parseErrorBody: envelopeErrors({ reauthenticate: ['602'] }),
    });
    const got = await bytes(
      download(http, { url: '/file.csv' }, { errorBodies: true, checksum: `sha256:${sha256}` }),
    );
    expect(got.equals(file)).toBe(true);
    expect(tokens).toBe(2);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });
});
