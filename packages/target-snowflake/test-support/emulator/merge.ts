/**
 * MERGE as Snowflake runs it: the USING rows are computed once; a target row matched by several of
 * them through an UPDATE branch fails the statement with 100090 and nothing is applied; the answer
 * counts inserted, updated (and deleted) rows.
 */
import { identifierName, isWord, SqlSyntaxError, type Token } from './lexer.js';
import { duckName, quoteDuck } from './names.js';
import type { ResultSet } from './results.js';
import { sqlErrors } from './sql-errors.js';
import { COUNT, type Executor, readName } from './statement-parts.js';
import { type Binding, matching, Translator } from './translate.js';

/** Where a MERGE's source rows are held while it runs. */
const MERGE_SOURCE = 'temp.main."~merge_source~"';

/**
 * The USING source is evaluated once into a temporary table, which both the determinism check
 * and the MERGE read: evaluating a 1 MB FLATTEN twice would double the emulator's work.
 */
export async function runMerge(
  executor: Executor,
  tokens: readonly Token[],
  bindings: readonly Binding[],
): Promise<ResultSet> {
  const shape = mergeShape(tokens);
  const sourceTranslator = new Translator({ ...executor.session, bindings });
  const source = sourceTranslator.expression(shape.source);
  await executor.exec(
    `CREATE OR REPLACE TEMP TABLE ${MERGE_SOURCE} AS SELECT * FROM ${source}`,
    sourceTranslator.parameters,
  );
  try {
    const restBindings = bindings.slice(sourceTranslator.parameters.length);
    if (shape.updates) await checkDeterministic(executor, shape, restBindings);
    const rest = new Translator({ ...executor.session, bindings: restBindings });
    const stripped = stripSetQualifiers(tokens, shape);
    const before = rest.expression(stripped.slice(0, shape.sourceStart));
    const after = rest.expression(stripped.slice(shape.sourceEnd));
    const result = await executor.exec(
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
    await executor.exec(`DROP TABLE IF EXISTS ${MERGE_SOURCE}`, []);
  }
}

/** Snowflake's ERROR_ON_NONDETERMINISTIC_MERGE: a target row matched by two source rows fails. */
async function checkDeterministic(
  executor: Executor,
  shape: MergeShape,
  bindings: readonly Binding[],
): Promise<void> {
  const translator = new Translator({ ...executor.session, bindings });
  const target = translator.expression(shape.target);
  const condition = translator.expression(shape.condition);
  const t = quoteDuck(duckName(shape.targetAlias));
  const s = quoteDuck(duckName(shape.sourceAlias));
  const sql = `SELECT ${t}.* FROM ${target} AS ${t} WHERE ${t}.rowid IN (
    SELECT ${t}.rowid FROM ${target} AS ${t} JOIN ${MERGE_SOURCE} AS ${s} ON ${condition}
    GROUP BY ${t}.rowid HAVING count(*) > 1 LIMIT 1)`;
  const found = await executor.query(sql, translator.parameters);
  const row = found.rows[0];
  if (row !== undefined) throw sqlErrors.duplicateRow(row.map((cell) => JSON.stringify(cell)).join(', '));
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
