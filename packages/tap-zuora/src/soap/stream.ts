import type { CountWindow, JSONSchema, SourceCount, StreamContext, StreamHost } from '@singer-ts/sdk';
import { SOAPStream, type SoapConnection, type SoapPage } from '@singer-ts/sdk/soap';
import { ZuoraStateError } from '../errors.js';
import { zoqlCountQuery } from '../query.js';
import type { StreamPlan } from '../stream-schema.js';
import { laterOf } from '../zuora-stream.js';
import { unsuccessfulResult, ZuoraSoapObjectError, zuoraSoapError } from './errors.js';
import { soapQuery, soapSelectList, soapStreamPlan } from './plan.js';
import { type SoapRecord, soapRecordConverter } from './records.js';
import { wsdlObjectFields } from './wsdl-fields.js';

export type { SoapRecord } from './records.js';

export interface ZuoraSoapStreamOptions {
  /** The stream as discovered (Describe) or read from a saved catalog. */
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
 * What it selects is checked against the WSDL's type for the object (what this user may read through SOAP).
 * Incremental by the replication key from the bookmark (`>=`, so nothing stamped at the bookmark is lost);
 * ZOQL cannot order, so the stream is unsorted and its bookmark is committed when the query is exhausted.
 */
export class ZuoraSoapStream<C = Record<string, unknown>> extends SOAPStream<SoapRecord, C> {
  readonly name: string;
  readonly schema: JSONSchema;
  override readonly primaryKeys: string[];
  override readonly replicationKey: string | undefined;
  override readonly isSorted = false;
  override readonly selectedByDefault: boolean = true;
  override readonly discoveryMetadata: Record<string, unknown> = {};
  readonly connection: SoapConnection;
  /** The plan as discovered; `readable` is the same plan as the WSDL lets SOAP read it. */
  readonly plan: StreamPlan;
  private readable: StreamPlan;
  private readonly convert: (raw: Record<string, unknown>) => SoapRecord;
  private readonly selectedProperties: (() => ReadonlySet<string> | undefined) | undefined;

  constructor(host: StreamHost<C>, options: ZuoraSoapStreamOptions) {
    super(host);
    const { plan } = options;
    this.plan = plan;
    this.readable = plan;
    this.name = plan.stream;
    this.schema = plan.schema;
    this.primaryKeys = [...plan.keyProperties];
    this.replicationKey = plan.replicationKey ?? undefined;
    this.connection = options.connection;
    this.selectedProperties = options.selectedProperties;
    this.convert = soapRecordConverter(plan.stream, plan.schema);
    if (plan.unavailable) {
      // Listed as the other modes list an object the tenant cannot read: unsupported, never selected.
      this.selectedByDefault = false;
      this.discoveryMetadata = { inclusion: 'unsupported', 'tap-zuora.unavailable': plan.unavailable };
    }
  }

  /** The ZOQL this run sends, from the bookmark (or start_date) when the stream is incremental. */
  zoql(context: StreamContext): string {
    const from = context.startingValue === undefined ? undefined : String(context.startingValue);
    try {
      return soapQuery(this.readable, soapSelectList(this.readable, this.selectedProperties?.()), from);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new ZuoraStateError(`the bookmark '${from}' is not a timestamp; fix or remove it`, {
        stream: this.name,
        setting: 'start_date',
      });
    }
  }

  queryArgs(context: StreamContext): Record<string, unknown> {
    const queryString = this.zoql(context);
    const selected = this.selectedProperties?.();
    // A catalog saved in AQuA mode may select joined ids or export-only fields: say so rather than drop them quietly.
    const unreadable = this.readable.properties
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
    return this.convert(raw);
  }

  override async *getRecords(context: StreamContext): AsyncGenerator<SoapRecord> {
    const rk = this.replicationKey;
    let latest: string | undefined;
    try {
      this.readable = await this.readablePlan();
      for await (const record of super.getRecords(context)) {
        if (rk) latest = laterOf(latest, record[rk]);
        yield record;
      }
    } catch (error) {
      throw zuoraSoapError(error, this.queryOperation, this.name, (text) => this.connection.redact(text));
    }
    // The SDK moves `replication_key_value` once the unsorted query is exhausted; singer-io/tap-zuora's own key
    // (`"UpdatedDate": …`) moves with it, so a STATE means the same to both taps.
    if (rk && latest !== undefined && !context.signal.aborted) {
      context.bookmark[rk] = laterOf(latest, context.bookmark[rk]);
    }
  }

  /**
   * The live rows a run that reached `window.through` has read: the `size` Zuora reports for the query (the whole
   * result's count), from its first page. Rows deleted in Zuora are not counted; SOAP never reports them.
   */
  override async countRecords(window: CountWindow): Promise<SourceCount> {
    const through =
      window.through === undefined || window.through === null ? undefined : String(window.through);
    const queryString = zoqlCountQuery(this.plan, through);
    try {
      this.readable = await this.readablePlan();
      const response = await this.connection.call<{ result?: Record<string, unknown> }>(
        this.queryOperation,
        { queryString },
        { stream: this.name },
      );
      const failure = response?.result && unsuccessfulResult(response.result, 'query', this.name);
      if (failure) throw failure;
      const rows = Number(response?.result?.size);
      if (!Number.isInteger(rows) || rows < 0) {
        return { comparable: false, reason: `Zuora's query answered no row count (size) for ${this.name}` };
      }
      return { comparable: true, rows, method: `ZOQL size of ${queryString}` };
    } catch (error) {
      throw zuoraSoapError(error, this.queryOperation, this.name, (text) => this.connection.redact(text));
    }
  }

  /** The plan cut to the fields the WSDL declares for the object; its key and replication key must be there. */
  private async readablePlan(): Promise<StreamPlan> {
    const fields = wsdlObjectFields(await this.connection.client(), this.name);
    if (!fields) {
      throw new ZuoraSoapObjectError(
        `the WSDL declares no object ${this.name}: this user cannot read it through SOAP at this WSDL version; deselect the stream or use api_type AQUA`,
        { stream: this.name },
      );
    }
    const plan = soapStreamPlan(this.plan, fields);
    const missing = plan.properties.filter(
      (p) =>
        p.inclusion === 'unsupported' &&
        this.plan.properties.find((q) => q.property === p.property)?.inclusion === 'automatic',
    );
    if (missing.length > 0) {
      throw new ZuoraSoapObjectError(
        `the WSDL's ${this.name} lacks ${missing.map((p) => p.property).join(', ')}, which the stream needs (key or replication key); use api_type AQUA`,
        { stream: this.name },
      );
    }
    return plan;
  }
}
