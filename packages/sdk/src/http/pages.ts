/**
 * Walking an endpoint page by page: the paginator shapes each request, the client streams each
 * page, and the paginator reads the finished page to find the next one.
 */
import type { HttpClient } from './client.js';
import type { BodyDecoder } from './decoders.js';
import type { RecordsPath } from './json-records.js';
import { type Paginator, SinglePagePaginator } from './paginators.js';
import type { RecordPage } from './record-page.js';
import type { HttpRequest, RequestContext } from './types.js';

export interface PaginateOptions<T> {
  /** The first page's request; the paginator adds its token to it for every page. */
  request: HttpRequest;
  /** A fresh paginator per walk (they keep state); one page unless set. */
  paginator?: Paginator<unknown>;
  /** Where the records are in a JSON page (`tickets.*`); or give `decoder` for another format. */
  recordsPath?: RecordsPath;
  decoder?: () => BodyDecoder<T>;
  /** Names the stream in errors, logs and metric tags. */
  context?: RequestContext;
  /** Check each whole page before handing out its records (see record-page.ts). */
  bufferPage?: boolean;
  /** Awaited before every page request (an endpoint's own budget, say). */
  beforeRequest?: () => Promise<void>;
}

/**
 * Yields each page as a RecordPage to iterate. Moving on to the next page reads whatever the
 * consumer left of the current one, since the paginator needs the complete envelope.
 */
export async function* paginate<T = Record<string, unknown>>(
  client: HttpClient,
  options: PaginateOptions<T>,
): AsyncGenerator<RecordPage<T>, void, undefined> {
  const paginator = options.paginator ?? new SinglePagePaginator();
  const context = options.context ?? {};
  const streamOptions = {
    context,
    ...(options.bufferPage === undefined ? {} : { bufferPage: options.bufferPage }),
  };
  while (!paginator.finished) {
    const request = paginator.prepare(options.request);
    if (options.beforeRequest) await options.beforeRequest();
    const page =
      options.decoder !== undefined
        ? await client.stream(request, options.decoder, streamOptions)
        : await client.records<T>(request, { ...streamOptions, recordsPath: options.recordsPath ?? '*' });
    try {
      yield page;
      await page.drain();
    } finally {
      await page.close();
    }
    paginator.advance(page.info(), context);
  }
}

/** Every record of every page, in order. */
export async function* paginateRecords<T = Record<string, unknown>>(
  client: HttpClient,
  options: PaginateOptions<T>,
): AsyncGenerator<T, void, undefined> {
  for await (const page of paginate(client, options)) yield* page;
}
