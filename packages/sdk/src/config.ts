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
import type { JSONSchema } from './schema/json-schema.js';
import { DATE_TIME_FORMAT } from './schema/validator.js';

export type Config = Record<string, unknown>;

export interface LoadConfigOptions {
  /** `--config` arguments in order; the literal `ENV` means "from the environment only". */
  files: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Folder searched for a `.env` file. */
  cwd?: string;
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
    Object.assign(config, readConfigFile(file));
  }
  const dotenvPath = join(options.cwd ?? process.cwd(), '.env');
  const fromDotenv = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath, 'utf8')) : {};
  Object.assign(config, settingsFromEnv(info, { ...fromDotenv, ...env }));
  validateConfig(info.settings, config);
  return config;
}

function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(`cannot read config file ${file}: ${reason}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message can quote the file's text, which may hold secrets: keep only the position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const at = position === undefined ? '' : ` near ${lineAndColumn(text, Number(position))}`;
    throw new ConfigError(`config file ${file} is not valid JSON${at}; fix the file and run again`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`config file ${file} must hold a JSON object of settings`);
  }
  return value as Config;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
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

/** Validates config with every problem listed, each naming its setting. */
export function validateConfig(settings: JSONSchema, config: Config): void {
  // Settings schemas are the connector's own: checking them against the meta-schema costs ~50 ms a run.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
  ajv.addFormat('date-time', DATE_TIME_FORMAT);
  const validate = ajv.compile(settingsThatApply(settings, config));
  if (validate(config)) return;
  const problems = (validate.errors ?? []).map((error) => {
    const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
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

/** Names of settings that must never be printed. */
export function secretSettingNames(settings: JSONSchema): string[] {
  return Object.entries(settings.properties ?? {})
    .filter(([, schema]) => schema.secret === true || schema.writeOnly === true)
    .map(([name]) => name);
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
