/**
 * The statement shapes a loader sends, each run on DuckDB with Snowflake's result: DDL answers a
 * status line, DML the `number of rows …` counts, queries their rows. MERGE first checks what
 * Snowflake checks (a target row matched by several source rows fails with 100090, nothing
 * applied). Anything else is answered as Snowflake answers SQL it cannot compile.
 */
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { runAlterTable, runCreate, runDescribe, runDrop } from './ddl.js';
import { isWord, significant, type Token, tokenize } from './lexer.js';
import { runMerge } from './merge.js';
import { duckDatabase, snowflakeName } from './names.js';
import { encodeCell, type ResultColumn, type ResultSet } from './results.js';
import { sqlErrors } from './sql-errors.js';
import { snowflakeTypeOfDuck } from './sql-types.js';
import { COUNT, type Executor, readName, type Session, schemaParts, status } from './statement-parts.js';
import { type Binding, Translator } from './translate.js';

export type { Session } from './statement-parts.js';

const MAX_LIST_EXPRESSIONS = 16_384;

export class StatementRunner implements Executor {
  constructor(
    private readonly connection: DuckDBConnection,
    readonly session: Session,
    private readonly multi: boolean,
  ) {}

  async run(text: string, bindings: readonly Binding[]): Promise<ResultSet> {
    const tokens = significant(tokenize(text));
    checkListSizes(tokens);
    const first = tokens[0]?.text.toUpperCase() ?? '';
    const second = tokens[1]?.text.toUpperCase() ?? '';
    const translator = new Translator({ ...this.session, bindings });
    switch (first) {
      case 'SELECT':
      case 'WITH':
        return this.query(translator.expression(tokens), translator.parameters);
      case 'INSERT':
        return this.dml(translator, tokens, ['number of rows inserted']);
      case 'UPDATE':
        return this.dml(translator, tokens, ['number of rows updated']);
      case 'DELETE':
        return this.dml(translator, tokens, ['number of rows deleted']);
      case 'MERGE':
        return runMerge(this, tokens, bindings);
      case 'TRUNCATE': {
        const at = isWord(tokens[1], 'TABLE') ? 2 : 1;
        const ifExists = isWord(tokens[at], 'IF') ? 2 : 0;
        await this.exec(`DELETE FROM ${translator.expression(tokens.slice(at + ifExists))}`, []);
        return status('Statement executed successfully.');
      }
      case 'CREATE':
        return runCreate(this, tokens, translator);
      case 'ALTER':
        if (second === 'TABLE') return runAlterTable(this, tokens, translator);
        break;
      case 'DROP':
        return runDrop(this, tokens, translator);
      case 'DESCRIBE':
      case 'DESC':
        return runDescribe(this, tokens);
      case 'BEGIN':
      case 'START':
      case 'COMMIT':
      case 'ROLLBACK':
        return this.transaction(first);
      case 'USE':
        return this.useStatement(tokens);
      case 'PUT':
      case 'GET':
        throw sqlErrors.notSupported(`${first} is not supported through the SQL API.`);
    }
    throw sqlErrors.syntax(`at position ${tokens[0]?.at ?? 0} unexpected '${tokens[0]?.text ?? ''}'.`);
  }

  async query(sql: string, parameters: (string | null)[]): Promise<ResultSet> {
    const result = await this.exec(sql, parameters);
    const columns: ResultColumn[] = result.columnNames().map((name, index) => {
      const type = result.columnTypes()[index]!;
      return { name: snowflakeName(name), type: snowflakeTypeOfDuck(String(type), type.alias) };
    });
    const reader = await result.getRows();
    const rows = reader.map((row) => row.map((value, index) => encodeCell(value, columns[index]!.type)));
    return { columns, rows };
  }

  private async dml(translator: Translator, tokens: readonly Token[], names: string[]): Promise<ResultSet> {
    const result = await this.exec(translator.expression(tokens), translator.parameters);
    const rows = await result.getRows();
    const count = String(rows[0]?.[0] ?? 0);
    return {
      columns: names.map((name) => ({ name, type: COUNT })),
      rows: [names.map(() => count)],
      stats: { [statName(names[0]!)]: Number(count) },
    };
  }

  private async transaction(word: string): Promise<ResultSet> {
    if (!this.multi)
      throw sqlErrors.notSupported(
        `${word} is only supported in a multi-statement request through the SQL API.`,
      );
    if (word === 'BEGIN' || word === 'START') {
      if (!this.session.inTransaction) await this.exec('BEGIN TRANSACTION', []);
      this.session.inTransaction = true;
      return status('Statement executed successfully.');
    }
    if (this.session.inTransaction) await this.exec(word, []);
    this.session.inTransaction = false;
    return status('Statement executed successfully.');
  }

  private async useStatement(tokens: readonly Token[]): Promise<ResultSet> {
    if (!this.multi)
      throw sqlErrors.notSupported('USE is only supported in a multi-statement request through the SQL API.');
    const kind = tokens[1]?.text.toUpperCase();
    const at = kind === 'DATABASE' || kind === 'SCHEMA' ? 2 : 1;
    const { parts } = readName(tokens, at);
    if (kind === 'DATABASE') {
      if (!(await this.databaseExists(parts[0]!))) throw sqlErrors.missingObject(parts[0]!);
      this.session.database = parts[0];
      this.session.schema = 'PUBLIC';
    } else {
      const [database, schema] = schemaParts(parts, this.session);
      this.session.database = database;
      this.session.schema = schema;
    }
    return status('Statement executed successfully.');
  }

  async databaseExists(name: string): Promise<boolean> {
    const result = await this.exec('SELECT 1 FROM duckdb_databases() WHERE database_name = $1', [
      duckDatabase(name),
    ]);
    return result.rowCount > 0;
  }

  async exec(sql: string, parameters: readonly (string | null)[]): Promise<DuckDBMaterializedResult> {
    const result = await this.connection.run(sql, parameters.length === 0 ? undefined : [...parameters]);
    return result as DuckDBMaterializedResult;
  }
}

function statName(column: string): string {
  if (column.endsWith('inserted')) return 'numRowsInserted';
  if (column.endsWith('updated')) return 'numRowsUpdated';
  return 'numRowsDeleted';
}

/** Snowflake's limit on expressions in one list (`VALUES` rows, `IN (…)`). */
function checkListSizes(tokens: readonly Token[]): void {
  const counts: number[] = [];
  let valuesRows = 0;
  let afterValues = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const text = tokens[i]!.text;
    if (isWord(tokens[i], 'VALUES')) afterValues = true;
    if (text === '(') {
      counts.push(1);
      if (afterValues && counts.length === 1) valuesRows += 1;
    } else if (text === ')') counts.pop();
    else if (text === ',' && counts.length > 0) {
      counts[counts.length - 1]! += 1;
      if (counts.at(-1)! > MAX_LIST_EXPRESSIONS) throw sqlErrors.tooManyExpressions();
    }
  }
  if (valuesRows > MAX_LIST_EXPRESSIONS) throw sqlErrors.tooManyExpressions();
}
