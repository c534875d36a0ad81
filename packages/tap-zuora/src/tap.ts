import {
  type Authenticator,
  type JobClock,
  OAuth2Authenticator,
  realClock,
  type Stream,
  type SyncOptions,
  type SyncSummary,
  Tap,
  type TapHttpOptions,
  type TapOptions,
  tapInfo,
} from '@singer-ts/sdk';
import { zuoraErrors } from './api-errors.js';
import { AquaStream } from './aqua-stream.js';
import { type Catalog, JOINED_OBJECT, planFromCatalog } from './catalog-plan.js';
import { type DataCentre, resolveDataCentres } from './environments.js';
import { ZuoraConfigError } from './errors.js';
import { ExportStream } from './export-stream.js';
import { LegacyKeyAuthenticator } from './legacy-auth.js';
import type { ZuoraRun } from './run.js';
import { checkApiSettings, credentialsOf, SETTINGS, type ZuoraConfig } from './settings.js';
import { fromSingerIoState } from './singer-io-state.js';
import { SoapMode } from './soap/mode.js';
import { type StreamPlan, streamFromDescribe } from './stream-schema.js';
import { ZuoraApi } from './zuora-api.js';
import type { Row } from './zuora-stream.js';

/** What discovery says of an object whose one-row probe export Zuora refused. */
const UNAVAILABLE = 'this tenant cannot export it (a feature not enabled, or no permission)';

/** Zuora refreshes tokens of an hour; ours are renewed 5 minutes early, as Zuora's own guidance does. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Zuora billing objects, one stream per object the tenant's Describe API lists, named, keyed and bookmarked as
 * singer-io/tap-zuora does; read through AQuA (`api_type: AQUA`), the REST Export object (`REST`) or SOAP
 * query/queryMore (`SOAP`, in src/soap/).
 */
export class TapZuora extends Tap<ZuoraConfig> implements ZuoraRun {
  static override info = tapInfo({
    name: 'tap-zuora',
    description:
      'Zuora billing objects through AQuA, the REST Export object or SOAP (singer-io/tap-zuora drop-in)',
    settings: SETTINGS,
    moduleUrl: import.meta.url,
  });

  readonly clock: JobClock;
  private readonly candidates: DataCentre[];
  private chosen: DataCentre | undefined;
  private readonly authenticator: Authenticator;
  private catalog: Catalog | undefined;
  #api: ZuoraApi | undefined;
  #soap: SoapMode | undefined;

  constructor(options: TapOptions<ZuoraConfig>) {
    super(options);
    checkApiSettings(this.config);
    this.clock = this.jobClock();
    this.candidates = this.dataCentreCandidates();
    if (this.candidates.length === 1) this.chosen = this.candidates[0];
    const credentials = credentialsOf(this.config);
    this.authenticator =
      credentials.kind === 'oauth'
        ? new OAuth2Authenticator({
            tokenUrl: '/oauth/token',
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
            refreshMarginMs: TOKEN_REFRESH_MARGIN_MS,
            now: () => this.clock.now(),
          })
        : new LegacyKeyAuthenticator(credentials.username, credentials.password);
  }

  /** The data centres to try, in order (from base_url, environment or singer-io's flags); tests give emulated hosts. */
  protected dataCentreCandidates(): DataCentre[] {
    return resolveDataCentres(this.config);
  }

  /** Time for job polling and token expiry; tests give the emulator's clock so nothing waits. */
  protected jobClock(): JobClock {
    return realClock;
  }

  get api(): ZuoraApi {
    this.#api ??= new ZuoraApi(this.http);
    return this.#api;
  }

  dataCentre(): DataCentre {
    if (!this.chosen) throw new Error('the data centre is chosen before the first request');
    return this.chosen;
  }

  protected override httpOptions(): TapHttpOptions {
    return {
      baseUrl: this.dataCentre().rest,
      authenticator: this.authenticator,
      parseErrorBody: zuoraErrors,
    };
  }

  isPropertySelected(stream: string, property: string): boolean {
    if (this.catalog) return this.catalog.isSelected(stream, ['properties', property], true);
    const plan = this.plans.get(stream);
    return plan?.properties.find((p) => p.property === property)?.inclusion !== 'unsupported';
  }

  private readonly plans = new Map<string, StreamPlan>();

  override async discoverStreams(): Promise<Stream<Row, ZuoraConfig>[]> {
    await this.chooseDataCentre();
    const plans = this.catalog
      ? this.catalog.streams.map((entry) => planFromCatalog(this.catalog!, entry))
      : await this.describeStreams();
    for (const plan of plans) this.plans.set(plan.stream, plan);
    return plans.map((plan) => this.streamFor(plan));
  }

  /** The one place a stream's read path is chosen from `api_type`. */
  private streamFor(plan: StreamPlan): Stream<Row, ZuoraConfig> {
    switch (this.config.api_type) {
      case 'REST':
        return new ExportStream(this, plan);
      case 'SOAP':
        return this.soapMode().stream(this, plan, (property) =>
          this.isPropertySelected(plan.stream, property),
        );
      default:
        return new AquaStream(this, plan);
    }
  }

  /** One SOAP login per run, shared by discovery and every stream. */
  private soapMode(): SoapMode {
    this.#soap ??= new SoapMode(
      this.config,
      this.dataCentre(),
      this.logger,
      this.requestObservers().onRequest,
    );
    return this.#soap;
  }

  /**
   * One plan per object Describe lists that the tenant can export, as singer-io/tap-zuora finds them: objects
   * whose Id or replication key is not exportable are left out, and each remaining one is probed with a
   * one-row export (AQuA also tells whether it has deleted rows).
   */
  private async describeStreams(): Promise<StreamPlan[]> {
    const api = this.config.api_type;
    const plans: StreamPlan[] = [];
    const skipped: string[] = [];
    for (const name of await this.api.objectNames()) {
      const described = await this.api.describe(name);
      const plan = described && streamFromDescribe(described, { api });
      if (!described || !plan) {
        skipped.push(`${name} (Id or replication key not exportable)`);
        continue;
      }
      if (api === 'AQUA') {
        const status = await this.api.probeAqua(name, this.config.partner_id!);
        if (status === 'unavailable') {
          plans.push({ ...plan, unavailable: UNAVAILABLE });
          continue;
        }
        plans.push(
          status === 'with-deleted' ? streamFromDescribe(described, { api, deletedAvailable: true })! : plan,
        );
      } else if (api === 'REST') {
        if (!(await this.api.probeExport(name))) {
          plans.push({ ...plan, unavailable: UNAVAILABLE });
          continue;
        }
        plans.push(plan);
      } else plans.push(await this.soapMode().discoveryPlan(plan));
    }
    if (skipped.length > 0) this.logger.info(`objects left out of discovery: ${skipped.join(', ')}`);
    const unavailable = plans.filter((p) => p.unavailable).map((p) => p.stream);
    if (unavailable.length > 0)
      this.logger.info(`objects listed as unsupported (${UNAVAILABLE}): ${unavailable.join(', ')}`);
    return plans;
  }

  /**
   * singer-io's metadata on top of the SDK's: unsupported fields (unknown types, fields the Export object
   * rejects) and `tap-zuora.joined_object` on joined ids, so a catalog means the same to both taps.
   */
  override async discover() {
    const catalog = await super.discover();
    for (const entry of catalog.streams) {
      const plan = this.plans.get(entry.tap_stream_id);
      if (!plan) continue;
      const byName = new Map(plan.properties.map((p) => [p.property, p]));
      for (const m of entry.metadata) {
        const field = m.breadcrumb[1];
        const p = m.breadcrumb.length === 2 && field !== undefined ? byName.get(field) : undefined;
        if (!p) continue;
        m.metadata.inclusion = p.inclusion;
        if (p.inclusion === 'unsupported') m.metadata['selected-by-default'] = false;
        if (p.joinedObject) m.metadata[JOINED_OBJECT] = p.joinedObject;
      }
    }
    return catalog;
  }

  /** A sync reads its streams from the catalog (no Describe calls) and accepts singer-io's STATE. */
  override sync(options: SyncOptions): Promise<SyncSummary> {
    this.catalog = options.catalog;
    return super.sync({ ...options, state: fromSingerIoState(options.state) });
  }

  /**
   * With singer-io's `sandbox`/`european` flags, the hosts it knows are tried in its order; a host that refuses
   * the credentials (401) is the wrong data centre. If none accepts them, the error says so plainly.
   */
  private async chooseDataCentre(): Promise<void> {
    if (this.chosen) return;
    const refusals: string[] = [];
    for (const dc of this.candidates) {
      const refusal = await this.refusal(dc);
      if (refusal === undefined) {
        this.chosen = dc;
        this.logger.info(`data centre: ${dc.rest}`);
        return;
      }
      refusals.push(`${dc.rest}: ${refusal}`);
    }
    throw new ZuoraConfigError(
      `no Zuora data centre accepted the credentials (${refusals.join('; ')}); check them, or set environment or base_url`,
      { setting: 'environment' },
    );
  }

  /** Why a data centre refuses the credentials (401, or no answer), or undefined when it takes them. */
  private async refusal(dc: DataCentre): Promise<string | undefined> {
    const credentials = credentialsOf(this.config);
    let response: Response;
    try {
      response =
        credentials.kind === 'oauth'
          ? await fetch(`${dc.rest}/oauth/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                client_id: credentials.clientId,
                client_secret: credentials.clientSecret,
                grant_type: 'client_credentials',
              }),
            })
          : await fetch(`${dc.rest}/v1/describe/Account`, {
              headers: { apiAccessKeyId: credentials.username, apiSecretAccessKey: credentials.password },
            });
    } catch (error) {
      return `no answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
    }
    await response.body?.cancel();
    return response.status === 401 ? '401' : undefined;
  }
}
