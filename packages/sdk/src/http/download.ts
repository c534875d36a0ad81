/**
 * A file download read as it arrives, resumed with `Range` when the body breaks: the bytes already
 * handed out are never fetched again, and an optional checksum is checked over the whole file at
 * its end. Authentication, retries of the first response and rate limiting are the client's.
 */
import { createHash, type Hash } from 'node:crypto';
import { SingerError } from '../errors.js';
import { parseJson } from '../json/lossless-json.js';
import type { HttpClient } from './client.js';
import type { BodyDecoder } from './decoders.js';
import { HttpBodyInterruptedError, HttpConnectionError, HttpTimeoutError } from './errors.js';
import type { HttpRequest, RequestContext } from './types.js';

export interface DownloadOptions {
  context?: RequestContext;
  /** Resumes allowed after the body breaks; 5 unless set. */
  maxResumes?: number;
  /** `sha256:<hex>` or `{algorithm, hex}`; checked once the last byte is read. */
  checksum?: string | { algorithm: string; hex: string };
  /** The file's size, when the vendor said it; a shorter or longer body fails. */
  expectedBytes?: number;
  /** Called before every request, resumes included (a call budget). */
  beforeRequest?: () => void | Promise<void>;
  /**
   * The vendor may answer with its JSON error envelope (HTTP 200) instead of the file: a body starting
   * with `{` is then read as one and checked by the client's `parseErrorBody` (for CSV and TSV files,
   * which never start with `{`).
   */
  errorBodies?: boolean;
}

export class DownloadError extends SingerError {
  override readonly code: string = 'SINGER_DOWNLOAD_FAILED';
}

export class DownloadChecksumError extends DownloadError {
  override readonly code: string = 'SINGER_DOWNLOAD_CHECKSUM';
}

const OPEN_BRACE = 0x7b;
const MAX_ERROR_ENVELOPE_BYTES = 1024 * 1024;

/**
 * Hands each body chunk out as it is, so the caller streams the bytes. With `errorBodies`, a body
 * whose first byte is `{` is the vendor's JSON error envelope instead of the file (Marketo answers an
 * expired token that way, with HTTP 200): it is kept whole as `envelope`, so the client's
 * `parseErrorBody` sees it inside the retry loop (and renews the token) before any byte is handed out.
 */
class ByteChunks implements BodyDecoder<Buffer> {
  private chunks: Buffer[] = [];
  private mode: 'undecided' | 'bytes' | 'json';
  private json: Buffer[] = [];
  private jsonBytes = 0;
  envelope: unknown;

  constructor(errorBodies: boolean) {
    this.mode = errorBodies ? 'undecided' : 'bytes';
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.mode === 'undecided') this.mode = chunk[0] === OPEN_BRACE ? 'json' : 'bytes';
    if (this.mode === 'bytes') {
      this.chunks.push(chunk);
      return;
    }
    this.json.push(chunk);
    this.jsonBytes += chunk.length;
    if (this.jsonBytes > MAX_ERROR_ENVELOPE_BYTES)
      throw new SyntaxError('the download answered with a JSON body over 1 MB instead of the file');
  }
  end(): void {
    if (this.mode === 'json') this.envelope = parseJson(Buffer.concat(this.json).toString('utf8'));
  }
  take(): Buffer[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

function parseChecksum(
  checksum: DownloadOptions['checksum'],
): { algorithm: string; hex: string } | undefined {
  if (checksum === undefined) return undefined;
  if (typeof checksum !== 'string') return checksum;
  const colon = checksum.indexOf(':');
  return colon === -1
    ? { algorithm: 'sha256', hex: checksum.toLowerCase() }
    : { algorithm: checksum.slice(0, colon).toLowerCase(), hex: checksum.slice(colon + 1).toLowerCase() };
}

const breaks = (error: unknown): boolean =>
  error instanceof HttpBodyInterruptedError ||
  error instanceof HttpConnectionError ||
  error instanceof HttpTimeoutError;

/** The file's bytes, in order, resumed with `Range: bytes=<received>-` after a broken body. */
export async function* download(
  client: HttpClient,
  request: HttpRequest,
  options: DownloadOptions = {},
): AsyncGenerator<Buffer> {
  const context = options.context ?? {};
  const maxResumes = options.maxResumes ?? 5;
  const expected = parseChecksum(options.checksum);
  const hash: Hash | undefined = expected ? createHash(expected.algorithm) : undefined;
  let received = 0;
  let resumes = 0;
  for (;;) {
    const headers = { ...request.headers, ...(received > 0 ? { range: `bytes=${received}-` } : {}) };
    try {
      await options.beforeRequest?.();
      const page = await client.stream(
        { ...request, headers },
        () => new ByteChunks(options.errorBodies === true),
        // A broken body resumes here with Range from the byte it stopped at, not from the start.
        { context, resumeInterrupted: false },
      );
      if (received > 0) {
        const refused = resumeRefusal(
          page.status,
          page.headers['content-range'],
          received,
          request.url,
          context,
        );
        if (refused) {
          await page.close();
          throw refused;
        }
      }
      for await (const batch of page.batches()) {
        for (const chunk of batch) {
          hash?.update(chunk);
          received += chunk.length;
          yield chunk;
        }
      }
      if (page.envelope !== undefined) {
        throw new DownloadError(`download of ${request.url} answered with JSON instead of the file`, {
          ...context,
        });
      }
      break;
    } catch (error) {
      if (!breaks(error) || resumes >= maxResumes) throw error;
      resumes += 1;
      client.logger.warn(
        `download of ${request.url} broke after ${received} bytes (${(error as Error).message}); resuming from there (${resumes} of ${maxResumes})`,
        { ...context },
      );
    }
  }
  if (options.expectedBytes !== undefined && received !== options.expectedBytes) {
    throw new DownloadError(
      `download of ${request.url} has ${received} bytes, but the file has ${options.expectedBytes}`,
      {
        ...context,
      },
    );
  }
  if (expected && hash) {
    const actual = hash.digest('hex');
    if (actual !== expected.hex) {
      throw new DownloadChecksumError(
        `download of ${request.url} does not match its ${expected.algorithm} checksum (got ${actual}, expected ${expected.hex}); the file is corrupt, run again`,
        { ...context },
      );
    }
  }
}

/** Why the answer to a resume is not the rest of the file; undefined when it is. */
function resumeRefusal(
  status: number,
  contentRange: string | string[] | undefined,
  received: number,
  url: string,
  context: RequestContext,
): DownloadError | undefined {
  const range = Array.isArray(contentRange) ? contentRange[0] : contentRange;
  const start = range === undefined ? undefined : /^bytes (\d+)-/.exec(range)?.[1];
  if (status !== 206 || start === undefined || Number(start) !== received) {
    return new DownloadError(
      `resuming ${url} at byte ${received}: the server answered ${status}${range ? ` with ${range}` : ' without Content-Range'} instead of the rest of the file`,
      { ...context },
    );
  }
  return undefined;
}
