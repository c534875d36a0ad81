/**
 * The stream mapper a tap, a target or `singer-map` puts between its messages and the wire.
 * Build it once from config (every expression is compiled, every setting checked), then feed it the
 * SCHEMA, RECORD, ACTIVATE_VERSION and BATCH messages in order. It fails closed: a record it cannot
 * map is an error, never a record passed on unmapped.
 */
import { MapperError, RecordBeforeSchemaError } from '../errors.js';
import type { Logger } from '../logging.js';
import type {
  ActivateVersionMessage,
  BatchMessage,
  RecordMessage,
  SchemaMessage,
} from '../protocol/messages.js';
import { truthy } from './evaluate.js';
import {
  type CompiledConfig,
  compileConfig,
  isGlob,
  type MapperConfig,
  transformsRecords,
} from './map-config.js';
import { planStream, type Route, routeStream, type StreamPlan } from './plan.js';

export interface StreamMapperOptions {
  /** Receives the METRIC lines of filtered records (see `flushMetrics`). */
  logger?: Logger;
}

export interface StreamMapper {
  /** True when the config maps nothing: callers may skip the mapper entirely. */
  readonly isIdentity: boolean;
  /** True when records of this input stream pass unchanged (`mapRecord` returns the same message). */
  passesThrough(stream: string): boolean;
  /**
   * Throws a MapperError naming the first stream the config refers to that is not among these names
   * (glob patterns are exempt). Taps call it after discovery with every stream they can emit, before
   * the first record; a target or `singer-map` that has a catalog calls it with the catalog's streams.
   */
  checkStreams(knownStreams: readonly string[]): void;
  /** The SCHEMA messages to emit for an input SCHEMA: none if the stream is removed, several for copies. */
  mapSchema(message: SchemaMessage): SchemaMessage[];
  /** The RECORD messages to emit: none if removed or filtered out, one per output stream otherwise. */
  mapRecord(message: RecordMessage): RecordMessage[];
  mapActivateVersion(message: ActivateVersionMessage): ActivateVersionMessage[];
  /** BATCH files hold unmapped records: a stream whose records would change cannot be batched. */
  mapBatch(message: BatchMessage): BatchMessage[];
  /** Emits one `record_count` counter per output stream with records filtered since the last call. */
  flushMetrics(): void;
}

/** Checks and compiles the mapper settings; throws a MapperError on any problem, before any record. */
export function createStreamMapper(config: MapperConfig, options: StreamMapperOptions = {}): StreamMapper {
  return new DefaultStreamMapper(compileConfig(config), options.logger);
}

class DefaultStreamMapper implements StreamMapper {
  readonly isIdentity: boolean;
  private readonly routes = new Map<string, Route>();
  private readonly plans = new Map<string, StreamPlan>();
  private readonly filtered = new Map<string, number>();

  constructor(
    private readonly config: CompiledConfig,
    private readonly logger: Logger | undefined,
  ) {
    this.isIdentity =
      config.maps.length === 0 &&
      !config.removeUnmapped &&
      config.flattening === undefined &&
      config.simpleRules.every((r) => r.paths.length === 0);
    if (config.rawKey !== undefined) logger?.addSecrets([config.rawKey]);
  }

  private route(stream: string): Route {
    let route = this.routes.get(stream);
    if (route === undefined) {
      route = routeStream(this.config, stream);
      this.routes.set(stream, route);
    }
    return route;
  }

  passesThrough(stream: string): boolean {
    return this.isIdentity || this.route(stream).passthrough;
  }

  checkStreams(knownStreams: readonly string[]): void {
    const known = new Set(knownStreams);
    const referenced: [stream: string, where: string][] = [];
    for (const map of this.config.maps)
      referenced.push([map.source, map.primary ? 'stream_maps' : `stream_maps.${map.key}.__source__`]);
    for (const rule of this.config.simpleRules) referenced.push([rule.stream, rule.kind]);
    const unknown = referenced.filter(([stream]) => !isGlob(stream) && !known.has(stream));
    const first = unknown[0];
    if (first === undefined) return;
    const names = [...new Set(unknown.map(([stream]) => stream))];
    throw new MapperError(
      `'${first[1]}' names the stream '${first[0]}', which does not exist; known streams: ${[...known].sort().join(', ') || '(none)'}`,
      { stream: first[0], setting: first[1].split('.')[0], unknownStreams: names, reason: 'config' },
    );
  }

  mapSchema(message: SchemaMessage): SchemaMessage[] {
    if (this.isIdentity) return [message];
    const plan = planStream(this.config, this.route(message.stream), message);
    this.plans.set(message.stream, plan);
    return plan.outputs.map((output) => output.schema);
  }

  mapRecord(message: RecordMessage): RecordMessage[] {
    if (this.isIdentity) return [message];
    const plan = this.plans.get(message.stream);
    if (plan === undefined) {
      const route = this.route(message.stream);
      if (route.passthrough) return [message];
      if (route.outputs.length === 0) return [];
      throw new RecordBeforeSchemaError(
        'a RECORD arrived before the SCHEMA of its stream; the mapper needs the schema to map it',
        { stream: message.stream },
      );
    }
    if (plan.passthrough) return [message];
    return this.apply(plan, message);
  }

  private apply(plan: StreamPlan, message: RecordMessage): RecordMessage[] {
    const cursor = plan.cursor;
    cursor.field = undefined;
    let output = '';
    try {
      const record = plan.pre === undefined ? message.record : plan.pre(message.record);
      const out: RecordMessage[] = [];
      for (const target of plan.outputs) {
        output = target.stream;
        if (target.filter !== undefined) {
          cursor.field = '__filter__';
          if (!truthy(target.filter(record, undefined))) {
            this.filtered.set(target.stream, (this.filtered.get(target.stream) ?? 0) + 1);
            continue;
          }
        }
        const mapped = target.build === undefined ? record : target.build(record);
        out.push(
          target.stream === message.stream && mapped === message.record
            ? message
            : { ...message, stream: target.stream, record: mapped },
        );
      }
      return out;
    } catch (error) {
      // The message names the place only: record values are PII and must not reach the logs.
      const field = cursor.field;
      const reason = error instanceof Error ? error.message : String(error);
      throw new MapperError(
        `cannot map a record${field === undefined ? '' : ` at '${field}'`}${output !== message.stream && output !== '' ? ` for output stream '${output}'` : ''}: ${reason}; the record was not passed on`,
        { stream: message.stream, field, outputStream: output || undefined, reason: 'record' },
        { cause: error },
      );
    }
  }

  mapActivateVersion(message: ActivateVersionMessage): ActivateVersionMessage[] {
    if (this.isIdentity) return [message];
    return this.route(message.stream).outputs.map((output) =>
      output.stream === message.stream ? message : { ...message, stream: output.stream },
    );
  }

  mapBatch(message: BatchMessage): BatchMessage[] {
    if (this.isIdentity) return [message];
    const route = this.route(message.stream);
    if (route.passthrough) return [message];
    const changesRecords =
      this.config.flattening !== undefined ||
      route.simple.some((rule) => rule.paths.length > 0) ||
      route.outputs.some((output) => output.map !== undefined && transformsRecords(output.map));
    if (changesRecords)
      throw new MapperError(
        'BATCH messages carry records in files the mapper cannot rewrite; disable batching for streams with maps',
        { stream: message.stream, reason: 'config' },
      );
    return route.outputs.map((output) =>
      output.stream === message.stream ? message : { ...message, stream: output.stream },
    );
  }

  flushMetrics(): void {
    if (this.filtered.size === 0) return;
    for (const [stream, value] of this.filtered)
      this.logger?.metric({
        type: 'counter',
        metric: 'record_count',
        value,
        tags: { stream, filtered: true },
      });
    this.filtered.clear();
  }
}
