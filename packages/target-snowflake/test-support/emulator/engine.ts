/**
 * The SQL engine behind the emulator: one in-memory DuckDB, Snowflake databases as attached
 * catalogs, statements recognised by shape (statements.ts) and run one request at a time, so a
 * multi-statement request with BEGIN … COMMIT is atomic with respect to every other request.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { splitStatements } from './lexer.js';
import { duckDatabase, duckName, quoteDuck } from './names.js';
import type { ResultSet } from './results.js';
import { SnowflakeSqlError, sqlErrors, toSnowflakeError } from './sql-errors.js';
import { type Session, StatementRunner } from './statements.js';
import type { Binding } from './translate.js';

/** Snowflake's AUTO timestamp input forms: ISO dates and times, `Z` or `±hh:mm`, years 0000–9999. */
const TIMESTAMP_PATTERN =
  "'^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)? ?(Z|[+-]\\d{2}(:\\d{2})?)?$'";

const MACROS = [
  `CREATE MACRO memory.main.sf_check_timestamp(x) AS CASE WHEN x IS NULL THEN NULL
     WHEN regexp_full_match(CAST(x AS VARCHAR), ${TIMESTAMP_PATTERN}) THEN CAST(x AS VARCHAR)
     ELSE error('SF100035 Timestamp ''' || CAST(x AS VARCHAR) || ''' is not recognized') END`,
  `CREATE MACRO memory.main.sf_timestamp_tz(x) AS CAST(memory.main.sf_check_timestamp(x) AS TIMESTAMPTZ)`,
  `CREATE MACRO memory.main.sf_timestamp_ntz(x) AS CAST(memory.main.sf_check_timestamp(x) AS TIMESTAMP)`,
  `CREATE MACRO memory.main.sf_strip_null_value(v) AS CASE WHEN json_type(v) = 'NULL' THEN NULL ELSE v END`,
  `CREATE MACRO memory.main.sf_current_version() AS '9.0.0-emulator'`,
  `CREATE MACRO memory.main.sf_flatten_array(j) AS CASE WHEN j IS NULL OR json_type(j) = 'ARRAY' THEN j
     ELSE error('SF000002 Unsupported feature: the emulator''s FLATTEN takes arrays only, not ' || json_type(j)) END`,
];

export interface StatementRequest {
  statement: string;
  database?: string | undefined;
  schema?: string | undefined;
  bindings: Binding[];
  /** `MULTI_STATEMENT_COUNT`: 1 unless set, 0 for any number. */
  statementCount: number;
}

export type Outcome = { kind: 'single'; result: ResultSet } | { kind: 'multi'; results: ResultSet[] };

/** Requests made of these statements only cannot create or drop a database or schema. */
const DATA_ONLY = /^\s*(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE)\b/i;

export class SqlEngine {
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Which databases and schemas exist, as last looked up: every statement checks its context (a
   * catalog query of several ms), so answers are kept until a request that may change them runs.
   */
  private readonly catalog = new Map<string, Promise<boolean>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async create(threads?: number): Promise<SqlEngine> {
    const instance = await DuckDBInstance.create(
      ':memory:',
      threads === undefined ? {} : { threads: String(threads) },
    );
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    for (const macro of MACROS) await connection.run(macro);
    return new SqlEngine(instance, connection);
  }

  /** Runs one request (one statement, or several with MULTI_STATEMENT_COUNT); requests queue. */
  execute(request: StatementRequest): Promise<Outcome> {
    const run = this.queue.then(() => this.executeNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A setup statement (CREATE DATABASE …) outside any request's rules. */
  async setup(statement: string): Promise<void> {
    await this.execute({ statement, bindings: [], statementCount: 1 });
  }

  databaseExists(name: string): Promise<boolean> {
    return this.lookUp(JSON.stringify([name]), 'SELECT 1 FROM duckdb_databases() WHERE database_name = $1', [
      duckDatabase(name),
    ]);
  }

  schemaExists(database: string, schema: string): Promise<boolean> {
    return this.lookUp(
      JSON.stringify([database, schema]),
      'SELECT 1 FROM duckdb_schemas() WHERE database_name = $1 AND schema_name = $2',
      [duckDatabase(database), duckName(schema)],
    );
  }

  private lookUp(key: string, query: string, parameters: string[]): Promise<boolean> {
    let found = this.catalog.get(key);
    if (found === undefined) {
      found = this.connection.runAndReadAll(query, parameters).then((rows) => rows.currentRowCount > 0);
      this.catalog.set(key, found);
      found.catch(() => this.catalog.delete(key));
    }
    return found;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async executeNow(request: StatementRequest): Promise<Outcome> {
    const statements = splitStatements(request.statement);
    const dataOnly = statements.every((statement) => DATA_ONLY.test(statement));
    // Before and after: a failed request's rollback can undo a CREATE SCHEMA it looked up meanwhile.
    if (!dataOnly) this.catalog.clear();
    try {
      return await this.executeStatements(request, statements);
    } finally {
      if (!dataOnly) this.catalog.clear();
    }
  }

  private async executeStatements(request: StatementRequest, statements: string[]): Promise<Outcome> {
    const desired = request.statementCount;
    if (desired !== 0 && statements.length !== desired)
      throw sqlErrors.statementCount(statements.length, desired);
    const session: Session = { database: request.database, schema: request.schema, inTransaction: false };
    const multi = desired !== 1;
    if (multi && request.bindings.length > 0)
      throw new SnowflakeSqlError(
        '000002',
        '0A000',
        'Bind variables are not supported in multi-statement requests.',
      );
    const runner = new StatementRunner(this.connection, session, multi);
    const results: ResultSet[] = [];
    try {
      for (const statement of statements) {
        await this.use(session);
        results.push(await runner.run(statement, request.bindings));
      }
      // A transaction left open at the end of a request is rolled back, so a missing COMMIT shows.
      if (session.inTransaction) await this.connection.run('ROLLBACK');
    } catch (error) {
      if (session.inTransaction) await this.connection.run('ROLLBACK').catch(() => undefined);
      throw toSnowflakeError(error);
    }
    return multi ? { kind: 'multi', results } : { kind: 'single', result: results[0]! };
  }

  /** The session's database and schema as DuckDB's default catalog and schema. */
  private async use(session: Session): Promise<void> {
    if (session.database !== undefined && (await this.databaseExists(session.database))) {
      const schema =
        session.schema !== undefined && (await this.schemaExists(session.database, session.schema))
          ? session.schema
          : undefined;
      const target = quoteDuck(duckDatabase(session.database));
      await this.connection.run(
        `USE ${schema === undefined ? target : `${target}.${quoteDuck(duckName(schema))}`}`,
      );
    } else {
      await this.connection.run('USE memory.main');
    }
  }
}
