/**
 * JSON text as Python writes it, for `json.dumps()` in expressions (`{"a": 1, "b": [2, 3]}`: a space
 * after `,` and `:`) and for flattening (compact, as the Meltano SDK's `serialize_json`); both escape
 * every character outside printable ASCII as `\uXXXX` (`ensure_ascii`), as Python does by default.
 * `json.loads()` reads with the SDK's lossless parser, so long numbers stay exact.
 */
import { isExactNumber, numberText, parseJson } from '../json/lossless-json.js';
import { isTemporal } from './datetime.js';
import { isPlainObject, typeName } from './values.js';

export interface PythonJsonOptions {
  itemSeparator: string;
  keySeparator: string;
  ensureAscii: boolean;
  sortKeys: boolean;
  /** Spaces per level; undefined writes one line. */
  indent: number | undefined;
  /** `default=str`: values JSON cannot hold (dates) become their `str()`; otherwise they are refused. */
  stringifyUnknown: boolean;
}

export const COMPACT_JSON: PythonJsonOptions = {
  itemSeparator: ',',
  keySeparator: ':',
  ensureAscii: true,
  sortKeys: false,
  indent: undefined,
  stringifyUnknown: false,
};

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function quote(text: string, ensureAscii: boolean): string {
  const unsafe = ensureAscii ? /[\\"\u0000-\u001f\u007f-\uffff]/g : /[\\"\u0000-\u001f]/g;
  return `"${text.replace(unsafe, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function numberJson(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return numberText(value);
}

export function pythonJson(value: unknown, options: PythonJsonOptions, level = 0): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value, options.ensureAscii);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return numberJson(value);
    default:
      break;
  }
  if (isExactNumber(value)) return value.toString();
  if (isTemporal(value)) {
    if (!options.stringifyUnknown)
      throw new TypeError(`a ${typeName(value)} is not JSON serializable; pass default=str`);
    return quote(String(value), options.ensureAscii);
  }
  const open = options.indent === undefined ? '' : `\n${' '.repeat(options.indent * (level + 1))}`;
  const close = options.indent === undefined ? '' : `\n${' '.repeat(options.indent * level)}`;
  const separator =
    options.indent === undefined ? options.itemSeparator : `${options.itemSeparator.trimEnd()}${open}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${open}${value.map((item) => pythonJson(item, options, level + 1)).join(separator)}${close}]`;
  }
  if (!isPlainObject(value)) throw new TypeError(`a ${typeName(value)} is not JSON serializable`);
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  if (options.sortKeys) keys.sort();
  const entries = keys.map(
    (key) =>
      `${quote(key, options.ensureAscii)}${options.keySeparator}${pythonJson(value[key], options, level + 1)}`,
  );
  return `{${open}${entries.join(separator)}${close}}`;
}

/** `json.dumps(obj, default=str, sort_keys=…, indent=…, separators=…, ensure_ascii=…)`. */
export function jsonDumps(value: unknown, kwargs: Record<string, unknown>): string {
  const indent = kwargs.indent;
  if (
    indent !== undefined &&
    indent !== null &&
    (typeof indent !== 'number' || !Number.isInteger(indent) || indent < 0 || indent > 16)
  )
    throw new TypeError('json.dumps(indent=…) needs an integer from 0 to 16');
  const pretty = typeof indent === 'number' ? indent : undefined;
  const separators = kwargs.separators;
  let [itemSeparator, keySeparator] = pretty === undefined ? [', ', ': '] : [',', ': '];
  if (separators !== undefined && separators !== null) {
    if (
      !Array.isArray(separators) ||
      separators.length !== 2 ||
      !separators.every((s) => typeof s === 'string')
    )
      throw new TypeError('json.dumps(separators=…) needs a pair of strings');
    [itemSeparator, keySeparator] = separators as [string, string];
  }
  return pythonJson(value, {
    itemSeparator,
    keySeparator,
    ensureAscii: kwargs.ensure_ascii === undefined ? true : kwargs.ensure_ascii === true,
    sortKeys: kwargs.sort_keys === true,
    indent: pretty,
    stringifyUnknown: kwargs.default === 'str',
  });
}

export function jsonLoads(text: unknown): unknown {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw new TypeError(`json.loads() needs a string, got a ${typeName(text)}`);
  try {
    return parseJson(text);
  } catch {
    // The parser's message quotes the text, which may be PII.
    throw new TypeError('json.loads() was given text that is not valid JSON');
  }
}
