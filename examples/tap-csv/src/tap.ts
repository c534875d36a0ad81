/**
 * tap-csv: each file `<schema>.<table>.csv` in a directory is a stream `<schema>-<table>`. Column
 * types are inferred (or set in config), keys come from config, and a file whose contents are
 * unchanged since the last run is skipped.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  type ConfigOf,
  type ConnectorInfo,
  type CountWindow,
  defineSettings,
  type JSONSchema,
  packageVersion,
  SingerError,
  type SourceCount,
  Stream,
  type StreamContext,
  type StreamHost,
  Tap,
} from '@singer-ts/sdk';
import { parse } from 'csv-parse';
import { type ColumnType, columnSchema, convertCell, TypeInference } from './infer.js';

export const settings = defineSettings(
  {
    path: { type: 'string', description: 'Directory holding the <schema>.<table>.csv files' },
    keys: {
      type: 'object',
      description: 'Primary key columns per stream, e.g. {"public-users": ["id"]}',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
    types: {
      type: 'object',
      description: 'Column types overriding inference, e.g. {"public-users": {"zip": "string"}}',
      additionalProperties: {
        type: 'object',
        additionalProperties: { enum: ['integer', 'number', 'boolean', 'date-time', 'string'] },
      },
    },
    delimiter: { type: 'string', default: ',', description: 'Field delimiter' },
    skip_unchanged: {
      type: 'boolean',
      default: true,
      description: 'Skip a file whose contents hash matches the one in the last STATE',
    },
  },
  { required: ['path'] },
);

export type TapCsvConfig = ConfigOf<typeof settings>;

export class MalformedCsvError extends SingerError {
  override readonly code: string = 'TAP_CSV_MALFORMED';
}

const FILE_NAME = /^([^.]+)\.([^.]+)\.csv$/i;

function csvParser(config: TapCsvConfig) {
  return parse({
    delimiter: config.delimiter ?? ',',
    bom: true,
    // A quote inside an unquoted field (`1,name 1 "q"`) is text, as Python's csv module (which
    // Meltano's tap-csv uses) reads it; spreadsheet exports are full of such lines. A quoted field
    // that is never closed still fails, naming the file and line.
    relax_quotes: true,
    relax_column_count: false,
    skip_empty_lines: true,
  });
}

/** Reads rows one at a time; a parse error names the file and its line. */
async function* readRows(
  file: string,
  config: TapCsvConfig,
  stream: string,
): AsyncGenerator<{ row: string[]; line: number }> {
  const parser = createReadStream(file).pipe(csvParser(config));
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      yield { row, line: parser.info.lines };
    }
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? parser.info.lines;
    throw new MalformedCsvError(
      `${file}: malformed CSV (${(error as Error).message}); fix the file and run again`,
      {
        stream,
        line,
      },
    );
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class CsvStream extends Stream<Record<string, unknown>, TapCsvConfig> {
  readonly name: string;
  readonly schema: JSONSchema;
  override readonly primaryKeys: string[];

  constructor(
    tap: StreamHost<TapCsvConfig>,
    readonly file: string,
    name: string,
    readonly columns: string[],
    readonly types: ColumnType[],
  ) {
    super(tap);
    this.name = name;
    this.primaryKeys = tap.config.keys?.[name] ?? [];
    const missing = this.primaryKeys.filter((key) => !columns.includes(key));
    if (missing.length > 0) {
      throw new ConfigError(
        `keys for stream '${name}' name columns the file does not have: ${missing.join(', ')}`,
        {
          stream: name,
          setting: 'keys',
        },
      );
    }
    this.schema = {
      type: 'object',
      properties: Object.fromEntries(columns.map((column, index) => [column, columnSchema(types[index]!)])),
    };
  }

  /**
   * The file's data rows; for a keyed stream the distinct keys among them, as an upserting target
   * keeps one row per key (only the keys are held, not the rows).
   */
  override async countRecords(_window: CountWindow): Promise<SourceCount> {
    const keyIndexes = this.primaryKeys.map((key) => this.columns.indexOf(key));
    const keys = new Set<string>();
    let rows = -1;
    for await (const { row } of readRows(this.file, this.config, this.name)) {
      rows += 1;
      if (rows > 0 && keyIndexes.length > 0) keys.add(JSON.stringify(keyIndexes.map((index) => row[index])));
    }
    const data = Math.max(0, rows);
    return keyIndexes.length > 0
      ? {
          comparable: true,
          rows: keys.size,
          method: `${keys.size} distinct keys in ${data} rows of ${this.file}`,
        }
      : { comparable: true, rows: data, method: `${data} rows of ${this.file}` };
  }

  async *getRecords(context: StreamContext): AsyncGenerator<Record<string, unknown>> {
    const hash = await hashFile(this.file);
    if (this.config.skip_unchanged !== false && context.bookmark.file_hash === hash) {
      this.logger.info(`skipping ${this.file}: unchanged since the last run`, { stream: this.name });
      return;
    }
    let header = true;
    for await (const { row } of readRows(this.file, this.config, this.name)) {
      if (header) {
        header = false;
        continue;
      }
      const record: Record<string, unknown> = {};
      this.columns.forEach((column, index) => {
        record[column] = convertCell(row[index] ?? '', this.types[index]!);
      });
      yield record;
    }
    context.bookmark.file_hash = hash;
  }
}

export class TapCsv extends Tap<TapCsvConfig> {
  static override info: ConnectorInfo = {
    name: 'tap-csv',
    version: packageVersion(import.meta.url),
    description: 'Singer tap over a directory of CSV files named <schema>.<table>.csv',
    kind: 'tap',
    capabilities: [],
    settings,
  };

  override async discoverStreams(): Promise<CsvStream[]> {
    const directory = this.config.path;
    let names: string[];
    try {
      if (!statSync(directory).isDirectory()) throw new Error('not a directory');
      names = readdirSync(directory).sort();
    } catch (error) {
      throw new ConfigError(
        `setting 'path' (${directory}) must be a readable directory: ${(error as Error).message}`,
        {
          setting: 'path',
        },
      );
    }
    const streams: CsvStream[] = [];
    for (const fileName of names) {
      const match = FILE_NAME.exec(fileName);
      if (!match) continue;
      const name = `${match[1]}-${match[2]}`;
      const file = join(directory, fileName);
      const { columns, types } = await this.inferColumns(file, name);
      streams.push(new CsvStream(this, file, name, columns, types));
    }
    return streams;
  }

  private async inferColumns(
    file: string,
    stream: string,
  ): Promise<{ columns: string[]; types: ColumnType[] }> {
    let inference: TypeInference | undefined;
    for await (const { row } of readRows(file, this.config, stream)) {
      if (!inference) inference = new TypeInference(row.map((column) => column.trim()));
      else inference.observe(row);
    }
    if (!inference)
      throw new MalformedCsvError(`${file}: the file is empty; it needs at least a header row`, { stream });
    const overrides = this.config.types?.[stream] ?? {};
    const types = inference.types().map((type, index) => overrides[inference!.columns[index]!] ?? type);
    return { columns: inference.columns, types };
  }
}
