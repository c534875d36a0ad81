/**
 * The statement shapes a loader sends, each run on DuckDB with Snowflake's result: DDL answers a
 * status line, DML the `number of rows …` counts, queries their rows. MERGE first checks what
 * Snowflake checks (a target row matched by several source rows fails with 100090, nothing
 * applied). Anything else is answered as Snowflake answers SQL it cannot compile.
 */
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { identifierName, isWord, SqlSyntaxError, significant, type Token, tokenize } from './lexer.js';
import { duckDatabase, duckName, quoteDuck, snowflakeName } from './names.js';
import { encodeCell, type ResultColumn, type ResultSet } from './results.js';
import { SnowflakeSqlError, sqlErrors } from './sql-errors.js';
import { duckType, readType, type SnowflakeType, snowflakeTypeOfDuck } from './sql-types.js';
import { type Binding, matching, Translator } from './translate.js';

export interface Session {
  database: string | undefined;
  schema: string | undefined;
  inTransaction: boolean;
}

const MAX_LIST_EXPRESSIONS = 16_384;
/** Where a MERGE's source rows are held while it runs. */
const MERGE_SOURCE = 'temp.main."~merge_source~"';
const TEXT: SnowflakeType = { family: 'TEXT' };
const COUNT: SnowflakeType = { family: 'NUMBER', precision: 38, scale: 0 };

export class StatementRunner {
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly session: Session,
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
        return this.merge(tokens, bindings);
      case 'TRUNCATE': {
        const at = isWord(tokens[1], 'TABLE') ? 2 : 1;
        const ifExists = isWord(tokens[at], 'IF') ? 2 : 0;
        await this.exec(`DELETE FROM ${translator.expression(tokens.slice(at + ifExists))}`, []);
        return status('Statement executed successfully.');
      }
      case 'CREATE':
        return this.create(tokens, translator);
      case 'ALTER':
        if (second === 'TABLE') return this.alterTable(tokens, translator);
        break;
      case 'DROP':
        return this.drop(tokens, translator);
      case 'DESCRIBE':
      case 'DESC':
        return this.describe(tokens);
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

  private async query(sql: string, parameters: (string | null)[]): Promise<ResultSet> {
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

  /**
   * The USING source is evaluated once into a temporary table, which both the determinism check
   * and the MERGE read: evaluating a 1 MB FLATTEN twice would double the emulator's work.
   */
  private async merge(tokens: readonly Token[], bindings: readonly Binding[]): Promise<ResultSet> {
    const shape = mergeShape(tokens);
    const sourceTranslator = new Translator({ ...this.session, bindings });
    const source = sourceTranslator.expression(shape.source);
    await this.exec(
      `CREATE OR REPLACE TEMP TABLE ${MERGE_SOURCE} AS SELECT * FROM ${source}`,
      sourceTranslator.parameters,
    );
    try {
      const restBindings = bindings.slice(sourceTranslator.parameters.length);
      if (shape.updates) await this.checkDeterministic(shape, restBindings);
      const rest = new Translator({ ...this.session, bindings: restBindings });
      const stripped = stripSetQualifiers(tokens, shape);
      const before = rest.expression(stripped.slice(0, shape.sourceStart));
      const after = rest.expression(stripped.slice(shape.sourceEnd));
      const result = await this.exec(
        `${before} ${MERGE_SOURCE} ${after} RETURNING merge_action`,
        rest.parameters,
      );
      const counts = { INSERT: 0, UPDATE: 0, DELETE: 0 };
      for (const [action] of await result.getRows()) counts[String(action) as keyof typeof counts] += 1;
      const names = ['number of rows inserted', 'number of rows updated'];
      if (shape.deletes) names.push('number of rows deleted');
      const values = [counts.INSERT, counts.UPDATE, counts.DELETE].slice(0, names.length);
      return {
        columns: names.map((name) => ({ name, type: COUNT })),
        rows: [values.map(String)],
        stats: {
          numRowsInserted: counts.INSERT,
          numRowsUpdated: counts.UPDATE,
          numRowsDeleted: counts.DELETE,
        },
      };
    } finally {
      await this.exec(`DROP TABLE IF EXISTS ${MERGE_SOURCE}`, []);
    }
  }

  /** Snowflake's ERROR_ON_NONDETERMINISTIC_MERGE: a target row matched by two source rows fails. */
  private async checkDeterministic(shape: MergeShape, bindings: readonly Binding[]): Promise<void> {
    const translator = new Translator({ ...this.session, bindings });
    const target = translator.expression(shape.target);
    const condition = translator.expression(shape.condition);
    const t = quoteDuck(duckName(shape.targetAlias));
    const s = quoteDuck(duckName(shape.sourceAlias));
    const sql = `SELECT ${t}.* FROM ${target} AS ${t} WHERE ${t}.rowid IN (
      SELECT ${t}.rowid FROM ${target} AS ${t} JOIN ${MERGE_SOURCE} AS ${s} ON ${condition}
      GROUP BY ${t}.rowid HAVING count(*) > 1 LIMIT 1)`;
    const found = await this.query(sql, translator.parameters);
    const row = found.rows[0];
    if (row !== undefined) throw sqlErrors.duplicateRow(row.map((cell) => JSON.stringify(cell)).join(', '));
  }

  private async create(tokens: readonly Token[], translator: Translator): Promise<ResultSet> {
    let i = 1;
    let replace = false;
    if (isWord(tokens[i], 'OR') && isWord(tokens[i + 1], 'REPLACE')) {
      replace = true;
      i += 2;
    }
    while (isWord(tokens[i], 'TRANSIENT', 'TEMPORARY', 'TEMP', 'LOCAL', 'GLOBAL', 'VOLATILE')) i += 1;
    const kind = tokens[i]?.text.toUpperCase();
    i += 1;
    let ifNotExists = false;
    if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'NOT') && isWord(tokens[i + 2], 'EXISTS')) {
      ifNotExists = true;
      i += 3;
    }
    const { parts, end } = readName(tokens, i);
    if (kind === 'DATABASE') {
      const exists = await this.databaseExists(parts[0]!);
      if (exists && !ifNotExists && !replace) throw sqlErrors.existingObject(parts[0]!);
      if (exists && replace) await this.exec(`DETACH ${quoteDuck(duckDatabase(parts[0]!))}`, []);
      if (!exists || replace) {
        await this.exec(`ATTACH ':memory:' AS ${quoteDuck(duckDatabase(parts[0]!))}`, []);
        await this.exec(`CREATE SCHEMA ${quoteDuck(duckDatabase(parts[0]!))}."PUBLIC"`, []);
      }
      return status(`Database ${parts[0]} successfully created.`);
    }
    if (kind === 'SCHEMA') {
      const name = duckSchemaName(schemaParts(parts, this.session));
      if (replace) await this.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`, []);
      await this.exec(`CREATE SCHEMA ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name}`, []);
      return status(`Schema ${parts.at(-1)} successfully created.`);
    }
    if (kind !== 'TABLE') throw sqlErrors.notSupported(`the emulator does not support CREATE ${kind}`);
    const table = translator.objectName(tableParts(parts, this.session));
    const head = `CREATE ${replace ? 'OR REPLACE ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${table}`;
    if (isWord(tokens[end], 'LIKE') || isWord(tokens[end], 'CLONE')) {
      const source = translator.objectName(tableParts(readName(tokens, end + 1).parts, this.session));
      const data = isWord(tokens[end], 'CLONE') ? '' : ' LIMIT 0';
      await this.exec(`${head} AS SELECT * FROM ${source}${data}`, []);
    } else if (isWord(tokens[end], 'AS')) {
      await this.exec(`${head} AS ${translator.expression(tokens.slice(end + 1))}`, translator.parameters);
    } else if (tokens[end]?.text === '(') {
      const close = matching(tokens, end);
      await this.exec(`${head} (${columnDefinitions(tokens.slice(end + 1, close))})`, []);
    } else {
      throw sqlErrors.syntax(`at position ${tokens[end]?.at ?? 0} unexpected '${tokens[end]?.text ?? ''}'.`);
    }
    return status(`Table ${parts.at(-1)} successfully created.`);
  }

  private async alterTable(tokens: readonly Token[], translator: Translator): Promise<ResultSet> {
    let i = 2;
    if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'EXISTS')) i += 2;
    const { parts, end } = readName(tokens, i);
    const table = translator.objectName(tableParts(parts, this.session));
    i = end;
    const action = tokens[i]?.text.toUpperCase();
    if (action === 'ADD') {
      i += 1;
      if (isWord(tokens[i], 'COLUMN')) i += 1;
      let ifNotExists = '';
      if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'NOT') && isWord(tokens[i + 2], 'EXISTS')) {
        ifNotExists = 'IF NOT EXISTS ';
        i += 3;
      }
      for (const definition of splitTopLevel(tokens.slice(i)))
        await this.exec(`ALTER TABLE ${table} ADD COLUMN ${ifNotExists}${columnDefinitions(definition)}`, []);
    } else if (action === 'DROP') {
      i += isWord(tokens[i + 1], 'COLUMN') ? 2 : 1;
      for (const [column] of splitTopLevel(tokens.slice(i)))
        await this.exec(
          `ALTER TABLE ${table} DROP COLUMN ${quoteDuck(duckName(identifierName(column!)))}`,
          [],
        );
    } else if (action === 'RENAME' && isWord(tokens[i + 1], 'COLUMN')) {
      const from = quoteDuck(duckName(identifierName(tokens[i + 2]!)));
      const to = quoteDuck(duckName(identifierName(tokens[i + 4]!)));
      await this.exec(`ALTER TABLE ${table} RENAME COLUMN ${from} TO ${to}`, []);
    } else if (action === 'RENAME' && isWord(tokens[i + 1], 'TO')) {
      const to = readName(tokens, i + 2).parts.at(-1)!;
      await this.exec(`ALTER TABLE ${table} RENAME TO ${quoteDuck(duckName(to))}`, []);
    } else if (action === 'SWAP' && isWord(tokens[i + 1], 'WITH')) {
      const other = translator.objectName(tableParts(readName(tokens, i + 2).parts, this.session));
      const swap = quoteDuck('~swap~');
      const last = (name: string) => name.slice(name.lastIndexOf('."') + 1);
      await this.exec(`ALTER TABLE ${table} RENAME TO ${swap}`, []);
      await this.exec(`ALTER TABLE ${other} RENAME TO ${last(table)}`, []);
      await this.exec(
        `ALTER TABLE ${table.slice(0, table.lastIndexOf('."') + 1)}${swap} RENAME TO ${last(other)}`,
        [],
      );
    } else if ((action === 'ALTER' || action === 'MODIFY') && tokens.some((token) => isWord(token, 'TYPE'))) {
      i += isWord(tokens[i + 1], 'COLUMN') ? 2 : 1;
      const column = quoteDuck(duckName(identifierName(tokens[i]!)));
      const typeAt = tokens.findIndex((token) => isWord(token, 'TYPE')) + 1;
      const { type } = readType(tokens, typeAt);
      await this.exec(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${duckType(type)}`, []);
    } else {
      throw sqlErrors.notSupported(`the emulator does not support ALTER TABLE … ${action ?? ''}`);
    }
    return status('Statement executed successfully.');
  }

  private async drop(tokens: readonly Token[], translator: Translator): Promise<ResultSet> {
    const kind = tokens[1]?.text.toUpperCase();
    let i = 2;
    let ifExists = '';
    if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'EXISTS')) {
      ifExists = 'IF EXISTS ';
      i += 2;
    }
    const { parts } = readName(tokens, i);
    if (kind === 'TABLE') {
      await this.exec(`DROP TABLE ${ifExists}${translator.objectName(tableParts(parts, this.session))}`, []);
    } else if (kind === 'SCHEMA') {
      await this.exec(
        `DROP SCHEMA ${ifExists}${duckSchemaName(schemaParts(parts, this.session))} CASCADE`,
        [],
      );
    } else if (kind === 'DATABASE') {
      if (await this.databaseExists(parts[0]!))
        await this.exec(`DETACH ${quoteDuck(duckDatabase(parts[0]!))}`, []);
      else if (ifExists === '') throw sqlErrors.missingObject(parts[0]!);
    } else {
      throw sqlErrors.notSupported(`the emulator does not support DROP ${kind}`);
    }
    return status(`${parts.at(-1)} successfully dropped.`);
  }

  private async describe(tokens: readonly Token[]): Promise<ResultSet> {
    const at = isWord(tokens[1], 'TABLE') ? 2 : 1;
    const [database, schema, table] = tableParts(readName(tokens, at).parts, this.session);
    const result = await this.exec(
      `SELECT column_name, data_type, is_nullable FROM system.information_schema.columns
       WHERE table_catalog = $1 AND table_schema = $2 AND table_name = $3 ORDER BY ordinal_position`,
      [duckDatabase(database!), duckName(schema!), duckName(table!)],
    );
    const rows = await result.getRows();
    if (rows.length === 0) throw sqlErrors.missingObject(`${database}.${schema}.${table}`);
    const names = ['name', 'type', 'kind', 'null?', 'default', 'primary key', 'unique key'];
    return {
      columns: names.map((name) => ({ name, type: TEXT })),
      rows: rows.map(([name, type, nullable]) => [
        snowflakeName(String(name)),
        describeType(String(type)),
        'COLUMN',
        nullable === 'YES' ? 'Y' : 'N',
        null,
        'N',
        'N',
      ]),
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

  private async databaseExists(name: string): Promise<boolean> {
    const result = await this.exec('SELECT 1 FROM duckdb_databases() WHERE database_name = $1', [
      duckDatabase(name),
    ]);
    return result.rowCount > 0;
  }

  private async exec(sql: string, parameters: readonly (string | null)[]): Promise<DuckDBMaterializedResult> {
    const result = await this.connection.run(sql, parameters.length === 0 ? undefined : [...parameters]);
    return result as DuckDBMaterializedResult;
  }
}

function status(message: string): ResultSet {
  return { columns: [{ name: 'status', type: TEXT }], rows: [[message]] };
}

function statName(column: string): string {
  if (column.endsWith('inserted')) return 'numRowsInserted';
  if (column.endsWith('updated')) return 'numRowsUpdated';
  return 'numRowsDeleted';
}

/** A dotted name at `start`: its parts (Snowflake names) and the index after it. */
function readName(tokens: readonly Token[], start: number): { parts: string[]; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const token = tokens[i];
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'qident'))
      throw new SqlSyntaxError(`unexpected '${token?.text ?? 'end of statement'}'`, token?.at ?? 0);
    parts.push(identifierName(token));
    i += 1;
    if (tokens[i]?.text !== '.') return { parts, end: i };
    i += 1;
  }
}

function tableParts(parts: readonly string[], session: Session): string[] {
  if (parts.length === 3) return [...parts];
  const missing = () =>
    sqlErrors.notSupported('Cannot perform operation. This session does not have a current schema.');
  if (parts.length === 2) {
    if (session.database === undefined) throw missing();
    return [session.database, ...parts];
  }
  if (session.database === undefined || session.schema === undefined) throw missing();
  return [session.database, session.schema, parts[0]!];
}

function duckSchemaName([database, schema]: string[]): string {
  return `${quoteDuck(duckDatabase(database!))}.${quoteDuck(duckName(schema!))}`;
}

function schemaParts(parts: readonly string[], session: Session): string[] {
  if (parts.length === 2) return [...parts];
  if (session.database === undefined)
    throw sqlErrors.notSupported('Cannot perform operation. This session does not have a current database.');
  return [session.database, parts[0]!];
}

/** Column definitions with Snowflake types; PRIMARY KEY and UNIQUE are informational, so dropped. */
function columnDefinitions(tokens: readonly Token[]): string {
  const columns: string[] = [];
  for (const definition of splitTopLevel(tokens)) {
    const head = definition[0];
    if (isWord(head, 'PRIMARY', 'UNIQUE', 'CONSTRAINT', 'FOREIGN')) continue;
    if (head === undefined) continue;
    const { type, end } = readType(definition, 1);
    let column = `${quoteDuck(duckName(identifierName(head)))} ${duckType(type)}`;
    for (let i = end; i < definition.length; i += 1) {
      if (isWord(definition[i], 'NOT') && isWord(definition[i + 1], 'NULL')) {
        column += ' NOT NULL';
        i += 1;
      } else if (isWord(definition[i], 'COMMENT')) {
        i += 1;
      } else if (isWord(definition[i], 'PRIMARY') || isWord(definition[i], 'KEY', 'UNIQUE', 'NULL')) {
        // informational constraints and an explicit NULL change nothing
      } else {
        throw sqlErrors.notSupported(
          `the emulator does not support '${definition[i]!.text}' in a column definition`,
        );
      }
    }
    columns.push(column);
  }
  return columns.join(', ');
}

/** Splits at commas outside parentheses. */
function splitTopLevel(tokens: readonly Token[]): Token[][] {
  const pieces: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(') depth += 1;
    if (token.text === ')') depth -= 1;
    if (token.text === ',' && depth === 0) pieces.push([]);
    else pieces.at(-1)!.push(token);
  }
  return pieces.filter((piece) => piece.length > 0);
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

function describeType(duck: string): string {
  const type = snowflakeTypeOfDuck(duck);
  if (type.family === 'NUMBER') return `NUMBER(${type.precision},${type.scale})`;
  if (type.family === 'TEXT') return 'VARCHAR(16777216)';
  if (type.family.startsWith('TIMESTAMP')) return `${type.family}(9)`;
  return type.family;
}

interface MergeShape {
  target: Token[];
  targetAlias: string;
  source: Token[];
  /** Token range of the source in the statement. */
  sourceStart: number;
  sourceEnd: number;
  sourceAlias: string;
  condition: Token[];
  /** Index of the first WHEN. */
  whenAt: number;
  updates: boolean;
  deletes: boolean;
}

/** `MERGE INTO target [AS] t USING source [AS] s ON condition WHEN …`. */
function mergeShape(tokens: readonly Token[]): MergeShape {
  if (!isWord(tokens[1], 'INTO')) throw new SqlSyntaxError("expected 'INTO'", tokens[1]?.at ?? 0);
  const target = readName(tokens, 2);
  let i = target.end;
  const alias = (): string | undefined => {
    if (isWord(tokens[i], 'AS')) i += 1;
    const token = tokens[i];
    if (
      token !== undefined &&
      (token.kind === 'qident' || (token.kind === 'word' && !isWord(token, 'USING', 'ON')))
    ) {
      i += 1;
      return identifierName(token);
    }
    return undefined;
  };
  const targetAlias = alias() ?? target.parts.at(-1)!;
  if (!isWord(tokens[i], 'USING')) throw new SqlSyntaxError("expected 'USING'", tokens[i]?.at ?? 0);
  i += 1;
  let source: Token[];
  let sourceName: string | undefined;
  const sourceStart = i;
  if (tokens[i]?.text === '(') {
    const close = matching(tokens, i);
    source = tokens.slice(i, close + 1);
    i = close + 1;
  } else {
    const name = readName(tokens, i);
    source = tokens.slice(i, name.end);
    sourceName = name.parts.at(-1);
    i = name.end;
  }
  const sourceEnd = i;
  const sourceAlias = alias() ?? sourceName;
  if (sourceAlias === undefined)
    throw new SqlSyntaxError('the USING subquery needs an alias', tokens[i]?.at ?? 0);
  if (!isWord(tokens[i], 'ON')) throw new SqlSyntaxError("expected 'ON'", tokens[i]?.at ?? 0);
  const conditionStart = i + 1;
  let depth = 0;
  let whenAt = tokens.length;
  for (let j = conditionStart; j < tokens.length; j += 1) {
    if (tokens[j]!.text === '(') depth += 1;
    if (tokens[j]!.text === ')') depth -= 1;
    if (depth === 0 && isWord(tokens[j], 'WHEN')) {
      whenAt = j;
      break;
    }
  }
  const clauses = tokens.slice(whenAt);
  let updates = false;
  let deletes = false;
  for (let j = 0; j < clauses.length; j += 1) {
    if (isWord(clauses[j], 'THEN') && isWord(clauses[j + 1], 'UPDATE')) updates = true;
    if (isWord(clauses[j], 'THEN') && isWord(clauses[j + 1], 'DELETE')) deletes = true;
  }
  return {
    target: tokens.slice(2, target.end),
    targetAlias,
    source,
    sourceStart,
    sourceEnd,
    sourceAlias,
    condition: tokens.slice(conditionStart, whenAt),
    whenAt,
    updates,
    deletes,
  };
}

/** `UPDATE SET t."X" = …`: Snowflake allows the target alias on the left, DuckDB does not. */
function stripSetQualifiers(tokens: readonly Token[], shape: MergeShape): Token[] {
  const out: Token[] = [];
  let inSet = false;
  let depth = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (i >= shape.whenAt) {
      if (isWord(token, 'SET')) inSet = true;
      else if (isWord(token, 'WHEN')) inSet = false;
      if (token.text === '(') depth += 1;
      if (token.text === ')') depth -= 1;
      const previous = out.at(-1);
      const atAssignmentStart =
        previous !== undefined && (isWord(previous, 'SET') || (previous.text === ',' && depth === 0));
      if (inSet && atAssignmentStart && tokens[i + 1]?.text === '.' && tokens[i + 3]?.text === '=') {
        if (identifierName(token) === shape.targetAlias) {
          i += 1;
          continue;
        }
      }
    }
    out.push(token);
  }
  return out;
}
