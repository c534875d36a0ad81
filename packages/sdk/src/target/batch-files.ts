/**
 * The records of a Meltano BATCH message: the files its manifest names, read as a stream (never a
 * whole file in memory). Only local files in `jsonl` format, plain or gzip, are supported; each line
 * holds one record object. Lines are split and parsed as the target reads its input, so numbers a
 * double cannot hold stay exact and errors name the file's line.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { parseJson } from '../json/lossless-json.js';
import type { BatchMessage } from '../protocol/messages.js';
import { type ReadOptions, readLineBatches } from '../protocol/reader.js';
import { BatchFileError, UnsupportedBatchEncodingError } from './errors.js';

export interface BatchRecord {
  record: Record<string, unknown>;
  /** The manifest entry the record came from, as the tap wrote it. */
  file: string;
  /** 1-based line in the (uncompressed) file. */
  line: number;
  /** Size of the line in bytes, for batching by bytes. */
  bytes: number;
}

type Compression = 'gzip' | 'none';

/**
 * Checks the encoding and every manifest entry before any file is opened, so an unsupported BATCH
 * fails before part of it is loaded. `line` is the BATCH message's input line, for errors.
 */
export function checkBatchMessage(
  message: BatchMessage,
  line?: number,
): { compression: Compression; paths: string[] } {
  const { stream, encoding } = message;
  const format = encoding.format;
  if (format !== 'jsonl') {
    throw new UnsupportedBatchEncodingError(
      `BATCH format ${JSON.stringify(format)} is not supported; configure the tap's batch_config encoding with format "jsonl"`,
      { stream, line, format },
    );
  }
  const compression = encoding.compression ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') {
    throw new UnsupportedBatchEncodingError(
      `BATCH compression ${JSON.stringify(compression)} is not supported; configure the tap's batch_config encoding with compression "gzip" or "none"`,
      { stream, line, compression },
    );
  }
  const paths = message.manifest.map((entry) => localPath(entry, stream, line));
  return { compression, paths };
}

/** Yields the records of every file of `message`, in manifest order, a chunk of lines at a time. */
export async function* readBatchRecords(
  message: BatchMessage,
  options: ReadOptions & { line?: number } = {},
): AsyncGenerator<BatchRecord[]> {
  const { compression, paths } = checkBatchMessage(message, options.line);
  for (const [index, path] of paths.entries()) {
    yield* readBatchFile(message.stream, message.manifest[index] as string, path, compression, options);
  }
}

async function* readBatchFile(
  stream: string,
  file: string,
  path: string,
  compression: Compression,
  options: ReadOptions & { line?: number },
): AsyncGenerator<BatchRecord[]> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new BatchFileError(
      `cannot open BATCH file '${file}' (${reason(error)}); the tap's batch files must be readable by the target, on the same machine`,
      { stream, line: options.line, file },
      { cause: error },
    );
  }
  const raw = handle.createReadStream();
  let input: Readable = raw;
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    // pipe() does not pass on the source's errors.
    raw.on('error', (error) => gunzip.destroy(error));
    input = raw.pipe(gunzip);
  }
  try {
    for await (const lines of readLineBatches(input, options)) {
      const records: BatchRecord[] = [];
      for (const { text, line, bytes } of lines) {
        records.push({ record: parseRecord(text, stream, file, line, options.line), file, line, bytes });
      }
      yield records;
    }
  } catch (error) {
    if (error instanceof BatchFileError) throw error;
    const fileLine = (error as { context?: { line?: number } }).context?.line;
    throw new BatchFileError(
      `cannot read BATCH file '${file}'${fileLine === undefined ? '' : ` at line ${fileLine}`} (${reason(error)})${compression === 'gzip' ? '; is it gzip-compressed, as the BATCH encoding says?' : ''}`,
      { stream, line: options.line, file, fileLine },
      { cause: error },
    );
  } finally {
    // Stopping early (a failed record) must still close the file.
    raw.destroy();
    input.destroy();
  }
}

function parseRecord(
  text: string,
  stream: string,
  file: string,
  fileLine: number,
  line: number | undefined,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    throw new BatchFileError(`BATCH file '${file}' line ${fileLine} is not valid JSON (${reason(error)})`, {
      stream,
      line,
      file,
      fileLine,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BatchFileError(
      `BATCH file '${file}' line ${fileLine} is not a record object; jsonl batch files hold one record per line`,
      { stream, line, file, fileLine },
    );
  }
  return value as Record<string, unknown>;
}

/**
 * A manifest entry as a local path. Like fsspec, which Meltano taps write with, `file://a/b` is the
 * relative path `a/b`, not a host; plain paths are taken as they are, relative to the working directory.
 */
function localPath(entry: string, stream: string, line: number | undefined): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry)?.[1]?.toLowerCase();
  if (scheme === undefined) return isAbsolute(entry) ? entry : resolve(entry);
  if (scheme !== 'file') {
    throw new UnsupportedBatchEncodingError(
      `BATCH file '${entry}' is on '${scheme}://', which this target cannot read; configure the tap's batch_config storage root as a local file:// directory the target can read`,
      { stream, line, file: entry },
    );
  }
  try {
    if (entry.startsWith('file:///') || /^file:\/\/localhost\//i.test(entry)) return fileURLToPath(entry);
    return resolve(decodeURIComponent(entry.slice('file://'.length)));
  } catch (error) {
    throw new BatchFileError(`BATCH manifest entry '${entry}' is not a usable file URL (${reason(error)})`, {
      stream,
      line,
      file: entry,
    });
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
