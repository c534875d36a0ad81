/**
 * Writing settings a connector changed at runtime (rotated OAuth tokens, say) back to the config
 * file they came from, as singer-io taps do, but atomically: the new content goes to a temporary
 * file in the same folder, is flushed, and replaces the old file by rename, so a crash leaves either
 * the old file or the new one, never half of one. Every other key is kept exactly as it was.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'lossless-json';
import { ConfigError } from './errors.js';
import { readJsonFile } from './json/json-file.js';

/**
 * Which of the `--config` files gets `keys`: the last one that already holds one of them (later files
 * win, so that is where the value in use came from), else the last file; undefined when config came
 * from the environment only.
 */
export function configFileFor(files: readonly string[], keys: readonly string[]): string | undefined {
  const real = files.filter((file) => file !== 'ENV');
  for (let i = real.length - 1; i >= 0; i -= 1) {
    const value = readJsonFile(real[i]!, { what: 'config file', error: ConfigError });
    if (typeof value === 'object' && value !== null && keys.some((key) => Object.hasOwn(value, key)))
      return real[i];
  }
  return real.at(-1);
}

/** Sets `updates` in the JSON config file at `path`, keeping every other key, atomically. */
export function updateConfigFile(given: string, updates: Record<string, unknown>): void {
  // Through a symlink to the file itself, so the link stays a link.
  const path = realpathSync(given);
  const current = readJsonFile(path, { what: 'config file', error: ConfigError });
  if (typeof current !== 'object' || current === null || Array.isArray(current))
    throw new ConfigError(`config file ${path} must hold a JSON object of settings`);
  const text = `${stringify({ ...current, ...updates }, undefined, 2)}\n`;
  const mode = statSync(path).mode & 0o777;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(temp, 'w', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new ConfigError(
      `cannot write the updated settings (${Object.keys(updates).join(', ')}) to config file ${path}: ${(error as Error).message}`,
      { file: path },
      { cause: error },
    );
  }
}
