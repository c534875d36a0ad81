import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExactNumber, serializeJson } from '../../src/json/lossless-json.js';
import { Logger } from '../../src/logging.js';
import { exactNumber } from '../../src/sources/exact-number.js';
import { pgTimestamp } from '../../src/sources/pg-types.js';
import { discoverTables, type TableInfo } from '../../src/sources/sql-discovery.js';
import { SQLError } from '../../src/sources/sql-errors.js';
import { connectPostgres, SQLStream, type SQLStreamOptions } from '../../src/sources/sql-stream.js';
import { startTestDatabase, type TestDatabase } from '../../src/testing/postgres.js';

let db: TestDatabase;
let tables: TableInfo[];
const logger = new Logger({ name: 'test', sink: () => undefined });
const ORDERS = 5000;

const SETUP = `
CREATE SCHEMA shop;
CREATE TYPE shop.status AS ENUM ('new', 'paid');
CREATE TABLE shop.orders (
  id bigint PRIMARY KEY,
  amount numeric(30, 10) NOT NULL,
  huge bigint,
  ratio double precision,
  created timestamptz,
  local_time timestamp,
  day date,
  tags text[],
  amounts numeric[],
  payload jsonb,
  raw bytea,
  uid uuid,
  status shop.status,
  code varchar(12),
  "Weird ""Name"" col" text
);
INSERT INTO shop.orders (id, amount, huge, ratio, created, local_time, day, tags, amounts, payload, raw, uid, status, code)
SELECT n, n * 1.5, n, n / 4.0, timestamptz '2024-01-01 00:00:00+00' + n * interval '1 second', NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, 'new', 'c' || n
FROM generate_series(1, ${ORDERS}) AS n;
INSERT INTO shop.orders VALUES (
  9223372036854775807, 12345678901234567890.0123456789, -9223372036854775808, 0.1,
  '2024-03-10 12:34:56.123456+05:30', '2024-03-10 12:34:56.000001', '2024-02-29',
  ARRAY['a', NULL, 'c"d'], ARRAY[1.10, 123456789012345678901234567890], '{"n": 12345678901234567890123, "s": "x"}',
  '\\xdeadbeef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'paid', 'big', 'quoted'
);
CREATE TABLE shop.events (
  tenant int, id int, seq int, note text, PRIMARY KEY (tenant, id)
);
INSERT INTO shop.events VALUES (2, 1, 10, 'a'), (1, 2, 10, 'b'), (1, 1, 10, 'c'), (1, 3, 20, 'd'),
  (2, 2, 30, 'e'), (1, 4, NULL, 'f');
CREATE VIEW shop.paid AS SELECT id, amount FROM shop.orders WHERE status = 'paid';
CREATE TABLE public."odd table" (k text PRIMARY KEY);
INSERT INTO public."odd table" VALUES ('only');
`;

function config(): pg.ClientConfig {
  return { connectionString: db.url };
}

const host = { config: {}, logger };

function stream(name: string, options: Partial<SQLStreamOptions> = {}): SQLStream {
  const table = tables.find((t) => `${t.schema}-${t.name}` === name);
  if (!table) throw new Error(`no table ${name}`);
  return new SQLStream(host, {
    table,
    connect: () => connectPostgres(config()),
    ...options,
  });
}

async function collect(source: SQLStream, startingValue?: unknown): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of source.getRecords({
    bookmark: {},
    signal: new AbortController().signal,
    ...(startingValue !== undefined ? { startingValue } : {}),
  })) {
    rows.push(row);
  }
  return rows;
}

async function openConnections(): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const result = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    return result.rows[0].n as number;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await startTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(SETUP);
  await client.end();
  const discovery = await connectPostgres(config());
  try {
    tables = await discoverTables(discovery);
  } finally {
    await discovery.end();
  }
});

afterAll(async () => {
  await db?.stop();
});

describe('discoverTables', () => {
  it('lists tables and views with JSON Schema types, nullability and primary keys in key order', () => {
    expect(tables.map((t) => `${t.schema}.${t.name}:${t.tableType}`)).toEqual([
      'public.odd table:BASE TABLE',
      'shop.events:BASE TABLE',
      'shop.orders:BASE TABLE',
      'shop.paid:VIEW',
    ]);
    const orders = tables.find((t) => t.name === 'orders')!;
    expect(orders.primaryKeys).toEqual(['id']);
    expect(orders.jsonSchema.properties).toEqual({
      id: { type: 'integer' },
      amount: { type: 'number' },
      huge: { type: ['integer', 'null'] },
      ratio: { type: ['number', 'null'] },
      created: { type: ['string', 'null'], format: 'date-time' },
      local_time: { type: ['string', 'null'], format: 'date-time' },
      day: { type: ['string', 'null'], format: 'date' },
      tags: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
      amounts: { type: ['array', 'null'], items: { type: ['number', 'null'] } },
      payload: {},
      raw: { type: ['string', 'null'] },
      uid: { type: ['string', 'null'] },
      status: { type: ['string', 'null'] },
      code: { type: ['string', 'null'], maxLength: 12 },
      'Weird "Name" col': { type: ['string', 'null'] },
    });
    expect(tables.find((t) => t.name === 'events')!.primaryKeys).toEqual(['tenant', 'id']);
    expect(tables.find((t) => t.name === 'events')!.jsonSchema.properties!.tenant).toEqual({
      type: 'integer',
      minimum: -2147483648,
      maximum: 2147483647,
    });
    expect(tables.find((t) => t.name === 'paid')!.primaryKeys).toEqual([]);
  });

  it('reads only the schemas asked for', async () => {
    const client = await connectPostgres(config());
    try {
      const found = await discoverTables(client, { schemas: ['public'] });
      expect(found.map((t) => t.name)).toEqual(['odd table']);
    } finally {
      await client.end();
    }
  });
});

describe('SQLStream', () => {
  it('reads a full table of many rows through the cursor, in key order, with exact values', async () => {
    const rows = await collect(stream('shop-orders', { batchSize: 700 }));
    expect(rows).toHaveLength(ORDERS + 1);
    expect(rows.slice(0, 2).map((row) => row.id)).toEqual([1, 2]);
    expect(rows[1]).toMatchObject({ amount: 3, huge: 2, ratio: 0.5, created: '2024-01-01T00:00:02.000000Z' });
    const extreme = rows.at(-1)!;
    expect(serializeJson(extreme)).toBe(
      serializeJson({
        id: 9223372036854775807n,
        amount: exactNumber('12345678901234567890.0123456789'),
        huge: -9223372036854775808n,
        ratio: 0.1,
        created: '2024-03-10T07:04:56.123456Z',
        local_time: '2024-03-10T12:34:56.000001Z',
        day: '2024-02-29',
        tags: ['a', null, 'c"d'],
        amounts: [1.1, exactNumber('123456789012345678901234567890')],
        payload: { n: exactNumber('12345678901234567890123'), s: 'x' },
        raw: 'deadbeef',
        uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        status: 'paid',
        code: 'big',
        'Weird "Name" col': 'quoted',
      }),
    );
    expect(isExactNumber(extreme.id)).toBe(true);
    expect(typeof rows[0]!.id).toBe('number');
  });

  it('fetches one batch at a time for a slow consumer and frees the connection when it stops early', async () => {
    const fetches: string[] = [];
    const source = stream('shop-orders', {
      batchSize: 100,
      connect: async () => {
        const client = await connectPostgres(config());
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
          if (typeof args[0] === 'string' && args[0].startsWith('FETCH')) fetches.push(args[0]);
          return query(...args);
        };
        return client;
      },
    });
    const before = await openConnections();
    const iterator = source
      .getRecords({ bookmark: {}, signal: new AbortController().signal })
      [Symbol.asyncIterator]();
    for (let i = 0; i < 150; i += 1) await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetches).toEqual(['FETCH FORWARD 100 FROM singer_cursor', 'FETCH FORWARD 100 FROM singer_cursor']);
    expect(await openConnections()).toBe(before + 1);
    await iterator.return?.(undefined);
    await expect.poll(openConnections).toBe(before);
  });

  it('resumes incrementally with >= the bookmark, ordering ties on the key by the primary key', async () => {
    const events = stream('shop-events', { replicationKey: 'seq' });
    const all = await collect(events);
    expect(all.map((row) => [row.seq, row.tenant, row.id])).toEqual([
      [10, 1, 1],
      [10, 1, 2],
      [10, 2, 1],
      [20, 1, 3],
      [30, 2, 2],
      [null, 1, 4],
    ]);
    const resumed = await collect(events, 20);
    expect(resumed.map((row) => row.note)).toEqual(['d', 'e']);
  });

  it('resumes from a timestamp bookmark and from a huge exact-number bookmark', async () => {
    const byCreated = stream('shop-orders', { replicationKey: 'created' });
    const fromTime = await collect(byCreated, '2024-01-01T01:23:19.000000Z');
    expect(fromTime.map((row) => String(row.id))).toEqual(['4999', '5000', '9223372036854775807']);
    const byId = stream('shop-orders', { replicationKey: 'id' });
    // A STATE round trip (structuredClone) leaves ExactNumber as a plain {value} object.
    const fromHuge = await collect(byId, structuredClone(exactNumber('9223372036854775807')));
    expect(fromHuge).toHaveLength(1);
    expect(String(fromHuge[0]!.id)).toBe('9223372036854775807');
  });

  it('quotes every identifier, so odd table and column names read as written', async () => {
    expect(await collect(stream('public-odd table'))).toEqual([{ k: 'only' }]);
  });

  it('rejects a replication key the table does not have', () => {
    expect(() => stream('shop-events', { replicationKey: 'updated_at' })).toThrow(
      /table "shop"."events" has no column updated_at/,
    );
  });

  it('turns a failing query into a SINGER_SQL error naming the stream and SQLSTATE', async () => {
    const client = await connectPostgres(config());
    await client.query('CREATE TABLE shop.doomed (id int)');
    const [doomed] = await discoverTables(client, { schemas: ['shop'] }).then((found) =>
      found.filter((t) => t.name === 'doomed'),
    );
    await client.query('DROP TABLE shop.doomed');
    await client.end();
    const source = new SQLStream(host, {
      table: doomed!,
      connect: () => connectPostgres(config()),
    });
    const error = await collect(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SQLError);
    expect((error as SQLError).code).toBe('SINGER_SQL');
    expect((error as SQLError).sqlState).toBe('42P01');
    expect((error as SQLError).describe()).toMatch(
      /stream 'shop-doomed': .*does not exist \(SQLSTATE 42P01\)/,
    );
  });

  it('reports a refused login as SINGER_SQL_CONNECT without the password', async () => {
    const url = new URL(db.url);
    url.password = 'wrong-secret-password';
    const error = await connectPostgres({ connectionString: url.toString() }).catch(
      (caught: unknown) => caught,
    );
    expect((error as SQLError).code).toBe('SINGER_SQL_CONNECT');
    expect((error as Error).message).toMatch(/password authentication failed/);
    expect((error as Error).message).not.toContain('wrong-secret-password');
  });
});

describe('pg value conversion', () => {
  it('keeps timestamps exact to the microsecond and in UTC', () => {
    expect(pgTimestamp('2024-03-10 12:34:56.5+05:30')).toBe('2024-03-10T07:04:56.500000Z');
    expect(pgTimestamp('2024-03-10 12:34:56')).toBe('2024-03-10T12:34:56.000000Z');
    expect(pgTimestamp('infinity')).toBeNull();
    expect(pgTimestamp('0044-03-15 00:00:00+00 BC')).toBeNull();
  });

  it('uses plain numbers only where a double is exact', () => {
    expect(exactNumber('42')).toBe(42);
    expect(exactNumber('1.50')).toBe(1.5);
    expect(isExactNumber(exactNumber('9007199254740993'))).toBe(true);
    expect(isExactNumber(exactNumber('0.12345678901234567890'))).toBe(true);
    expect(exactNumber('NaN')).toBeNull();
  });
});
