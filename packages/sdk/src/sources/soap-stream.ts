/**
 * A stream read from a SOAP API in `query` + `queryMore(queryLocator)` pages until the server says
 * `done`, as Salesforce's and Zuora's SOAP APIs page. Subclasses say what to query; the connection
 * (client, login, session header, faults) is shared by every stream of a tap.
 */
import { SingerError } from '../errors.js';
import { Stream, type StreamContext } from '../tap/stream.js';
import type { SoapConnection } from './soap-client.js';

/** One page of a query: its records, whether it was the last, and where the next one starts. */
export interface SoapPage<R> {
  records: R[];
  done: boolean;
  queryLocator?: string | undefined;
}

/** The server's paging contradicts itself (more pages but no locator, or the same locator again). */
export class SoapPagingError extends SingerError {
  override readonly code: string = 'SINGER_SOAP_PAGING';
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export abstract class SOAPStream<
  R extends object = Record<string, unknown>,
  C = Record<string, unknown>,
> extends Stream<R, C> {
  /** The tap's shared connection. */
  abstract readonly connection: SoapConnection;
  readonly queryOperation: string = 'query';
  readonly queryMoreOperation: string = 'queryMore';

  /** Arguments of the first call, e.g. `{ queryString: "SELECT … WHERE UpdatedAt >= …" }`. */
  abstract queryArgs(context: StreamContext): Record<string, unknown>;

  /** Arguments of each later call. */
  queryMoreArgs(queryLocator: string, _context: StreamContext): Record<string, unknown> {
    return { queryLocator };
  }

  /** Reads a page from a response shaped `{ result: { records, done, queryLocator } }`. */
  parsePage(response: unknown): SoapPage<R> {
    const body = ((response as Record<string, unknown> | null)?.result ?? response ?? {}) as Record<
      string,
      unknown
    >;
    const done = body.done === true || body.done === 'true';
    const locator = body.queryLocator;
    return {
      records: asArray(body.records).map((raw) => this.parseRecord(raw as Record<string, unknown>)),
      done,
      queryLocator: typeof locator === 'string' && locator !== '' ? locator : undefined,
    };
  }

  /** One record as the stream emits it; drops the XML attributes (`xsi:type`) the soap package keeps. */
  parseRecord(raw: Record<string, unknown>): R {
    const { attributes: _attributes, ...record } = raw;
    return record as R;
  }

  async *getRecords(context: StreamContext): AsyncGenerator<R> {
    const where = { stream: this.name };
    let page = this.parsePage(
      await this.connection.call(this.queryOperation, this.queryArgs(context), where),
    );
    const seen = new Set<string>();
    for (;;) {
      for (const record of page.records) yield record;
      if (page.done) return;
      const locator = page.queryLocator;
      if (locator === undefined) {
        throw new SoapPagingError(
          `${this.queryOperation} said more records follow but gave no queryLocator`,
          where,
        );
      }
      if (seen.has(locator)) {
        throw new SoapPagingError(
          `${this.queryMoreOperation} returned the queryLocator it was given again`,
          where,
        );
      }
      seen.add(locator);
      if (context.signal.aborted) return;
      page = this.parsePage(
        await this.connection.call(this.queryMoreOperation, this.queryMoreArgs(locator, context), where),
      );
    }
  }
}
