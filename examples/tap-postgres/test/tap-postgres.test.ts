import { fileURLToPath } from 'node:url';
import { isExactNumber } from '@singer-ts/sdk';
import { checkTapConformance, parseCatalog, runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TapPostgres } from '../src/index.js';

const bin = fileURLToPath(new URL('../bin/tap-postgres.js', import.meta.url));

let db: TestDatabase;

const SETUP = `
CREATE SCHEMA sales;
CREATE TABLE sales.customers (
  id serial PRIMARY KEY,
  name text NOT NULL,
  credit numeric(40, 12),
  visits bigint,
  joined timestamptz NOT NULL
);
INSERT INTO sales.customers (name, credit, visits, joined) VALUES
  ('Ada', 123456789012345678901234567.123456789012, 9223372036854775807, '2024-05-01 10:00:00.000001+02'),
  ('Bo', 1.5, 2, '2024-05-02 00:00:00+00'),
  ('Cy', NULL, NULL, '2024-05-03 23:59:59.999999-05');
CREATE TABLE sales.orders (
  id bigint PRIMARY KEY,
  customer_id int REFERENCES sales.customers (id),
  total numeric(12, 2) NOT NULL,
  updated_at timestamp NOT NULL
);
INSERT INTO sales.orders
SELECT n, 1 + n % 3, n * 10.25, timestamp '2024-06-01' + ((n - 1) / 10) * interval '1 hour'
FROM generate_series(1, 300) AS n;
CREATE VIEW sales.big_orders AS SELECT id, total FROM sales.orders WHERE total > 3000;
CREATE TABLE public.ignored (id int PRIMARY KEY);
`;

function connection(): Record<string, unknown> {
  const url = new URL(db.url);
  return {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
}

const base = (): Record<string, unknown> => ({ ...connection(), filter_schemas: ['sales'] });

beforeAll(async () => {
  db = await startTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(SETUP);
  await client.end();
});

afterAll(async () => {
  await db?.stop();
});

describe('tap-postgres', () => {
  it('discovers <schema>-<table> streams with column types and primary keys', async () => {
    const result = await runConnector(TapPostgres, { config: base(), args: ['--discover'] });
    expect(result.exitCode).toBe(0);
    const catalog = parseCatalog(result) as unknown as {
      streams: Array<{ tap_stream_id: string; key_properties: string[]; schema: { properties: object } }>;
    };
    expect(catalog.streams.map((s) => s.tap_stream_id)).toEqual([
      'sales-big_orders',
      'sales-customers',
      'sales-orders',
    ]);
    const customers = catalog.streams.find((s) => s.tap_stream_id === 'sales-customers')!;
    expect(customers.key_properties).toEqual(['id']);
    expect(customers.schema.properties).toEqual({
      id: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
      name: { type: 'string' },
      credit: { type: ['number', 'null'] },
      visits: { type: ['integer', 'null'] },
      joined: { type: 'string', format: 'date-time' },
    });
  });

  it('syncs full tables with exact numerics, huge integers and microsecond UTC timestamps', async () => {
    const result = await runConnector(TapPostgres, { config: { url: db.url, filter_schemas: ['sales'] } });
    expect(result.exitCode).toBe(0);
    const customers = result.records('sales-customers');
    expect(customers.map((c) => c.joined)).toEqual([
      '2024-05-01T08:00:00.000001Z',
      '2024-05-02T00:00:00.000000Z',
      '2024-05-04T04:59:59.999999Z',
    ]);
    expect(isExactNumber(customers[0]!.credit)).toBe(true);
    expect(result.stdout).toContain('"credit":123456789012345678901234567.123456789012');
    expect(result.stdout).toContain('"visits":9223372036854775807');
    expect(customers[1]).toMatchObject({ id: 2, name: 'Bo', credit: 1.5, visits: 2 });
    expect(result.records('sales-orders')).toHaveLength(300);
    expect(result.records('sales-orders').map((o) => o.id)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
  });

  it('resumes an incremental stream from its bookmark with >=, re-reading ties and picking up changes', async () => {
    const config = { ...base(), replication_keys: { 'sales-orders': 'updated_at' }, fetch_size: 64 };
    const first = await runConnector(TapPostgres, { config });
    expect(first.exitCode).toBe(0);
    expect(first.records('sales-orders')).toHaveLength(300);
    expect(first.schemas('sales-orders')[0]!.bookmark_properties).toEqual(['updated_at']);
    const state = first.lastState() as { bookmarks: Record<string, { replication_key_value: unknown }> };
    expect(state.bookmarks['sales-orders']!.replication_key_value).toBe('2024-06-02T05:00:00.000000Z');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      "UPDATE sales.orders SET total = total + 1, updated_at = timestamp '2024-06-05 12:00:00.5' WHERE id IN (7, 8)",
    );
    await client.end();
    const second = await runConnector(TapPostgres, { config, state: first.lastState() });
    expect(second.exitCode).toBe(0);
    // The ten rows tied at the bookmark come again (>= loses nothing) in key order, then the changed rows.
    expect(second.records('sales-orders').map((o) => o.id)).toEqual([
      291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 7, 8,
    ]);
    expect(second.records('sales-orders')[10]!.updated_at).toBe('2024-06-05T12:00:00.500000Z');
    expect(second.records('sales-customers')).toHaveLength(3);
  });

  it('runs as a spawned bin and passes secrets nowhere on failure', async () => {
    const ok = await runConnectorProcess(bin, { config: base() });
    expect(ok.exitCode).toBe(0);
    expect(ok.records('sales-customers')).toHaveLength(3);
    const bad = await runConnectorProcess(bin, { config: { ...base(), password: 'definitely-wrong-pw' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(
      /SINGER_SQL_CONNECT: cannot connect to PostgreSQL at .*password authentication failed/,
    );
    expect(bad.stderr).not.toContain('definitely-wrong-pw');
    expect(bad.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
  });

  it('rejects config it cannot use with exit code 2', async () => {
    const noConnection = await runConnector(TapPostgres, { config: { host: 'localhost' } });
    expect(noConnection.exitCode).toBe(2);
    expect(noConnection.stderr).toMatch(
      /set 'url' or all of 'host', 'user' and 'database' \(missing: user, database\)/,
    );
    const logBased = await runConnector(TapPostgres, {
      config: { ...base(), default_replication_method: 'LOG_BASED' },
    });
    expect(logBased.exitCode).toBe(2);
    expect(logBased.stderr).toMatch(/LOG_BASED replication is not supported/);
    const badKey = await runConnector(TapPostgres, {
      config: { ...base(), replication_keys: { 'sales-orders': 'modified' } },
    });
    expect(badKey.exitCode).toBe(2);
    expect(badKey.stderr).toMatch(/replication key 'modified' for stream 'sales-orders' is not a column/);
    const badStream = await runConnector(TapPostgres, {
      config: { ...base(), replication_keys: { 'public-orders': 'id' } },
    });
    expect(badStream.stderr).toMatch(
      /replication_keys names stream 'public-orders', which discovery did not find/,
    );
  });

  it('passes the SDK tap conformance suite', async () => {
    const report = await checkTapConformance(TapPostgres, {
      config: { ...base(), replication_keys: { 'sales-customers': 'joined' } },
      streamsWithRecords: ['sales-customers', 'sales-orders', 'sales-big_orders'],
    });
    expect(report.failed).toEqual([]);
    expect(report.passed).toContain('a run from the final STATE resumes from its bookmarks');
  });

  it('resumes a bigint replication key near 2^63 exactly: nothing skipped, only the bookmarked row read again', async () => {
    // 2^63 - 8 and its neighbours: a double cannot tell them apart, so a rounded bookmark would skip or repeat rows.
    const top = 9223372036854775807n;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        'CREATE SCHEMA ledger; CREATE TABLE ledger.events (seq bigint PRIMARY KEY, note text)',
      );
      for (let i = 14n; i >= 8n; i -= 1n) {
        await client.query('INSERT INTO ledger.events VALUES ($1, $2)', [String(top - i), `first ${i}`]);
      }
      const config = {
        ...connection(),
        filter_schemas: ['ledger'],
        replication_keys: { 'ledger-events': 'seq' },
      };
      const first = await runConnector(TapPostgres, { config });
      expect(first.exitCode).toBe(0);
      expect(first.records('ledger-events')).toHaveLength(7);
      const bookmarkText = String(top - 8n);
      expect(first.stdout).toContain(`"replication_key_value":${bookmarkText}`);
      for (let i = 7n; i >= 0n; i -= 1n) {
        await client.query('INSERT INTO ledger.events VALUES ($1, $2)', [String(top - i), `second ${i}`]);
      }
      // Through a STATE file, as a scheduler hands it back: the tap must read it with the exact parser.
      const second = await runConnector(TapPostgres, { config, state: first.lastState() });
      expect(second.exitCode).toBe(0);
      const seqs = second.records('ledger-events').map((row) => String(row.seq));
      expect(seqs).toEqual([
        bookmarkText,
        ...Array.from({ length: 8 }, (_, k) => String(top - 7n + BigInt(k))),
      ]);
      expect(second.stdout).toContain(`"replication_key_value":${top}`);
    } finally {
      await client.end();
    }
  });
});
