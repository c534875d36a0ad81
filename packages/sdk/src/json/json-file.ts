/**
 * Reads a JSON document the user handed over (config, catalog, STATE) with the SDK's exact parser,
 * so a 64-bit id or bookmark comes back as written, and turns every failure into one clear error
 * naming the file. Parser messages are not echoed: they can quote the file, and config holds secrets.
 */
import { readFileSync } from 'node:fs';
import type { SingerError } from '../errors.js';
import { parseJson } from './lossless-json.js';

export interface ReadJsonFileOptions {
  /** What the file is, for messages: `config file`, `catalog`, `state file`. */
  what: string;
  /** The error class to throw (ConfigError, CatalogError, StateError). */
  error: new (
    message: string,
  ) => SingerError;
  /** Returned for a file holding only white space (an empty STATE file means no state). */
  whenEmpty?: unknown;
}

export function readJsonFile(path: string, options: ReadJsonFileOptions): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new options.error(`cannot read ${options.what} ${path}: ${reason}`);
  }
  if (options.whenEmpty !== undefined && text.trim() === '') return options.whenEmpty;
  try {
    return parseJson(text);
  } catch (error) {
    const message = (error as Error).message;
    // Node 20 names an offset, Node 22 and later a line and column.
    const position = /position (\d+)/.exec(message)?.[1];
    const line = /line (\d+) column (\d+)/.exec(message);
    const at = line
      ? ` near line ${line[1]}, column ${line[2]}`
      : position === undefined
        ? ''
        : ` near ${lineAndColumn(text, Number(position))}`;
    throw new options.error(`${options.what} ${path} is not valid JSON${at}; fix the file and run again`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
