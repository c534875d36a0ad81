/**
 * Checks and compiles the mapper settings once, before any message is read: every expression is
 * parsed and compiled here, so a typo fails the run at start-up naming the stream, property and
 * column instead of failing on the millionth record.
 */
import { MapperError } from '../errors.js';
import { resolveAlias } from './alias.js';
import { mentions } from './ast.js';
import { type CompileContext, compileExpression, type Evaluator } from './evaluate.js';
import { type ExpressionNode, parseExpression } from './expression.js';
import { type FakerInstance, fakerFactory } from './faker.js';
import { type FlatteningOptions, flatteningOptions } from './flatten.js';
import { prepareKey } from './pseudonymize.js';

/** What a stream-map entry says about one stream: `null` removes it, an object maps it. */
export type StreamMapDefinition = { [property: string]: string | null | string[] } | null | string;

/**
 * The mapper's settings. A connector may pass its whole config: other keys are ignored.
 * Stream names in every block may be glob patterns (`*`, `?`, `[abc]`).
 */
export interface MapperConfig {
  /** Meltano stream maps: per stream, property → expression or null, plus `__alias__` & co. */
  stream_maps?: Record<string, StreamMapDefinition> | null;
  /** Values expressions read as `config['name']`. */
  stream_map_config?: Record<string, unknown> | null;
  /** Per input stream, dotted property paths to replace by their keyed HMAC-SHA256. */
  pseudonymize?: Record<string, string[]> | null;
  /** Per input stream, dotted property paths to set to null. */
  nullify?: Record<string, string[]> | null;
  /** Per input stream, dotted property paths to remove. */
  drop?: Record<string, string[]> | null;
  /** The HMAC key, at least 16 bytes; a secret setting. */
  pseudonymize_key?: string | null;
  /** `fake` in expressions: `seed` (repeatable values) and `locale` (a name or a list). */
  faker_config?: { seed?: unknown; locale?: unknown } | null;
  flattening_enabled?: boolean | null;
  flattening_max_depth?: number | null;
  flattening_separator?: string | null;
  flattening_max_key_length?: number | null;
  [setting: string]: unknown;
}

export const ELSE = '__else__';
export const FILTER = '__filter__';
export const SOURCE = '__source__';
export const ALIAS = '__alias__';
export const KEY_PROPERTIES = '__key_properties__';
/** Meltano's spelling of null where a setting cannot hold one (env vars). */
export const NULL_STRING = '__NULL__';

export type SimpleRuleKind = 'pseudonymize' | 'nullify' | 'drop';

export interface SimpleRule {
  kind: SimpleRuleKind;
  /** Input stream name or glob pattern. */
  stream: string;
  paths: string[];
}

export type PropertyRule =
  | { kind: 'drop'; name: string }
  | { kind: 'expression'; name: string; source: string; ast: ExpressionNode; evaluate: Evaluator };

export interface CompiledStreamMap {
  /** The key in `stream_maps`. */
  key: string;
  /** The input stream name or pattern it applies to. */
  source: string;
  /** The output stream name (equal to `source` unless aliased or a `__source__` copy). */
  alias: string;
  /** `alias` is an `__alias__` expression, evaluated per stream (see alias.ts). */
  aliasExpression: boolean;
  /** False for `__source__` copies, which add a stream instead of replacing it. */
  primary: boolean;
  /** `null`: the stream is not emitted. */
  remove: boolean;
  filter: { source: string; ast: ExpressionNode; evaluate: Evaluator } | undefined;
  /** undefined: not overridden; [] for `__key_properties__: null`. */
  keyProperties: string[] | undefined;
  /** `__else__: null`: only listed properties (and the key properties) travel. */
  whitelist: boolean;
  rules: PropertyRule[];
}

export interface CompiledConfig {
  maps: CompiledStreamMap[];
  /** Top-level `__else__: null`: streams not named in stream_maps are not emitted. */
  removeUnmapped: boolean;
  simpleRules: SimpleRule[];
  pseudonymizeKey: Buffer | undefined;
  mapConfig: Record<string, unknown>;
  /** The raw key, so a logger can mask it. */
  rawKey: string | undefined;
  flattening: FlatteningOptions | undefined;
  /** Set when an expression uses `fake`: a seeded faker per output stream. */
  newFaker: (() => FakerInstance) | undefined;
}

function configError(message: string, context: Record<string, unknown> = {}): MapperError {
  return new MapperError(message, { reason: 'config', ...context });
}

function isNull(value: unknown): value is null | undefined | '__NULL__' {
  return value === null || value === undefined || value === NULL_STRING;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isGlob(name: string): boolean {
  return /[*?[]/.test(name);
}

/** fnmatch semantics, as Meltano uses for stream names: `*`, `?`, `[seq]`, `[!seq]`. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let set = pattern.slice(i + 1, end);
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        out += `[${set.replace(/[\\\]]/g, '\\$&')}]`;
        i = end;
      }
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

export function matchesStream(pattern: string, stream: string): boolean {
  return pattern === stream || (isGlob(pattern) && globToRegExp(pattern).test(stream));
}

export function compileConfig(config: MapperConfig): CompiledConfig {
  if (!isObject(config)) throw configError('the mapper config must be an object');
  const rawKey =
    typeof config.pseudonymize_key === 'string' && config.pseudonymize_key !== ''
      ? config.pseudonymize_key
      : undefined;
  if (!isNull(config.pseudonymize_key) && config.pseudonymize_key !== '' && rawKey === undefined)
    throw configError("'pseudonymize_key' must be a string", { setting: 'pseudonymize_key' });

  const mapConfig = config.stream_map_config ?? {};
  if (!isObject(mapConfig))
    throw configError("'stream_map_config' must be an object", { setting: 'stream_map_config' });

  const simpleRules = [
    ...readSimpleBlock(config, 'pseudonymize'),
    ...readSimpleBlock(config, 'nullify'),
    ...readSimpleBlock(config, 'drop'),
  ];
  const needsKey = simpleRules.some((rule) => rule.kind === 'pseudonymize' && rule.paths.length > 0);
  // The key is checked whenever it is set, so a short key fails even before it is first needed.
  const pseudonymizeKey = rawKey !== undefined || needsKey ? prepareKey(rawKey) : undefined;

  const streamMaps = config.stream_maps ?? {};
  if (!isObject(streamMaps)) throw configError("'stream_maps' must be an object", { setting: 'stream_maps' });
  const flattening = flatteningOptions(config);
  const newFaker = usesFake(streamMaps) ? fakerFactory(readFakerConfig(config.faker_config)) : undefined;
  const shared = { config: mapConfig, pseudonymizeKey, fake: newFaker?.() };
  let removeUnmapped = false;
  const maps: CompiledStreamMap[] = [];
  for (const [key, definition] of Object.entries(streamMaps)) {
    if (key === ELSE) {
      if (!isNull(definition))
        throw configError(`'stream_maps.${ELSE}' can only be null (drop streams not listed)`, {
          setting: 'stream_maps',
        });
      removeUnmapped = true;
      continue;
    }
    if (key.startsWith('__') && key.endsWith('__'))
      throw configError(`'stream_maps.${key}' is not a known option`, { setting: 'stream_maps' });
    maps.push(compileStreamMap(key, definition, shared));
  }
  return { maps, removeUnmapped, simpleRules, pseudonymizeKey, mapConfig, rawKey, flattening, newFaker };
}

function readFakerConfig(value: unknown): { seed?: unknown; locale?: unknown } {
  if (isNull(value)) return {};
  if (!isObject(value))
    throw configError("'faker_config' must be an object with 'seed' and 'locale'", {
      setting: 'faker_config',
    });
  return value;
}

/** Whether any expression mentions `fake` (parsed quietly: syntax errors are reported later). */
function usesFake(streamMaps: Record<string, unknown>): boolean {
  for (const [key, definition] of Object.entries(streamMaps)) {
    if (!isObject(definition)) continue;
    for (const [property, value] of Object.entries(definition)) {
      if (typeof value !== 'string' || !/\bfake\b/.test(value)) continue;
      try {
        if (mentions(parseExpression(value, { stream: key, property }), 'fake')) return true;
      } catch {
        // reported with its column when the map is compiled
      }
    }
  }
  return false;
}

function readSimpleBlock(config: MapperConfig, kind: SimpleRuleKind): SimpleRule[] {
  const block = config[kind];
  if (isNull(block)) return [];
  if (!isObject(block))
    throw configError(`'${kind}' must map stream names to lists of property paths`, { setting: kind });
  const rules: SimpleRule[] = [];
  for (const [stream, paths] of Object.entries(block)) {
    if (
      !Array.isArray(paths) ||
      paths.some((path) => typeof path !== 'string' || path === '' || path.split('.').includes(''))
    )
      throw configError(`'${kind}.${stream}' must be a list of property names or dotted paths`, {
        setting: kind,
        stream,
      });
    rules.push({ kind, stream, paths: [...new Set(paths as string[])] });
  }
  return rules;
}

function compileStreamMap(
  key: string,
  definition: unknown,
  shared: Omit<CompileContext, 'site'>,
): CompiledStreamMap {
  const base = {
    key,
    source: key,
    alias: key,
    aliasExpression: false,
    primary: true,
    filter: undefined,
    keyProperties: undefined,
  };
  if (isNull(definition)) return { ...base, remove: true, whitelist: false, rules: [] };
  if (!isObject(definition))
    throw configError(
      `stream_maps.${key} must be an object of property maps or null; '${String(definition)}' is not supported`,
      { stream: key, setting: 'stream_maps' },
    );
  const compiled: CompiledStreamMap = { ...base, remove: false, whitelist: false, rules: [] };
  const site = (property: string) => ({ stream: key, property });
  const context = (property: string): CompileContext => ({
    ...shared,
    site: site(property),
    streamName: key,
  });

  for (const [property, value] of Object.entries(definition)) {
    const where = { stream: key, field: property, setting: 'stream_maps' };
    switch (property) {
      case SOURCE:
      case ALIAS:
        if (typeof value !== 'string' || value === '')
          throw configError(`'${property}' must be a stream name`, where);
        if (Object.hasOwn(definition, SOURCE) && Object.hasOwn(definition, ALIAS))
          throw configError(
            `use either '${SOURCE}' (a copy named '${key}') or '${ALIAS}' (rename '${key}'), not both`,
            where,
          );
        if (property === SOURCE) {
          compiled.source = value;
          compiled.primary = false;
        } else {
          compiled.alias = value;
          compiled.aliasExpression = true;
          // Checked now for a named stream; a pattern's alias is checked per matching stream.
          if (!isGlob(key)) resolveAlias(value, key, key);
        }
        continue;
      case FILTER: {
        if (typeof value !== 'string') throw configError(`'${FILTER}' must be an expression string`, where);
        const ast = parseExpression(value, site(FILTER));
        compiled.filter = { source: value, ast, evaluate: compileExpression(ast, context(FILTER)) };
        continue;
      }
      case ELSE:
        if (!isNull(value))
          throw configError(`'${ELSE}' can only be null (keep only the listed properties)`, where);
        compiled.whitelist = true;
        continue;
      case KEY_PROPERTIES:
        if (isNull(value)) compiled.keyProperties = [];
        else if (Array.isArray(value) && value.every((k) => typeof k === 'string' && k !== ''))
          compiled.keyProperties = [...value];
        else throw configError(`'${KEY_PROPERTIES}' must be a list of property names or null`, where);
        continue;
      default:
        break;
    }
    if (property.startsWith('__') && property.endsWith('__'))
      throw configError(`'${property}' is not a known stream map option`, where);
    if (property === '' || property.split('.').includes(''))
      throw configError('a property name cannot be empty', where);
    if (isNull(value)) {
      compiled.rules.push({ kind: 'drop', name: property });
      continue;
    }
    if (typeof value !== 'string')
      throw configError('a property map must be an expression string or null (to drop the property)', where);
    const ast = parseExpression(value, site(property));
    compiled.rules.push({
      kind: 'expression',
      name: property,
      source: value,
      ast,
      evaluate: compileExpression(ast, context(property)),
    });
  }
  return compiled;
}

/** Whether a stream map changes records beyond naming the stream. */
export function transformsRecords(map: CompiledStreamMap): boolean {
  return map.filter !== undefined || map.whitelist || map.keyProperties !== undefined || map.rules.length > 0;
}
