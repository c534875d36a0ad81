/**
 * Connector configuration: JSON files (later files win), then a `.env` file, then environment
 * variables named `<CONNECTOR>_<SETTING>`; validated against the connector's settings schema with
 * every problem reported at once. Secret settings are redacted wherever config is shown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { type ConnectorInfo, envPrefix } from './connector.js';
import { ConfigError } from './errors.js';
import { readJsonFile } from './json/json-file.js';
import { isExactNumber } from './json/lossless-json.js';
import type { JSONSchema } from './schema/json-schema.js';
import { DATE_TIME_FORMAT } from './schema/validator.js';

export type Config = Record<string, unknown>;

export interface LoadConfigOptions {
  /** `--config` arguments in order; the literal `ENV` means "from the environment only". */
  files: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Folder searched for a `.env` file. */
  cwd?: string;
  /** Told of each setting the config files give that the connector does not know (it is not read). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

export function loadConfig(info: ConnectorInfo, options: LoadConfigOptions): Config {
  const env = options.env ?? process.env;
  const settings = info.settings.properties ?? {};
  const config: Config = {};
  for (const [name, schema] of Object.entries(settings)) {
    if (schema.default !== undefined) config[name] = structuredClone(schema.default);
  }
  for (const file of options.files) {
    if (file === 'ENV') continue;
    const given = readConfigFile(file);
    for (const name of unknownSettings(info.settings, given)) {
      options.warn?.(
        `unknown setting '${name}' is ignored: ${info.name} does not read it (--about lists its settings)`,
        {
          setting: name,
          file,
        },
      );
    }
    Object.assign(config, given);
  }
  const dotenvPath = join(options.cwd ?? process.cwd(), '.env');
  const fromDotenv = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath, 'utf8')) : {};
  Object.assign(config, settingsFromEnv(info, { ...fromDotenv, ...env }));
  validateConfig(info.settings, config, coerceSettings(info.settings, config));
  return config;
}

/**
 * Settings `config` gives that `settings` does not declare, so nothing reads them (a typo, or another
 * connector's setting). None when the schema itself refuses unknown settings: validation says so.
 */
export function unknownSettings(settings: JSONSchema, config: Config): string[] {
  if (settings.additionalProperties === false) return [];
  const known = settings.properties ?? {};
  return Object.keys(config).filter((name) => !Object.hasOwn(known, name));
}

function readConfigFile(file: string): Config {
  const value = readJsonFile(file, { what: 'config file', error: ConfigError });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`config file ${file} must hold a JSON object of settings`);
  }
  return value as Config;
}

/** Minimal `.env` reader: KEY=VALUE lines, optional `export`, quotes, and # comments. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values[match[1]!] = value;
  }
  return values;
}

/** Settings found in the environment, converted to each setting's declared type. */
export function settingsFromEnv(info: ConnectorInfo, env: Record<string, string | undefined>): Config {
  const prefix = envPrefix(info.name);
  const found: Config = {};
  for (const [name, schema] of Object.entries(info.settings.properties ?? {})) {
    const variable = `${prefix}${name.toUpperCase()}`;
    const raw = env[variable];
    if (raw === undefined) continue;
    found[name] = convertEnvValue(raw, schema, variable);
  }
  return found;
}

function convertEnvValue(raw: string, schema: JSONSchema, variable: string): unknown {
  const types = ([] as string[]).concat(schema.type ?? 'string');
  if (types.includes('boolean') && /^(true|false|1|0|yes|no)$/i.test(raw)) return /^(true|1|yes)$/i.test(raw);
  if (
    (types.includes('integer') || types.includes('number')) &&
    raw.trim() !== '' &&
    !Number.isNaN(Number(raw))
  ) {
    return Number(raw);
  }
  if (types.includes('array') || types.includes('object')) {
    try {
      return JSON.parse(raw);
    } catch {
      if (types.includes('array')) return raw.split(',').map((item) => item.trim());
      throw new ConfigError(`environment variable ${variable} must hold JSON`, { setting: variable });
    }
  }
  return raw;
}

/**
 * Reads settings the way Meltano and Stitch write them: a number setting given as `"300"`, a boolean
 * as `"true"`/`"false"`, an id too long for a double given where a string is expected. Values are
 * converted in place; one that still cannot be read is a ConfigError naming the setting.
 */
export function coerceSettings(settings: JSONSchema, config: Config): Map<string, string> {
  const problems = new Map<string, string>();
  for (const [name, schema] of Object.entries(settings.properties ?? {})) {
    if (!Object.hasOwn(config, name)) continue;
    try {
      config[name] = coerceSetting(name, schema, config[name]);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.set(name, error.message);
    }
  }
  return problems;
}

function coerceSetting(name: string, schema: JSONSchema, value: unknown): unknown {
  const types = new Set(([] as string[]).concat(schema.type ?? []));
  if (isExactNumber(value)) {
    // A number a double cannot hold: fine as text for a string setting, unreadable as a number.
    if (types.has('string')) return value.toString();
    throw new ConfigError(
      `setting '${name}' is ${value.toString()}, which cannot be held exactly as a number; write it as a string`,
      { setting: name },
    );
  }
  if (typeof value !== 'string' || types.has('string')) return value;
  const text = value.trim();
  if (types.has('integer') || types.has('number')) {
    const number = text === '' ? Number.NaN : Number(text);
    if (Number.isFinite(number) && (types.has('number') || Number.isInteger(number))) return number;
  }
  if (types.has('boolean') && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (types.has('null') && text === '') return value;
  if (types.size > 0 && !types.has('object') && !types.has('array')) {
    const secret = schema.secret === true || schema.writeOnly === true;
    const shown = secret ? 'a string' : `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    const expected = [...types].filter((type) => type !== 'null').join(' or ');
    throw new ConfigError(`setting '${name}' is ${shown}, which is not ${expected}`, {
      setting: name,
    });
  }
  return value;
}

/**
 * Validates config with every problem listed, each naming its setting; `unreadable` holds what
 * `coerceSettings` could not read, said better than the schema error for the same setting.
 */
export function validateConfig(
  settings: JSONSchema,
  config: Config,
  unreadable: ReadonlyMap<string, string> = new Map(),
): void {
  // Settings schemas are the connector's own: checking them against the meta-schema costs ~50 ms a run.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
  ajv.addFormat('date-time', DATE_TIME_FORMAT);
  const validate = ajv.compile(settingsThatApply(settings, config));
  if (validate(config)) return;
  const problems = (validate.errors ?? []).map((error) => {
    const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const better = unreadable.get(path);
    if (better !== undefined) return better;
    if (error.keyword === 'required')
      return `missing required setting '${String(error.params.missingProperty)}'`;
    if (error.keyword === 'additionalProperties') {
      return `unknown setting '${String(error.params.additionalProperty)}'`;
    }
    return `setting '${path}' ${error.message ?? 'is invalid'}`;
  });
  const unique = [...new Set(problems)];
  throw new ConfigError(`invalid config: ${unique.join('; ')}`);
}

/**
 * `settings` with only the properties `config` sets: it judges that config exactly as the whole schema
 * would (required, unknown and top-level rules are kept), and compiling it takes a few ms where the
 * whole schema, at every start, took tens.
 */
function settingsThatApply(settings: JSONSchema, config: Config): JSONSchema {
  const properties = settings.properties;
  if (properties === undefined) return settings;
  const set = Object.keys(config).filter((name) => Object.hasOwn(properties, name));
  return { ...settings, properties: Object.fromEntries(set.map((name) => [name, properties[name]!])) };
}

/**
 * The values of secret settings, for masking in logs and errors: strings of settings marked secret,
 * and of properties marked secret inside object settings (an `ssl` object's `key`, say).
 */
export function secretValues(settings: JSONSchema, config: Config): string[] {
  const found: string[] = [];
  collectSecrets(settings, config, false, found);
  return found;
}

function collectSecrets(
  schema: JSONSchema | undefined,
  value: unknown,
  secret: boolean,
  found: string[],
): void {
  const isSecret = secret || schema?.secret === true || schema?.writeOnly === true;
  if (typeof value === 'string') {
    if (isSecret && value.length > 0) found.push(value);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    collectSecrets(isSecret ? undefined : propertySchema(schema, key), item, isSecret, found);
  }
}

/** The schema of property `key`, looked up in `properties` and in each anyOf/oneOf branch. */
function propertySchema(schema: JSONSchema | undefined, key: string): JSONSchema | undefined {
  if (schema === undefined) return undefined;
  const direct = schema.properties?.[key];
  if (direct !== undefined) return direct;
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const found = propertySchema(branch, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A copy of config safe to print. */
export function redactConfig(settings: JSONSchema, config: Config): Config {
  return redact(settings, config) as Config;
}

function redact(schema: JSONSchema | undefined, value: unknown): unknown {
  if (schema?.secret === true || schema?.writeOnly === true) return value === undefined ? value : '***';
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redact(schema?.items as JSONSchema | undefined, item));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redact(propertySchema(schema, key), item)]),
  );
}
