import type { JSONSchema, StreamContext, StreamHost } from '@singer-ts/sdk';
import { SOAPStream, type SoapConnection, type SoapPage } from '@singer-ts/sdk/soap';
import type { StreamPlan } from '../stream-schema.js';
import { unsuccessfulResult, zuoraSoapError } from './errors.js';
import { soapQuery, soapSelectList } from './plan.js';
import { type SoapValue, soapRecord } from './records.js';

export type SoapRecord = Record<string, SoapValue>;

export interface ZuoraSoapStreamOptions {
  /** The stream as SOAP reads it (`soapStreamPlan` of the discovered plan). */
  plan: StreamPlan;
  /** The tap's one logged-in connection (`zuoraSoapConnection`). */
  connection: SoapConnection;
  /**
   * The properties the catalog selects, read when the query is built; every readable property when absent (the
   * SDK still emits only the selected ones).
   */
  selectedProperties?: (() => ReadonlySet<string> | undefined) | undefined;
}

/**
 * One Zuora object read through SOAP `query` + `queryMore` (the SDK's SOAPStream pages with the locator).
 * Incremental by the replication key from the bookmark (`>=`, so nothing stamped at the bookmark is lost);
 * ZOQL cannot order, so the stream is unsorted and its bookmark is committed when the query is exhausted.
 */
export class ZuoraSoapStream<C = Record<string, unknown>> extends SOAPStream<SoapRecord, C> {
  readonly name: string;
  readonly schema: JSONSchema;
  override readonly primaryKeys: string[];
  override readonly replicationKey: string | undefined;
  override readonly isSorted = false;
  readonly connection: SoapConnection;
  readonly plan: StreamPlan;
  private readonly types: ReadonlyMap<string, string>;
  private readonly selectedProperties: (() => ReadonlySet<string> | undefined) | undefined;

  constructor(host: StreamHost<C>, options: ZuoraSoapStreamOptions) {
    super(host);
    const { plan } = options;
    this.plan = plan;
    this.name = plan.stream;
    this.schema = plan.schema;
    this.primaryKeys = [...plan.keyProperties];
    this.replicationKey = plan.replicationKey ?? undefined;
    this.connection = options.connection;
    this.selectedProperties = options.selectedProperties;
    // Records carry SOAP field names, which are the property names (joined ids are read from own fields).
    this.types = new Map(plan.properties.map((p) => [p.query, p.type]));
  }

  /** The ZOQL this run sends, from the bookmark (or start_date) when the stream is incremental. */
  zoql(context: StreamContext): string {
    const from = context.startingValue === undefined ? undefined : String(context.startingValue);
    return soapQuery(this.plan, soapSelectList(this.plan, this.selectedProperties?.()), from);
  }

  queryArgs(context: StreamContext): Record<string, unknown> {
    const queryString = this.zoql(context);
    const selected = this.selectedProperties?.();
    // A catalog saved in AQuA mode may select joined ids or export-only fields: say so rather than drop them quietly.
    const unreadable = this.plan.properties
      .filter((p) => p.inclusion === 'unsupported' && selected?.has(p.property))
      .map((p) => p.property);
    if (unreadable.length > 0) {
      this.logger.warn(
        'selected properties SOAP cannot read are left out (ZOQL has no joins; use api_type AQUA)',
        {
          stream: this.name,
          properties: unreadable,
        },
      );
    }
    this.logger.info('SOAP query', { stream: this.name, query: queryString });
    return { queryString };
  }

  override parsePage(response: unknown): SoapPage<SoapRecord> {
    const result = (response as { result?: Record<string, unknown> } | null)?.result;
    const failure = result && unsuccessfulResult(result, 'query', this.name);
    if (failure) throw failure;
    return super.parsePage(response);
  }

  override parseRecord(raw: Record<string, unknown>): SoapRecord {
    return soapRecord(raw, this.name, this.types);
  }

  override async *getRecords(context: StreamContext): AsyncGenerator<SoapRecord> {
    try {
      yield* super.getRecords(context);
    } catch (error) {
      throw zuoraSoapError(error, this.queryOperation, this.name);
    }
  }
}
