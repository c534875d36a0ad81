/** DDL as Snowflake takes it: databases, schemas, tables and their columns, DESCRIBE TABLE. */
import { identifierName, isWord, type Token } from './lexer.js';
import { duckDatabase, duckName, quoteDuck, snowflakeName } from './names.js';
import type { ResultSet } from './results.js';
import { sqlErrors } from './sql-errors.js';
import { duckType, readType, snowflakeTypeOfDuck } from './sql-types.js';
import {
  duckSchemaName,
  type Executor,
  readName,
  schemaParts,
  splitTopLevel,
  status,
  TEXT,
  tableParts,
} from './statement-parts.js';
import { matching, type Translator } from './translate.js';

export async function runCreate(
  executor: Executor,
  tokens: readonly Token[],
  translator: Translator,
): Promise<ResultSet> {
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
    const exists = await executor.databaseExists(parts[0]!);
    if (exists && !ifNotExists && !replace) throw sqlErrors.existingObject(parts[0]!);
    if (exists && replace) await executor.exec(`DETACH ${quoteDuck(duckDatabase(parts[0]!))}`, []);
    if (!exists || replace) {
      await executor.exec(`ATTACH ':memory:' AS ${quoteDuck(duckDatabase(parts[0]!))}`, []);
      await executor.exec(`CREATE SCHEMA ${quoteDuck(duckDatabase(parts[0]!))}."PUBLIC"`, []);
    }
    return status(`Database ${parts[0]} successfully created.`);
  }
  if (kind === 'SCHEMA') {
    const name = duckSchemaName(schemaParts(parts, executor.session));
    if (replace) await executor.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`, []);
    await executor.exec(`CREATE SCHEMA ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name}`, []);
    return status(`Schema ${parts.at(-1)} successfully created.`);
  }
  if (kind !== 'TABLE') throw sqlErrors.notSupported(`the emulator does not support CREATE ${kind}`);
  const table = translator.objectName(tableParts(parts, executor.session));
  const head = `CREATE ${replace ? 'OR REPLACE ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${table}`;
  if (isWord(tokens[end], 'LIKE') || isWord(tokens[end], 'CLONE')) {
    const sourceParts = tableParts(readName(tokens, end + 1).parts, executor.session);
    const source = translator.objectName(sourceParts);
    const data = isWord(tokens[end], 'CLONE') ? '' : ' LIMIT 0';
    await executor.exec(`${head} AS SELECT * FROM ${source}${data}`, []);
    // Both keep the source's constraints (here: the primary key, held in column comments).
    const [database, schema, name] = sourceParts;
    const keys = await executor.exec(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2
       AND table_name = $3 AND comment = '${PRIMARY_KEY_COMMENT}'`,
      [duckDatabase(database!), duckName(schema!), duckName(name!)],
    );
    for (const [column] of await keys.getRows())
      await executor.exec(
        `COMMENT ON COLUMN ${table}.${quoteDuck(String(column))} IS '${PRIMARY_KEY_COMMENT}'`,
        [],
      );
  } else if (isWord(tokens[end], 'AS')) {
    await executor.exec(`${head} AS ${translator.expression(tokens.slice(end + 1))}`, translator.parameters);
  } else if (tokens[end]?.text === '(') {
    const close = matching(tokens, end);
    const definitions = tokens.slice(end + 1, close);
    await executor.exec(`${head} (${columnDefinitions(definitions)})`, []);
    // Snowflake keeps a primary key as information (DESCRIBE TABLE shows it) and never enforces it;
    // DuckDB would, so the key lives in the columns' comments.
    for (const column of primaryKeyColumns(definitions))
      await executor.exec(
        `COMMENT ON COLUMN ${table}.${quoteDuck(duckName(column))} IS '${PRIMARY_KEY_COMMENT}'`,
        [],
      );
  } else {
    throw sqlErrors.syntax(`at position ${tokens[end]?.at ?? 0} unexpected '${tokens[end]?.text ?? ''}'.`);
  }
  return status(`Table ${parts.at(-1)} successfully created.`);
}

export async function runAlterTable(
  executor: Executor,
  tokens: readonly Token[],
  translator: Translator,
): Promise<ResultSet> {
  let i = 2;
  if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'EXISTS')) i += 2;
  const { parts, end } = readName(tokens, i);
  const table = translator.objectName(tableParts(parts, executor.session));
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
      await executor.exec(
        `ALTER TABLE ${table} ADD COLUMN ${ifNotExists}${columnDefinitions(definition)}`,
        [],
      );
  } else if (action === 'DROP') {
    i += isWord(tokens[i + 1], 'COLUMN') ? 2 : 1;
    for (const [column] of splitTopLevel(tokens.slice(i)))
      await executor.exec(
        `ALTER TABLE ${table} DROP COLUMN ${quoteDuck(duckName(identifierName(column!)))}`,
        [],
      );
  } else if (action === 'RENAME' && isWord(tokens[i + 1], 'COLUMN')) {
    const from = quoteDuck(duckName(identifierName(tokens[i + 2]!)));
    const to = quoteDuck(duckName(identifierName(tokens[i + 4]!)));
    await executor.exec(`ALTER TABLE ${table} RENAME COLUMN ${from} TO ${to}`, []);
  } else if (action === 'RENAME' && isWord(tokens[i + 1], 'TO')) {
    const to = readName(tokens, i + 2).parts.at(-1)!;
    await executor.exec(`ALTER TABLE ${table} RENAME TO ${quoteDuck(duckName(to))}`, []);
  } else if (action === 'SWAP' && isWord(tokens[i + 1], 'WITH')) {
    const other = translator.objectName(tableParts(readName(tokens, i + 2).parts, executor.session));
    const swap = quoteDuck('~swap~');
    const last = (name: string) => name.slice(name.lastIndexOf('."') + 1);
    await executor.exec(`ALTER TABLE ${table} RENAME TO ${swap}`, []);
    await executor.exec(`ALTER TABLE ${other} RENAME TO ${last(table)}`, []);
    await executor.exec(
      `ALTER TABLE ${table.slice(0, table.lastIndexOf('."') + 1)}${swap} RENAME TO ${last(other)}`,
      [],
    );
  } else if ((action === 'ALTER' || action === 'MODIFY') && tokens.some((token) => isWord(token, 'TYPE'))) {
    i += isWord(tokens[i + 1], 'COLUMN') ? 2 : 1;
    const column = quoteDuck(duckName(identifierName(tokens[i]!)));
    const typeAt = tokens.findIndex((token) => isWord(token, 'TYPE')) + 1;
    const { type } = readType(tokens, typeAt);
    await executor.exec(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${duckType(type)}`, []);
  } else {
    throw sqlErrors.notSupported(`the emulator does not support ALTER TABLE … ${action ?? ''}`);
  }
  return status('Statement executed successfully.');
}

export async function runDrop(
  executor: Executor,
  tokens: readonly Token[],
  translator: Translator,
): Promise<ResultSet> {
  const kind = tokens[1]?.text.toUpperCase();
  let i = 2;
  let ifExists = '';
  if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'EXISTS')) {
    ifExists = 'IF EXISTS ';
    i += 2;
  }
  const { parts } = readName(tokens, i);
  if (kind === 'TABLE') {
    await executor.exec(
      `DROP TABLE ${ifExists}${translator.objectName(tableParts(parts, executor.session))}`,
      [],
    );
  } else if (kind === 'SCHEMA') {
    await executor.exec(
      `DROP SCHEMA ${ifExists}${duckSchemaName(schemaParts(parts, executor.session))} CASCADE`,
      [],
    );
  } else if (kind === 'DATABASE') {
    if (await executor.databaseExists(parts[0]!))
      await executor.exec(`DETACH ${quoteDuck(duckDatabase(parts[0]!))}`, []);
    else if (ifExists === '') throw sqlErrors.missingObject(parts[0]!);
  } else {
    throw sqlErrors.notSupported(`the emulator does not support DROP ${kind}`);
  }
  return status(`${parts.at(-1)} successfully dropped.`);
}

export async function runDescribe(executor: Executor, tokens: readonly Token[]): Promise<ResultSet> {
  const at = isWord(tokens[1], 'TABLE') ? 2 : 1;
  const [database, schema, table] = tableParts(readName(tokens, at).parts, executor.session);
  const result = await executor.exec(
    `SELECT column_name, data_type, CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END, comment FROM duckdb_columns()
     WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index`,
    [duckDatabase(database!), duckName(schema!), duckName(table!)],
  );
  const rows = await result.getRows();
  if (rows.length === 0) throw sqlErrors.missingObject(`${database}.${schema}.${table}`);
  const names = ['name', 'type', 'kind', 'null?', 'default', 'primary key', 'unique key'];
  return {
    columns: names.map((name) => ({ name, type: TEXT })),
    rows: rows.map(([name, type, nullable, comment]) => [
      snowflakeName(String(name)),
      describeType(String(type)),
      'COLUMN',
      nullable === 'YES' ? 'Y' : 'N',
      null,
      comment === PRIMARY_KEY_COMMENT ? 'Y' : 'N',
      'N',
    ]),
  };
}

const PRIMARY_KEY_COMMENT = 'PRIMARY KEY';

/** Snowflake names of the key columns: `PRIMARY KEY (a, b)` and inline `a … PRIMARY KEY`. */
function primaryKeyColumns(tokens: readonly Token[]): string[] {
  const keys: string[] = [];
  for (const definition of splitTopLevel(tokens)) {
    const head = definition[0];
    if (isWord(head, 'PRIMARY') && definition[2]?.text === '(') {
      for (const token of definition.slice(3, matching(definition, 2)))
        if (token.text !== ',') keys.push(identifierName(token));
    } else if (head !== undefined && definition.some((token, i) => i > 0 && isWord(token, 'PRIMARY'))) {
      keys.push(identifierName(head));
    }
  }
  return keys;
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

function describeType(duck: string): string {
  const type = snowflakeTypeOfDuck(duck);
  if (type.family === 'NUMBER') return `NUMBER(${type.precision},${type.scale})`;
  if (type.family === 'TEXT') return 'VARCHAR(16777216)';
  if (type.family.startsWith('TIMESTAMP')) return `${type.family}(9)`;
  return type.family;
}
