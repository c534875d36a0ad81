/**
 * The SQL target flow against a scripted dialect that records its statements: what a second dialect
 * (Snowflake) gets from SQLTableSink without writing any of the flow, route by route.
 */
import { describe, expect, test } from 'vitest';
import { Logger } from '../../src/logging.js';
import type { SchemaMessage } from '../../src/protocol/messages.js';
import {
  type ColumnClass,
  type ExistingTable,
  type LoadRows,
  SQLConnector,
  type SQLSession,
  SQLTableSink,
  type TableName,
} from '../../src/sql/index.js';
import type { Batch } from '../../src/target/batcher.js';
import type { LogicalType } from '../../src/target/column-types.js';
import { targetSettingsFrom } from '../../src/target/settings.js';
import type { PreparedRow, RecordContext } from '../../src/target/sink.js';

class ScriptedConnector extends SQLConnector {
  readonly maxIdentifierBytes = 255;
  readonly log: string[] = [];
  tables = new Map<string, ExistingTable>();
  /** The next direct load into the table fails as a key conflict. */
  conflictNext = false;
  override optimisticUpserts = false;

  private session(): SQLSession {
    return {
      execute: async (sql) => {
        this.log.push(sql);
        const created = /^CREATE TABLE IF NOT EXISTS "(\w+)"\."(\w+)" \((.*)\)$/.exec(sql);
        if (created !== null) {
          const columns = new Map<string, string>();
          const primaryKey: string[] = [];
          for (const part of (created[3] as string).split(', ')) {
            const column = /^"(\w+)" (\w+)$/.exec(part);
            if (column !== null) columns.set(column[1] as string, column[2] as string);
            const key = /^PRIMARY KEY \("(\w+)"\)$/.exec(part);
            if (key !== null) primaryKey.push(key[1] as string);
          }
          this.tables.set(`${created[1]}.${created[2]}`, { columns, primaryKey });
        }
        return { rowCount: 3 };
      },
    };
  }
  async withSession<T>(_stream: string, work: (session: SQLSession) => Promise<T>): Promise<T> {
    return work(this.session());
  }
  async transaction<T>(_stream: string, work: (session: SQLSession) => Promise<T>): Promise<T> {
    this.log.push('BEGIN');
    try {
      const result = await work(this.session());
      this.log.push('COMMIT');
      return result;
    } catch (error) {
      this.log.push('ROLLBACK');
      throw error;
    }
  }
  async readTable(_session: SQLSession, table: TableName): Promise<ExistingTable | undefined> {
    return this.tables.get(`${table.schema}.${table.table}`);
  }
  override isKeyConflict(error: unknown): boolean {
    return (error as Error).message === 'key conflict';
  }
  columnType(type: LogicalType): string {
    return { integer: 'INT', number: 'DEC', boolean: 'BOOL', string: 'TEXT' }[type as string] ?? 'ANY';
  }
  classOf(type: string): ColumnClass {
    return ({ INT: 'integer', DEC: 'number', BOOL: 'boolean', TEXT: 'string' } as const)[type] ?? 'other';
  }
  widenColumnSQL(table: TableName, column: string, type: string): string[] {
    return [`WIDEN ${this.qualify(table)}.${column} TO ${type}`];
  }
  stageSQL(table: TableName, columns: readonly string[]): { name: string; create: string[] } {
    return { name: '"stage"', create: [`CREATE STAGE LIKE ${this.qualify(table)} (${columns.join(', ')})`] };
  }
  override dropStageSQL(stage: string): string[] {
    return [`DROP ${stage}`];
  }
  deleteFromStageSQL(table: TableName, stage: string, keys: readonly string[]): string {
    return `DELETE FROM ${this.qualify(table)} USING ${stage} ON ${keys.join(', ')}`;
  }
}

/** Rows are the records' JSON; the load statement lists the rows it sends. */
class ScriptedSink extends SQLTableSink<string, string[]> {
  private open: string[] = [];
  planned = 0;
  /** How many rows one load statement holds; more makes the load non-atomic (a staged route). */
  statementRows = Number.POSITIVE_INFINITY;

  constructor(
    message: SchemaMessage,
    readonly scripted: ScriptedConnector,
    config: Record<string, unknown> = {},
  ) {
    super(message, {
      logger: new Logger({ name: 'test', level: 'error', sink: () => undefined }),
      settings: targetSettingsFrom({ add_record_metadata: false, ...config }),
      connector: scripted,
      naming: { defaultSchema: 'raw', fallbackSchema: 'public' },
    });
  }
  protected planColumns(): void {
    this.planned += 1;
  }
  protected encode(record: Record<string, unknown>): PreparedRow<string> {
    const row = JSON.stringify(record);
    this.open.push(row);
    return { row, bytes: row.length };
  }
  protected sealRows(_batch: Batch<string>): string[] {
    const rows = this.open;
    this.open = [];
    return rows;
  }
  protected loadColumns(): string[] {
    return this.columns.map((column) => column.name);
  }
  protected override loadsAtomically(rows: LoadRows<string, string[]>): boolean {
    return (rows.kept?.length ?? rows.sealed.length) <= this.statementRows && !this.truncatePending;
  }
  protected async copyRows(
    session: SQLSession,
    into: string,
    rows: LoadRows<string, string[]>,
  ): Promise<void> {
    const sent = rows.kept === undefined ? rows.sealed : rows.kept.map((index) => rows.sealed[index]);
    if (into === this.qualifiedTable && this.scripted.conflictNext) {
      this.scripted.conflictNext = false;
      throw new Error('key conflict');
    }
    await session.execute(`LOAD ${into} ${sent.join(' ')}`);
  }
}

class MergingSink extends ScriptedSink {
  protected override async mergeRows(
    session: SQLSession,
    rows: LoadRows<string, string[]>,
    hardDelete: boolean,
  ): Promise<void> {
    const sent = rows.kept === undefined ? rows.sealed : rows.kept.map((index) => rows.sealed[index]);
    await session.execute(
      `MERGE ${this.qualifiedTable}${hardDelete ? ' WITH DELETES' : ''} ${sent.join(' ')}`,
    );
  }
}

const schema = (
  stream: string,
  keys: string[] = ['id'],
  extra: Record<string, unknown> = {},
): SchemaMessage => ({
  type: 'SCHEMA',
  stream,
  schema: { type: 'object', properties: { id: { type: 'integer' }, v: { type: 'string' }, ...extra } },
  key_properties: keys,
});

let line = 0;
const context = (): RecordContext => ({ line: ++line, bytes: 10, receivedAt: 0 });

async function loadAll(sink: ScriptedSink, records: Record<string, unknown>[]): Promise<void> {
  for (const record of records) sink.write(record, context());
  await sink.drain((task) => task());
}

describe('SQLTableSink with a scripted dialect', () => {
  test('creates the schema and table with its key, then appends a batch straight into the table', async () => {
    const connector = new ScriptedConnector();
    const sink = new ScriptedSink(schema('Orders', []), connector);
    await sink.start();
    await loadAll(sink, [{ id: 1, v: 'a' }]);
    expect(connector.log).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "raw"',
      'CREATE TABLE IF NOT EXISTS "raw"."orders" ("id" INT, "v" TEXT)',
      'BEGIN',
      'LOAD "raw"."orders" {"id":1,"v":"a"}',
      'COMMIT',
    ]);
  });

  test('upserts de-duplicate keys in the batch (the last wins) and merge through the stage', async () => {
    const connector = new ScriptedConnector();
    // Unvalidated, so that "2" and 2 (the same key once stored) meet in one batch.
    const sink = new ScriptedSink(schema('t'), connector, { validate_records: false });
    await sink.start();
    connector.log.length = 0;
    await loadAll(sink, [
      { id: 1, v: 'old' },
      { id: '2', v: 'x' },
      { id: 1, v: 'new' },
      { id: 2, v: 'y' },
    ]);
    expect(connector.log).toEqual([
      'BEGIN',
      'CREATE STAGE LIKE "raw"."t" (id, v)',
      'LOAD "stage" {"id":1,"v":"new"} {"id":2,"v":"y"}',
      'MERGE INTO "raw"."t" AS t USING "stage" AS s ON t."id" = s."id" WHEN MATCHED THEN UPDATE SET "v" = s."v" WHEN NOT MATCHED THEN INSERT ("id", "v") VALUES (s."id", s."v")',
      'DROP "stage"',
      'COMMIT',
    ]);
  });

  test("a dialect's one-statement merge is used while the batch fits one statement, the stage beyond", async () => {
    const connector = new ScriptedConnector();
    const deletable = schema('t', ['id'], { _sdc_deleted_at: { type: ['null', 'string'] } });
    const sink = new MergingSink(deletable, connector, { hard_delete: true });
    sink.statementRows = 2;
    await sink.start();
    connector.log.length = 0;
    await loadAll(sink, [{ id: 1 }, { id: 2, _sdc_deleted_at: '2024-01-01T00:00:00Z' }]);
    expect(connector.log).toEqual([
      'BEGIN',
      'MERGE "raw"."t" WITH DELETES {"id":1} {"id":2,"_sdc_deleted_at":"2024-01-01T00:00:00Z"}',
      'COMMIT',
    ]);
    connector.log.length = 0;
    await loadAll(sink, [{ id: 3 }, { id: 4 }, { id: 5 }]);
    expect(connector.log).toEqual([
      'BEGIN',
      'CREATE STAGE LIKE "raw"."t" (id, v, _sdc_deleted_at)',
      'LOAD "stage" {"id":3} {"id":4} {"id":5}',
      expect.stringMatching(/^MERGE INTO "raw"."t"/),
      'DELETE FROM "raw"."t" USING "stage" ON id',
      'DROP "stage"',
      'COMMIT',
    ]);
  });

  test('prepareLoad runs before the load, outside its transaction, and its failure fails the batch', async () => {
    const connector = new ScriptedConnector();
    class WideningSink extends ScriptedSink {
      failNext = false;
      protected override async prepareLoad(rows: LoadRows<string, string[]>): Promise<void> {
        if (this.failNext) throw new Error('widening failed');
        await this.connector.withSession(this.stream, (session) =>
          session.execute(`WIDEN FOR ${rows.sealed.length} ROWS`),
        );
      }
    }
    const sink = new WideningSink(schema('t', []), connector);
    await sink.start();
    connector.log.length = 0;
    await loadAll(sink, [{ id: 1 }, { id: 2 }]);
    expect(connector.log).toEqual([
      'WIDEN FOR 2 ROWS',
      'BEGIN',
      'LOAD "raw"."t" {"id":1} {"id":2}',
      'COMMIT',
    ]);
    connector.log.length = 0;
    sink.failNext = true;
    sink.write({ id: 3 }, context());
    await expect(sink.drain((task) => task())).rejects.toThrow(
      /loading 1 rows into raw\.t failed: widening failed/,
    );
    expect(connector.log).toEqual([]);
  });

  test('optimistic upserts load directly, and a key conflict rolls back and retries through the stage', async () => {
    const connector = new ScriptedConnector();
    connector.optimisticUpserts = true;
    const sink = new ScriptedSink(schema('t'), connector);
    await sink.start();
    connector.log.length = 0;
    connector.conflictNext = true;
    await loadAll(sink, [{ id: 1 }]);
    expect(connector.log).toEqual([
      'BEGIN',
      'ROLLBACK',
      'BEGIN',
      'CREATE STAGE LIKE "raw"."t" (id, v)',
      'LOAD "stage" {"id":1}',
      expect.stringMatching(/^MERGE INTO/),
      'DROP "stage"',
      'COMMIT',
    ]);
  });

  test('overwrite empties the table in the first load only; ACTIVATE_VERSION retires older versions', async () => {
    const connector = new ScriptedConnector();
    const sink = new ScriptedSink(schema('t', []), connector, {
      load_method: 'overwrite',
      add_record_metadata: true,
    });
    await sink.start();
    connector.log.length = 0;
    await loadAll(sink, [{ id: 1 }]);
    await loadAll(sink, [{ id: 2 }]);
    await sink.activateVersion(7);
    expect(connector.log.filter((sql) => !sql.startsWith('LOAD') && !sql.startsWith('CREATE STAGE'))).toEqual(
      [
        'BEGIN',
        'TRUNCATE TABLE "raw"."t"',
        'INSERT INTO "raw"."t" ("id", "v", "_sdc_extracted_at", "_sdc_received_at", "_sdc_batched_at", "_sdc_deleted_at", "_sdc_sequence", "_sdc_table_version") SELECT "id", "v", "_sdc_extracted_at", "_sdc_received_at", "_sdc_batched_at", "_sdc_deleted_at", "_sdc_sequence", "_sdc_table_version" FROM "stage"',
        'DROP "stage"',
        'COMMIT',
        'BEGIN',
        'COMMIT',
        'UPDATE "raw"."t" SET _sdc_deleted_at = CURRENT_TIMESTAMP WHERE (_sdc_table_version IS NULL OR _sdc_table_version < $1) AND _sdc_deleted_at IS NULL',
      ],
    );
  });

  test('a later SCHEMA adds missing columns and widens others, never narrowing', async () => {
    const connector = new ScriptedConnector();
    const sink = new ScriptedSink(schema('t', ['id'], { n: { type: 'integer' } }), connector);
    await sink.start();
    connector.log.length = 0;
    await sink.changeSchema(schema('t', ['id'], { n: { type: 'number' }, extra: { type: 'boolean' } }));
    expect(connector.log).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "raw"',
      'ALTER TABLE "raw"."t" ADD COLUMN IF NOT EXISTS "extra" BOOL',
      'WIDEN "raw"."t".n TO DEC',
    ]);
    expect(sink.planned).toBe(2);
  });

  test('two streams that normalise to one table fail on the second, naming both', () => {
    const connector = new ScriptedConnector();
    new ScriptedSink(schema('Users'), connector);
    expect(() => new ScriptedSink(schema('users'), connector)).toThrow(
      "streams 'Users' and 'users' both map to table raw.users",
    );
  });
});
