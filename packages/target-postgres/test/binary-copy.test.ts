/**
 * Binary COPY rows must load exactly what COPY text loads: the same input goes through both (the
 * text load forced with `copyFormat: 'text'`) into two schemas, and every column is compared as
 * PostgreSQL prints it (`col::text`), row by row. The logs tell how many rows each batch loaded as
 * binary, so the tests also check that binary was really used, or really avoided.
 */
import { quoteIdentifier, type SingerError } from '@singer-ts/sdk';
import { seededRandom } from '@singer-ts/sdk/testing';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BINARY, randomNumber, randomString, randomTimestamp, TEXT_ONLY } from './binary-values.js';
import { query, type RunOptions, runTarget, schemaMessage, type TargetRun, uniqueSchema } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const PROPERTIES = {
  id: { type: 'integer' },
  ts: { type: ['string', 'null'], format: 'date-time' },
  day: { type: ['string', 'null'], format: 'date' },
  clock: { type: ['string', 'null'], format: 'time' },
  amount: { type: ['number', 'null'] },
  big: { type: ['integer', 'null'] },
  flag: { type: ['boolean', 'null'] },
  name: { type: ['string', 'null'] },
  doc: { type: ['object', 'null'] },
  list: { type: ['array', 'null'] },
  any: {},
  either: { type: ['string', 'integer', 'null'] },
  dropme: { type: ['string', 'null'] },
};
const COLUMNS = Object.keys(PROPERTIES).filter((name) => name !== 'id' && name !== 'dropme');

/** A RECORD line from raw JSON values, so numbers keep their source text. */
function recordLine(stream: string, id: number, values: Record<string, string>, extra = ''): string {
  const fields = [`"id":${id}`, ...Object.entries(values).map(([name, raw]) => `${json(name)}:${raw}`)];
  return `{"type":"RECORD","stream":${json(stream)},"record":{${fields.join(',')}}${extra}}`;
}
const json = (value: unknown) => JSON.stringify(value);

interface RawRecord {
  id: number;
  /** Property → raw JSON value. */
  values: Record<string, string>;
  /** Message fields after the record (`,"time_extracted":…`). */
  extra: string;
}

const edgeLine = (record: RawRecord) => recordLine('edge', record.id, record.values, record.extra);

/** Edge values and random ones from the grammar binary rows take, about one value in eight null. */
function binaryRecords(count: number, seed: number): RawRecord[] {
  const next = seededRandom(seed);
  const generated: Record<string, () => string> = {
    ts: () => json(randomTimestamp(next)),
    amount: () => randomNumber(next),
    name: () => json(randomString(next)),
  };
  const records: RawRecord[] = [];
  for (let id = 1; id <= count; id += 1) {
    const values: Record<string, string> = { dropme: '"x"' };
    COLUMNS.forEach((column, index) => {
      const edges = BINARY[column] as string[];
      const useEdge = id <= 2 * edges.length || generated[column] === undefined;
      values[column] =
        next() < 0.12
          ? 'null'
          : useEdge
            ? (edges[(id * (index + 1)) % edges.length] as string)
            : generated[column]!();
    });
    const extracted = next() < 0.5 ? `,"time_extracted":${json(randomTimestamp(next))}` : '';
    const version = next() < 0.3 ? `,"version":${id}` : '';
    const deleted = next() < 0.1 ? json(randomTimestamp(next)) : undefined;
    if (deleted !== undefined) values._sdc_deleted_at = deleted;
    records.push({ id, values, extra: extracted + version });
  }
  return records;
}

/** Columns of a table, as text, row by row; the columns that differ from run to run are left out. */
async function tableText(schema: string, table: string): Promise<{ types: string[]; rows: unknown[] }> {
  const columns = await query<{ name: string; type: string }>(
    db.url,
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  const compared = columns.filter(({ name }) => name !== '_sdc_received_at' && name !== '_sdc_batched_at');
  const list = compared.map(({ name }) => `${quoteIdentifier(name)}::text AS ${quoteIdentifier(name)}`);
  const rows = await query(db.url, `SELECT ${list.join(', ')} FROM ${schema}.${table} ORDER BY id`);
  return { types: compared.map(({ name, type }) => `${name} ${type}`), rows };
}

/** Per committed batch of the run: its rows and how many of them were binary rows. */
function batchesOf(run: TargetRun): { rows: number; binaryRows: number }[] {
  const marker = ' batch committed ';
  return run.logs
    .filter((line) => line.includes(marker))
    .map((line) => JSON.parse(line.slice(line.indexOf(marker) + marker.length)));
}

const binaryRowCount = (run: TargetRun) => batchesOf(run).reduce((sum, batch) => sum + batch.binaryRows, 0);

interface Compared {
  text: TargetRun;
  binary: TargetRun;
  schemas: [string, string];
}

/**
 * Loads `lines` `runs` times as COPY text and as many times with binary rows, and expects the same
 * tables; returns each format's logs.
 */
async function loadBoth(
  lines: string[],
  config: Record<string, unknown> = {},
  tables: string[] = ['edge'],
  runs = 1,
): Promise<Compared> {
  const schemas: [string, string] = [uniqueSchema('text'), uniqueSchema('binary')];
  const loaded: TargetRun[] = [];
  for (const [index, format] of (['text', 'binary'] as const).entries()) {
    const settings = {
      url: db.url,
      default_target_schema: schemas[index],
      validate_records: false,
      ...config,
    };
    const options: RunOptions = { copyFormat: format, level: 'debug' };
    const logs: string[] = [];
    for (let time = 0; time < runs; time += 1) {
      const run = await runTarget(settings, lines, options);
      if (run.error !== undefined) throw run.error;
      logs.push(...run.logs);
    }
    loaded.push({ states: [], logs });
  }
  for (const table of tables) {
    const [text, binary] = [await tableText(schemas[0], table), await tableText(schemas[1], table)];
    expect(binary.types).toEqual(text.types);
    expect(binary.rows.length).toBeGreaterThan(0);
    for (const [index, row] of binary.rows.entries()) expect(row).toEqual(text.rows[index]);
  }
  return { text: loaded[0] as TargetRun, binary: loaded[1] as TargetRun, schemas };
}

describe('binary COPY loads exactly what COPY text loads', () => {
  test.each([
    ['records as sent (values copied from their source text)', {}],
    ['records changed by a stream map (values serialized again)', { nullify: { edge: ['dropme'] } }],
  ])('edge and random values, all as binary rows: %s', async (_name, config) => {
    const count = 1200;
    const lines = [schemaMessage('edge', PROPERTIES), ...binaryRecords(count, 20240301).map(edgeLine)];
    const { text, binary, schemas } = await loadBoth(lines, config);
    expect(binaryRowCount(text)).toBe(0);
    expect(binaryRowCount(binary)).toBe(count);
    // _sdc_batched_at: the transaction's now(), the same for every row of a batch, in both formats.
    for (const [index, run] of [text, binary].entries()) {
      const [stamps] = await query<{ n: number; nulls: number }>(
        db.url,
        `SELECT count(DISTINCT _sdc_batched_at)::int AS n, count(*) FILTER (WHERE _sdc_batched_at IS NULL)::int AS nulls
           FROM ${schemas[index]}.edge`,
      );
      expect(stamps).toEqual({ n: batchesOf(run).length, nulls: 0 });
    }
  });

  test('values outside the binary grammar go as COPY text, each alone in its batch', async () => {
    const lines = [schemaMessage('edge', PROPERTIES)];
    let id = 0;
    for (const [column, values] of Object.entries(TEXT_ONLY)) {
      for (const value of values) {
        id += 1;
        lines.push(recordLine('edge', id, { [column]: value, name: '"binary-safe"', doc: '{"a":1}' }));
      }
    }
    id += 1;
    lines.push(recordLine('edge', id, { ts: '"2024-03-01T10:00:00Z"' }, ',"time_extracted":"2024-03-01"'));
    const { binary } = await loadBoth(lines, { batch_size_rows: 1 });
    expect(batchesOf(binary).map((batch) => batch.binaryRows)).toEqual(Array(id).fill(0));
  });

  test('a batch turns to text at its first such value: binary rows, then text rows, keys de-duplicated', async () => {
    const next = seededRandom(7);
    const lines = [schemaMessage('edge', { ...PROPERTIES, big2: { type: ['integer', 'null'] } })];
    for (const [index, record] of binaryRecords(600, 99).entries()) {
      const values = { ...record.values };
      if (next() < 0.04 && (index < 290 || index > 320)) {
        const column = next() < 0.5 ? 'ts' : 'amount';
        values[column] = (TEXT_ONLY[column] as string[])[index % 4] as string;
      }
      // An integer beyond bigint in the middle of a batch: its column is widened to numeric.
      if (index === 310) values.big2 = '92233720368547758070';
      else if (index % 3 === 0) values.big2 = String(index);
      // Few distinct keys: later records replace earlier ones, across the binary/text boundary too.
      lines.push(edgeLine({ ...record, id: 1 + (index % 230), values }));
    }
    // Loaded twice: the second run's batches meet existing keys and merge through staging.
    const { binary } = await loadBoth(lines, { batch_size_rows: 50 }, ['edge'], 2);
    const batches = batchesOf(binary);
    expect(batches.some((batch) => batch.binaryRows > 0 && batch.binaryRows < batch.rows)).toBe(true);
    expect(batches.some((batch) => batch.binaryRows === batch.rows)).toBe(true);
    // The batch of the integer beyond bigint had binary rows before it: they loaded before the widening.
    expect(binary.logs.some((line) => line.includes('COPY text') && line.includes('"column":"big2"'))).toBe(
      true,
    );
    expect(binary.logs.some((line) => line.includes('widened column for an integer beyond bigint'))).toBe(
      true,
    );
  });

  test('binary and text rows of one batch get the same _sdc_batched_at, the transaction time', async () => {
    const schema = uniqueSchema('stamp');
    const ts = (id: number, value: string) => recordLine('edge', id, { ts: json(value) });
    const started = new Date();
    const run = await runTarget(
      { url: db.url, default_target_schema: schema, validate_records: false },
      [
        schemaMessage('edge', PROPERTIES),
        ts(1, '2024-03-01T10:00:00Z'),
        ts(2, 'infinity'),
        ts(3, '2024-03-01'),
      ],
      { level: 'debug' },
    );
    expect(run.error).toBeUndefined();
    expect(batchesOf(run)).toMatchObject([{ rows: 3, binaryRows: 1 }]);
    const stamps = await query<{ at: Date }>(
      db.url,
      `SELECT DISTINCT _sdc_batched_at AS at FROM ${schema}.edge`,
    );
    expect(stamps).toHaveLength(1);
    const at = (stamps[0] as { at: Date }).at.getTime();
    expect(at).toBeGreaterThanOrEqual(started.getTime() - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test("a user's table with integer, smallint, varchar(n) and timestamp columns loads binary rows", async () => {
    const properties = {
      id: { type: 'integer' },
      small: { type: 'integer' },
      medium: { type: 'integer' },
      short: { type: 'string' },
      local: { type: 'string', format: 'date-time' },
    };
    const tables = {
      typed: '(id bigint PRIMARY KEY, small smallint, medium integer, short varchar(12), local timestamp)',
      floats: '(id bigint PRIMARY KEY, small double precision, medium real, short json, local numeric(10,2))',
    };
    const lines = [schemaMessage('typed', properties), schemaMessage('floats', properties)];
    const next = seededRandom(3);
    for (let id = 1; id <= 300; id += 1) {
      const values = {
        small: String(int16(next)),
        medium: String(Math.trunc((next() - 0.5) * 2 ** 32)),
        short: json(randomString(next).slice(0, 12)),
        local: json(id % 3 === 0 ? randomTimestamp(next, false) : '2024-03-01T10:00:00.5'),
      };
      lines.push(recordLine('typed', id, values));
      lines.push(recordLine('floats', id, { ...values, short: '{"a":[1, 2]}', local: '12.345' }));
    }
    const prepare = async (schema: string) => {
      await query(db.url, `CREATE SCHEMA ${schema}`);
      for (const [table, columns] of Object.entries(tables)) {
        await query(db.url, `CREATE TABLE ${schema}.${table} ${columns}`);
      }
    };
    const [textSchema, binarySchema] = [uniqueSchema('text'), uniqueSchema('binary')];
    await prepare(textSchema);
    await prepare(binarySchema);
    const runs: TargetRun[] = [];
    for (const [schema, format] of [
      [textSchema, 'text'],
      [binarySchema, 'binary'],
    ] as const) {
      const config = { url: db.url, default_target_schema: schema, validate_records: false };
      const run = await runTarget(config, lines, { copyFormat: format, level: 'debug' });
      if (run.error !== undefined) throw run.error;
      runs.push(run);
    }
    for (const table of Object.keys(tables)) {
      expect(await tableText(binarySchema, table)).toEqual(await tableText(textSchema, table));
    }
    const binaryLogs = (runs[1] as TargetRun).logs;
    const committed = (stream: string) =>
      batchesOf({
        ...(runs[1] as TargetRun),
        logs: binaryLogs.filter((line) => line.includes(`"${stream}"`)),
      });
    expect(committed('typed').reduce((sum, batch) => sum + batch.binaryRows, 0)).toBeGreaterThan(150);
    expect(committed('floats').every((batch) => batch.binaryRows === 0)).toBe(true);
  });
});

const int16 = (next: () => number) => Math.trunc((next() - 0.5) * 2 ** 16);

describe('a bad value fails the same way in both formats', () => {
  /** Runs `lines` in both formats, expecting the same failure; returns it. */
  async function failBoth(lines: string[], tables: Record<string, string> = {}): Promise<SingerError> {
    const errors: SingerError[] = [];
    for (const format of ['text', 'binary'] as const) {
      const schema = uniqueSchema(format);
      await query(db.url, `CREATE SCHEMA ${schema}`);
      for (const [table, columns] of Object.entries(tables)) {
        await query(db.url, `CREATE TABLE ${schema}.${table} ${columns}`);
      }
      const config = { url: db.url, default_target_schema: schema, validate_records: false };
      const run = await runTarget(config, lines, { copyFormat: format });
      expect(run.error).toBeDefined();
      errors.push(run.error as SingerError);
    }
    const [text, binary] = errors as [SingerError, SingerError];
    expect(binary.code).toBe('SINGER_LOAD');
    expect(binary.describe().replace(/binary_\w+/g, 'S')).toBe(text.describe().replace(/text_\w+/g, 'S'));
    return binary;
  }

  const ok = (id: number, doc = '{}') => recordLine('bad', id, { doc, ts: '"2024-03-01T10:00:00Z"' });

  test('invalid jsonb in a binary row, after a replaced row: named by its input line', async () => {
    const error = await failBoth([
      schemaMessage('bad', { id: { type: 'integer' }, doc: { type: 'object' }, ts: { type: 'string' } }),
      ok(1),
      ok(2),
      ok(1),
      ok(3, '{"a":"\\ud800"}'),
      ok(4),
    ]);
    expect(error.context).toMatchObject({ stream: 'bad', batch: 1, column: 'doc', line: 5 });
  });

  test('a timestamp PostgreSQL rejects, in the text rows after binary ones: named by its input line', async () => {
    const schema = schemaMessage('bad', {
      id: { type: 'integer' },
      doc: { type: 'object' },
      ts: { type: 'string', format: 'date-time' },
    });
    const at = (id: number, ts: string) => recordLine('bad', id, { ts: json(ts) });
    const error = await failBoth([
      schema,
      ok(1),
      ok(2),
      ok(3),
      at(4, '2024-03-01'),
      at(4, '2024-03-02'),
      at(6, '2024-02-30T00:00:00Z'),
      ok(7),
    ]);
    expect(error.context).toMatchObject({ stream: 'bad', batch: 1, column: 'ts', line: 7 });
    expect(error.message).toContain('date/time field value out of range');
  });

  test("a value too long for a user's varchar(5), and an integer beyond integer", async () => {
    const properties = { id: { type: 'integer' }, short: { type: 'string' }, medium: { type: 'integer' } };
    const tables = { bad: '(id bigint PRIMARY KEY, short varchar(5), medium integer)' };
    const row = (id: number, short: string, medium: number) =>
      recordLine('bad', id, { short: json(short), medium: String(medium) });
    const tooLong = await failBoth(
      [schemaMessage('bad', properties), row(1, 'abc', 1), row(2, 'abcdef', 2), row(3, 'a', 3)],
      tables,
    );
    expect(tooLong.context).toMatchObject({ column: 'short', line: 3 });
    const beyond = await failBoth(
      [schemaMessage('bad', properties), row(1, 'abc', 1), row(2, 'b', 2 ** 31), row(3, 'a', 3)],
      tables,
    );
    expect(beyond.context).toMatchObject({ column: 'medium', line: 3 });
  });
});
