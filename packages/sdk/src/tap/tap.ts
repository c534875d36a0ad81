/**
 * The Tap: a connector's streams, its config and logger, the HTTP client its streams share, and its
 * lifecycle. `discover` describes the streams; `sync` runs the selected ones (see sync-run.ts);
 * `dispose` releases what the tap holds once the CLI is done with it.
 */
import { forEachConcurrently } from '../concurrency.js';
import { configFileFor, updateConfigFile } from '../config-file.js';
import type { Capability, ConnectorInfo } from '../connector.js';
import { CatalogError } from '../errors.js';
import type { HttpClient, HttpClientOptions } from '../http/client.js';
import {
  createHttpClient,
  type HttpSettings,
  httpSettings,
  type VendorHttpOptions,
} from '../http/settings.js';
import type { Logger } from '../logging.js';
import { createStreamMapper, type StreamMapper } from '../maps/mapper.js';
import { mapperSettingsSchema } from '../maps/settings.js';
import { applyMetricsLevel, PROGRESS_SETTINGS, progressSettingsFrom } from '../progress/settings.js';
import { TapProgress, type TapStreamSummary } from '../progress/tap-progress.js';
import type { MessageWriter } from '../protocol/writer.js';
import { RunStoppedError } from '../run-stop.js';
import type { JSONSchema } from '../schema/json-schema.js';
import { Catalog, type CatalogDocument, describeStream } from './catalog.js';
import { withDefaults } from './settings.js';
import { StateManager } from './state.js';
import type { StreamHost } from './stream.js';
import { type AnyStream, SyncRun } from './sync-run.js';

export interface TapOptions<C> {
  config: C;
  logger: Logger;
  /** The `--config` files the config was read from, in order (the CLI passes them; `saveConfig` writes to one). */
  configFiles?: readonly string[];
}

export interface SyncOptions {
  catalog?: Catalog | undefined;
  state?: unknown;
  writer: MessageWriter;
  signal?: AbortSignal;
  /** Records between STATE messages (default: the `state_interval_rows` setting, 10,000). */
  stateIntervalRows?: number;
  /** Longest time between STATE messages while records flow (default 30 s). */
  stateIntervalMs?: number;
  /**
   * Milliseconds now (default `Date.now`): paces STATE messages and the `record_count` METRIC lines
   * (one per stream every 60 s); a test moves it instead of waiting.
   */
  clock?: () => number;
}

export interface SyncSummary {
  recordCounts: Record<string, number>;
  /** Per stream: records emitted, requests, pages, rate-limit waits, bookmark (also logged at exit). */
  summaries: TapStreamSummary[];
  state: unknown;
  /** Set when a budget stopped the run early (it still succeeded, with the STATE of finished work). */
  stoppedBy?: RunStoppedError;
}

/** How a tap's HTTP client is made: the vendor's base URL and auth; the HTTP settings refine it. */
export type TapHttpOptions = VendorHttpOptions;

export class UnknownStreamError extends CatalogError {
  override readonly code: string = 'SINGER_CATALOG_UNKNOWN_STREAM';
}

/** A stream class a tap lists in `streamTypes`: made with the tap as its host. */
export type StreamType<C> = new (host: StreamHost<C>) => AnyStream;

const TAP_SETTINGS = {
  parallel_streams: {
    type: 'integer',
    minimum: 1,
    default: 1,
    description:
      'Streams synced at once; their records interleave, each STATE still covers only records already written',
  },
  state_interval_rows: {
    type: 'integer',
    minimum: 1,
    default: 10_000,
    description: 'Records between STATE messages (also one every 30 s and at the end of each stream)',
  },
} as const;

export abstract class Tap<C = Record<string, unknown>> implements StreamHost<C> {
  static info: ConnectorInfo;
  /**
   * Settings every tap accepts besides its own: stream maps, pseudonymization, parallelism, STATE
   * pace, and for a tap with `httpOptions()` the HTTP settings (`base_url`, `request_timeout`, …).
   * A tap's own declaration of one of them wins (a different default, say).
   */
  static get sharedSettings(): JSONSchema {
    // `this` is the connector class asking: a subclass that overrides httpOptions() speaks HTTP.
    // biome-ignore lint/complexity/noThisInStatic: must be the subclass, not Tap itself
    const usesHttp = this.prototype.httpOptions !== Tap.prototype.httpOptions;
    return {
      type: 'object',
      properties: {
        ...mapperSettingsSchema.properties,
        ...TAP_SETTINGS,
        ...PROGRESS_SETTINGS.properties,
        ...(usesHttp ? httpSettings : {}),
      },
    };
  }
  /** What every tap built on the SDK can do, whatever it declares (`--about` lists the union). */
  static sharedCapabilities: readonly Capability[] = [
    'about',
    'catalog',
    'discover',
    'properties',
    'state',
    'stream-maps',
  ];
  /** The config, validated, with every setting the user left out filled from its schema default. */
  readonly config: C;
  readonly logger: Logger;
  /** Stream maps, pseudonymization, nulling and dropping, applied just before emission. */
  readonly mapper: StreamMapper | undefined;
  /** The tap's stream classes; the default `discoverStreams` makes one of each. */
  readonly streamTypes: readonly StreamType<C>[] = [];
  private streamsCache: AnyStream[] | undefined;
  #http: HttpClient | undefined;
  readonly #configFiles: readonly string[];
  /** The running sync's progress, which the HTTP client reports requests and rate-limit waits to. */
  #progress: TapProgress | undefined;

  constructor(options: TapOptions<C>) {
    const connector = new.target as unknown as { info?: ConnectorInfo; sharedSettings: JSONSchema };
    const settings = {
      type: 'object',
      properties: { ...connector.sharedSettings.properties, ...connector.info?.settings.properties },
    } satisfies JSONSchema;
    this.config = withDefaults(settings, options.config);
    this.logger = options.logger;
    this.#configFiles = options.configFiles ?? [];
    applyMetricsLevel(options.logger, this.config as Record<string, unknown>);
    // Compiled here so a bad expression fails before discovery or any request.
    const mapper = createStreamMapper((options.config ?? {}) as Record<string, unknown>, {
      logger: options.logger,
    });
    this.mapper = mapper.isIdentity ? undefined : mapper;
  }

  /**
   * The vendor's HTTP defaults (base URL, authenticator, headers, retry and rate-limit policy) for the
   * client the tap's streams share; the shared HTTP settings (`base_url`, `request_timeout`, …) win.
   * Undefined for a tap that makes no HTTP requests.
   */
  protected httpOptions(): TapHttpOptions | undefined {
    return undefined;
  }

  /**
   * The HTTP client every stream of this tap shares, made on first use from `httpOptions()`; asking a
   * tap without `httpOptions()` for it is a programming error.
   */
  get http(): HttpClient {
    if (this.#http === undefined) {
      const options = this.httpOptions();
      if (options === undefined) {
        throw new TypeError(
          `${this.constructor.name} has no HTTP client: override httpOptions() to give its base URL and auth`,
        );
      }
      const observers = this.requestObservers();
      this.#http = createHttpClient(this.config as HttpSettings, {
        logger: this.logger,
        ...options,
        onRequest: (timing) => {
          options.onRequest?.(timing);
          observers.onRequest(timing);
        },
        onRateLimitWait: (waitMs, context) => {
          options.onRateLimitWait?.(waitMs, context);
          observers.onRateLimitWait(waitMs, context);
        },
      });
    }
    return this.#http;
  }

  /**
   * What a transport other than `http` (a SOAP connection, a database driver) calls after each request and
   * rate-limit wait, so its requests count in the run's progress lines and summary as the HTTP client's do.
   * The context's `stream` says whose request it was.
   */
  protected requestObservers(): Required<Pick<HttpClientOptions, 'onRequest' | 'onRateLimitWait'>> {
    return {
      onRequest: (timing) => this.#progress?.request(timing),
      onRateLimitWait: (waitMs, context) => this.#progress?.rateLimitWait(waitMs, context),
    };
  }

  /** The streams this tap offers: one of each of `streamTypes` unless overridden. */
  discoverStreams(): AnyStream[] | Promise<AnyStream[]> {
    return this.streamTypes.map((Type) => new Type(this));
  }

  async streams(): Promise<AnyStream[]> {
    this.streamsCache ??= await this.discoverStreams();
    return this.streamsCache;
  }

  async discover(): Promise<CatalogDocument> {
    const streams = await this.streams();
    return {
      streams: streams.map((stream) =>
        describeStream({
          name: stream.name,
          schema: stream.schema,
          keyProperties: stream.primaryKeys,
          replicationKey: stream.replicationKey,
          replicationMethod: stream.replicationMethod,
          selectedByDefault: stream.selectedByDefault,
          extraMetadata: {
            ...(stream.parentStreamName ? { 'parent-tap-stream-id': stream.parentStreamName } : {}),
            ...stream.discoveryMetadata,
          },
        }),
      ),
    };
  }

  async sync(options: SyncOptions): Promise<SyncSummary> {
    const streams = await this.streams();
    const catalog = options.catalog ?? new Catalog((await this.discover()).streams);
    this.checkCatalogStreams(catalog, streams);
    const state = new StateManager(options.state);
    // Stops every stream when one fails or the caller aborts, so no stream writes after a failure.
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const settings = this.config as { parallel_streams?: number; state_interval_rows?: number };
    const progress = new TapProgress(
      this.logger,
      progressSettingsFrom(this.config as Record<string, unknown>),
      () => state.snapshot(),
    );
    this.#progress = progress;
    const run = new SyncRun(catalog, state, {
      progress,
      writer: options.writer,
      logger: this.logger,
      mapper: this.mapper,
      signal: stop.signal,
      stateIntervalRows: options.stateIntervalRows ?? settings.state_interval_rows ?? 10_000,
      stateIntervalMs: options.stateIntervalMs ?? 30_000,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const plans = run.plan(streams);
    this.mapper?.checkStreams(streams.map((stream) => stream.name));
    let stopped: RunStoppedError | undefined;
    progress.start();
    try {
      await forEachConcurrently(
        plans,
        settings.parallel_streams ?? 1,
        (plan) => run.syncStream(plan, undefined),
        stop,
      );
    } catch (error) {
      // A planned stop (a budget used up) ends the run with the STATE of what finished, not a failure.
      if (!(error instanceof RunStoppedError)) {
        await progress.finish('failed');
        throw error;
      }
      stopped = error;
      this.logger.warn(error.describe(), { ...error.context });
    }
    this.mapper?.flushMetrics();
    await run.emitState();
    const summaries = await progress.finish('succeeded');
    return {
      recordCounts: run.recordCounts,
      state: state.snapshot(),
      summaries,
      ...(stopped ? { stoppedBy: stopped } : {}),
    };
  }

  /**
   * Writes settings that changed during the run (a rotated OAuth refresh token, which the vendor
   * invalidates once a new one is issued) back to the config file they came from, atomically, keeping
   * every other key; the log names the settings and the file, never their values. Returns the file
   * written, or undefined (with a warning) when the config came from the environment only.
   */
  saveConfig(updates: Record<string, unknown>): string | undefined {
    const names = Object.keys(updates).join(', ');
    const file = configFileFor(this.#configFiles, Object.keys(updates));
    if (file === undefined) {
      this.logger.warn(
        `${names} changed during the run, but the config came from the environment only, so the new values are not saved; set them again before the next run`,
      );
      return undefined;
    }
    updateConfigFile(file, updates);
    this.logger.info(`${names} changed during the run and written back to config file ${file}`);
    return file;
  }

  /** Releases what the tap holds (its HTTP client; override to close more, and call super). */
  async dispose(): Promise<void> {
    const client = this.#http;
    this.#http = undefined;
    await client?.close();
  }

  /**
   * A catalog saved from another version of the tap may list streams this one lacks: harmless unless
   * selected, so those are a warning and only a selected one stops the run.
   */
  private checkCatalogStreams(catalog: Catalog, streams: readonly AnyStream[]): void {
    const known = new Set(streams.map((stream) => stream.name));
    for (const entry of catalog.streams) {
      if (known.has(entry.tap_stream_id)) continue;
      if (catalog.isStreamSelected(entry.tap_stream_id)) {
        throw new UnknownStreamError(
          `catalog selects stream '${entry.tap_stream_id}', which this tap does not have; deselect it or run --discover for the list`,
          { stream: entry.tap_stream_id },
        );
      }
      this.logger.warn(
        `catalog lists stream '${entry.tap_stream_id}', which this tap does not have; it is not selected, so it is ignored`,
        { stream: entry.tap_stream_id },
      );
    }
  }
}
