/**
 * Rewrites Snowflake SQL text (significant tokens) into DuckDB SQL: names through names.ts, VARIANT
 * paths (`f.value:"Id"`) into JSON operators, casts into DuckDB casts with Snowflake's input rules,
 * `TABLE(FLATTEN(INPUT => …))` into a subquery with FLATTEN's columns, `?` into typed parameters,
 * `INFORMATION_SCHEMA` views into queries over DuckDB's catalog. It is not a general translator:
 * it knows the statement shapes a loader emits (see statements.ts), and DuckDB reports the rest.
 */
import { identifierName, SqlSyntaxError, type Token } from './lexer.js';
import { DECODE_NAME_SQL, duckDatabase, duckName, quoteDuck } from './names.js';
import { duckType, readType, SNOWFLAKE_DATA_TYPE_SQL, type SnowflakeType } from './sql-types.js';

export interface Binding {
  type: string;
  value: string | null;
}

export interface TranslationContext {
  /** The request's (or USE'd) database and schema, Snowflake names; undefined when not set. */
  database: string | undefined;
  schema: string | undefined;
  bindings: readonly Binding[];
}

/** Words never taken as names: SQL keywords the loader's statements use. */
const KEYWORDS = new Set(
  `ALL AND ANY AS ASC BETWEEN BY CASE CAST CROSS CURRENT_DATE CURRENT_TIMESTAMP DEFAULT DELETE DESC DISTINCT
  ELSE END ESCAPE EXCEPT EXISTS FALSE FIRST FOLLOWING FROM FULL GROUP HAVING ILIKE IN INNER INSERT INTERSECT INTO
  IS JOIN LAST LATERAL LEFT LIKE LIMIT MATCHED MERGE MINUS NATURAL NOT NULL NULLS OFFSET ON OR ORDER OUTER OVER
  PARTITION PRECEDING QUALIFY RANGE RIGHT ROWS SELECT SET THEN TRUE UNBOUNDED UNION UPDATE USING VALUES WHEN
  WHERE WITH CURRENT ROW RECURSIVE`.split(/\s+/),
);

/** Snowflake functions whose DuckDB name or form differs. */
const FUNCTIONS: Record<string, string> = {
  PARSE_JSON: 'json',
  CURRENT_TIMESTAMP: 'now',
  SYSDATE: 'now',
  GETDATE: 'now',
  STRIP_NULL_VALUE: 'memory.main.sf_strip_null_value',
  TO_TIMESTAMP_TZ: 'memory.main.sf_timestamp_tz',
  TO_TIMESTAMP_LTZ: 'memory.main.sf_timestamp_tz',
  TO_TIMESTAMP_NTZ: 'memory.main.sf_timestamp_ntz',
  TO_TIMESTAMP: 'memory.main.sf_timestamp_ntz',
  TO_VARIANT: 'to_json',
  CURRENT_VERSION: 'memory.main.sf_current_version',
  IFF: 'if',
  NVL: 'coalesce',
  LEN: 'length',
  ARRAY_SIZE: 'json_array_length',
};

const BINDING_TYPES: Record<string, string> = {
  TEXT: 'VARCHAR',
  FIXED: 'DECIMAL(38,9)',
  REAL: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
};

interface Group {
  /** Where the group's primary starts in the output (the function name, or the parenthesis). */
  primaryStart: number;
  cast: boolean;
}

export class Translator {
  private parameter = 0;

  constructor(private readonly context: TranslationContext) {}

  /** Parameters in DuckDB order, one per `?` translated so far. */
  readonly parameters: (string | null)[] = [];

  expression(tokens: readonly Token[]): string {
    const out: string[] = [];
    let primaryStart = 0;
    let pathArrow: number | undefined;
    const groups: Group[] = [];
    let i = 0;
    const startPrimary = () => {
      primaryStart = out.length;
      pathArrow = undefined;
    };
    while (i < tokens.length) {
      const token = tokens[i]!;
      const next = tokens[i + 1];
      const upper = token.text.toUpperCase();
      if (token.kind === 'word' && upper === 'TABLE' && next?.text === '(' && isFlatten(tokens[i + 2])) {
        const close = matching(tokens, i + 1);
        startPrimary();
        out.push(this.flatten(tokens.slice(i + 2, close)));
        i = close + 1;
        continue;
      }
      if (token.kind === 'word' && isFlatten(token) && next?.text === '(') {
        const close = matching(tokens, i + 1);
        startPrimary();
        out.push(this.flatten(tokens.slice(i, close + 1)));
        i = close + 1;
        continue;
      }
      if (token.kind === 'word' && next?.text === '(' && (!KEYWORDS.has(upper) || upper in FUNCTIONS)) {
        startPrimary();
        out.push(FUNCTIONS[upper] ?? upper.toLowerCase());
        groups.push({ primaryStart, cast: false });
        out.push('(');
        i += 2;
        continue;
      }
      if (token.kind === 'word' && upper === 'CAST' && next?.text === '(') {
        startPrimary();
        groups.push({ primaryStart, cast: true });
        out.push('CAST(');
        i += 2;
        continue;
      }
      if (token.kind === 'word' && upper === 'AS' && groups.at(-1)?.cast === true) {
        const { type, end } = readType(tokens, i + 1);
        const group = groups.pop()!;
        const inner = out.splice(group.primaryStart + 1);
        out.length = group.primaryStart;
        if (tokens[end]?.text !== ')') throw new SqlSyntaxError("expected ')' after the CAST type", token.at);
        primaryStart = out.length;
        out.push(castTo(inner, type, false));
        pathArrow = undefined;
        i = end + 1;
        continue;
      }
      if (token.kind === 'word' && KEYWORDS.has(upper)) {
        if (upper === 'NULL' || upper === 'TRUE' || upper === 'FALSE' || upper.startsWith('CURRENT_'))
          startPrimary();
        out.push(upper);
        i += 1;
        continue;
      }
      if (token.kind === 'word' || token.kind === 'qident') {
        const parts: string[] = [identifierName(token)];
        let end = i + 1;
        while (
          tokens[end]?.text === '.' &&
          (tokens[end + 1]?.kind === 'word' || tokens[end + 1]?.kind === 'qident')
        ) {
          parts.push(identifierName(tokens[end + 1]!));
          end += 2;
        }
        if (tokens[end]?.text === '.' && tokens[end + 1]?.text === '*') {
          startPrimary();
          out.push(`${this.objectName(parts)}.*`);
          i = end + 2;
          continue;
        }
        startPrimary();
        out.push(this.objectName(parts));
        i = end;
        continue;
      }
      if (token.kind === 'string') {
        startPrimary();
        out.push(duckString(snowflakeStringValue(token)));
        i += 1;
        continue;
      }
      if (token.kind === 'number') {
        startPrimary();
        out.push(token.text);
        i += 1;
        continue;
      }
      if (token.kind === 'param') {
        startPrimary();
        out.push(this.bind(token));
        i += 1;
        continue;
      }
      if (token.text === '::') {
        const { type, end } = readType(tokens, i + 1);
        const base = out.splice(primaryStart);
        out.push(castTo(base, type, pathArrow !== undefined ? pathArrow - primaryStart : false));
        pathArrow = undefined;
        i = end;
        continue;
      }
      // `v:key…` or `v[0]…`: a VARIANT path (an element index right after a value starts one too).
      if (token.text === ':' || (isIndex(tokens, i) && out.length > primaryStart)) {
        const { path, end } = readPath(tokens, token.text === ':' ? i + 1 : i, token.text === ':');
        const base = out.splice(primaryStart);
        out.push('(', ...base);
        pathArrow = out.length;
        out.push('->', duckString(path), ')');
        i = end;
        continue;
      }
      if (token.text === '(') {
        startPrimary();
        groups.push({ primaryStart, cast: false });
        out.push('(');
        i += 1;
        continue;
      }
      if (token.text === ')') {
        const group = groups.pop();
        if (group === undefined) throw new SqlSyntaxError("unexpected ')'", token.at);
        out.push(')');
        primaryStart = group.primaryStart;
        pathArrow = undefined;
        i += 1;
        continue;
      }
      out.push(token.text);
      i += 1;
    }
    if (groups.length > 0) throw new SqlSyntaxError("missing ')'", tokens.at(-1)?.at ?? 0);
    return out.join(' ');
  }

  /** A dotted name: three or more parts start with a database. INFORMATION_SCHEMA views are built. */
  objectName(parts: readonly string[]): string {
    const schemaAt = parts.indexOf('INFORMATION_SCHEMA');
    if (schemaAt >= 0 && schemaAt === parts.length - 2) {
      const database = schemaAt === 1 ? parts[0] : this.context.database;
      if (database === undefined)
        throw new SqlSyntaxError('Cannot perform SELECT. This session does not have a current database.', 0);
      return informationSchemaView(database, parts.at(-1)!);
    }
    return parts
      .map((part, index) =>
        index === 0 && parts.length >= 3 ? quoteDuck(duckDatabase(part)) : quoteDuck(duckName(part)),
      )
      .join('.');
  }

  private bind(token: Token): string {
    const binding = this.context.bindings[this.parameter];
    if (binding === undefined) throw new SqlSyntaxError(`Bind variable ? not set.`, token.at);
    this.parameter += 1;
    this.parameters.push(binding.value);
    const type = BINDING_TYPES[binding.type.toUpperCase()] ?? 'VARCHAR';
    return `CAST($${this.parameters.length} AS ${type})`;
  }

  /** `FLATTEN(INPUT => expr)` over an array, as a subquery with FLATTEN's output columns. */
  private flatten(tokens: readonly Token[]): string {
    const args = tokens.slice(2, -1);
    const input =
      args[0]?.kind === 'word' && args[0].text.toUpperCase() === 'INPUT' && args[1]?.text === '=>'
        ? args.slice(2)
        : args;
    if (input.some((token) => token.text === '=>'))
      throw new SqlSyntaxError('the emulator supports FLATTEN(INPUT => …) only', tokens[0]?.at ?? 0);
    const expression = this.expression(input);
    // unnest … WITH ORDINALITY, not json_each: json_each joined to its input copies the whole
    // (up to 1 MB) document per element, quadratic in the batch. Arrays only (what a loader
    // flattens); KEY and THIS are NULL, INDEX is 0-based like Snowflake's.
    return `(SELECT 1::BIGINT AS "SEQ", NULL::VARCHAR AS "KEY", '[' || (__u.ord - 1) || ']' AS "PATH",
      __u.ord - 1 AS "INDEX", __u.value AS "VALUE", NULL::JSON AS "THIS"
      FROM unnest(from_json(memory.main.sf_flatten_array(CAST(${expression} AS JSON)), '["json"]')) WITH ORDINALITY AS __u(value, ord))`;
  }
}

function isFlatten(token: Token | undefined): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === 'FLATTEN';
}

/** Index of the `)` matching the `(` at `open`. */
export function matching(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    if (tokens[i]!.text === '(') depth += 1;
    else if (tokens[i]!.text === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new SqlSyntaxError("missing ')'", tokens[open]?.at ?? 0);
}

/** `[0]` at `at`: an element index. */
function isIndex(tokens: readonly Token[], at: number): boolean {
  return tokens[at]?.text === '[' && tokens[at + 1]?.kind === 'number' && tokens[at + 2]?.text === ']';
}

/**
 * `"a"."b"[0].c` after a `:` (or `[0].c` right after a value, `keyFirst` false) as a DuckDB JSON
 * path; element names are case-sensitive.
 */
function readPath(tokens: readonly Token[], start: number, keyFirst: boolean): { path: string; end: number } {
  let path = '$';
  let i = start;
  let expectKey = keyFirst;
  for (;;) {
    const token = tokens[i];
    if (expectKey) {
      if (token === undefined || (token.kind !== 'word' && token.kind !== 'qident'))
        throw new SqlSyntaxError(`unexpected '${token?.text ?? 'end'}' in a VARIANT path`, token?.at ?? 0);
      const key = token.kind === 'qident' ? identifierName(token) : token.text;
      path += `."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
      i += 1;
      expectKey = false;
    } else if (token?.text === '.') {
      expectKey = true;
      i += 1;
    } else if (isIndex(tokens, i)) {
      path += `[${tokens[i + 1]!.text}]`;
      i += 3;
    } else {
      return { path, end: i };
    }
  }
}

/**
 * `base::type`. A VARIANT path read as a scalar takes its text (`->>`), as Snowflake casts the
 * element's value, not its JSON. Timestamps go through Snowflake's accepted input formats.
 */
function castTo(base: string[], type: SnowflakeType, pathArrowAt: number | false): string {
  if (type.family !== 'VARIANT' && pathArrowAt !== false) base[pathArrowAt] = '->>';
  const expression = base.join(' ');
  switch (type.family) {
    case 'VARIANT':
      return pathArrowAt === false ? `to_json(${expression})` : expression;
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
      return `memory.main.sf_timestamp_tz(${expression})`;
    case 'TIMESTAMP_NTZ':
      return `memory.main.sf_timestamp_ntz(${expression})`;
    case 'NUMBER':
      return pathArrowAt === false
        ? `CAST(${expression} AS ${duckType(type)})`
        : textToNumber(expression, type);
    default:
      return `CAST(${expression} AS ${duckType(type)})`;
  }
}

/** Digits DuckDB's 64-bit DECIMAL holds. */
const DECIMAL64_DIGITS = 18;

/**
 * Text (a VARIANT element read with `->>`) cast to NUMBER(p,s). DuckDB reads text into a DECIMAL
 * wider than 18 digits about 20 µs per 16-digit value (a loader's `_sdc_sequence`: most of a
 * statement's run time); into DECIMAL(18,s) it is fast, and widening that is exact. So text short
 * enough for 18 digits at scale s, without an exponent (`1E20` has 21), goes that way; the result
 * and the errors (the same conversion error) are the direct cast's.
 */
function textToNumber(expression: string, type: SnowflakeType): string {
  const target = duckType(type);
  const scale = type.scale ?? 0;
  if ((type.precision ?? 38) <= DECIMAL64_DIGITS || scale >= DECIMAL64_DIGITS)
    return `CAST(${expression} AS ${target})`;
  const text = `(${expression})`;
  return `(CASE WHEN length(${text}) <= ${DECIMAL64_DIGITS - scale} AND NOT contains(lower(${text}), 'e')
    THEN CAST(CAST(${text} AS DECIMAL(${DECIMAL64_DIGITS},${scale})) AS ${target})
    ELSE CAST(${text} AS ${target}) END)`;
}

/** A Snowflake string literal's value: `''` and backslash escapes. */
export function snowflakeStringValue(token: Token): string {
  const body = token.text.slice(1, -1);
  return body.replace(/''|\\(.)/gs, (match, escaped: string | undefined) => {
    if (match === "''") return "'";
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };
    return map[escaped!] ?? escaped!;
  });
}

export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function informationSchemaView(database: string, view: string): string {
  const catalog = duckString(duckDatabase(database));
  const name = duckString(database);
  const where = `table_catalog = ${catalog} AND table_schema <> 'main'`;
  if (view === 'COLUMNS')
    return `(SELECT ${name} AS "TABLE_CATALOG", ${DECODE_NAME_SQL('table_schema')} AS "TABLE_SCHEMA",
      ${DECODE_NAME_SQL('table_name')} AS "TABLE_NAME", ${DECODE_NAME_SQL('column_name')} AS "COLUMN_NAME",
      ordinal_position AS "ORDINAL_POSITION", is_nullable AS "IS_NULLABLE",
      ${SNOWFLAKE_DATA_TYPE_SQL('data_type')} AS "DATA_TYPE",
      CASE WHEN data_type = 'VARCHAR' THEN 16777216 END AS "CHARACTER_MAXIMUM_LENGTH",
      CASE WHEN data_type LIKE 'DECIMAL%' THEN numeric_precision WHEN data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT') THEN 38 END AS "NUMERIC_PRECISION",
      CASE WHEN data_type LIKE 'DECIMAL%' THEN numeric_scale WHEN data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT') THEN 0 END AS "NUMERIC_SCALE",
      CASE WHEN data_type LIKE 'TIMESTAMP%' OR data_type LIKE 'TIME%' THEN 9 END AS "DATETIME_PRECISION"
      FROM system.information_schema.columns WHERE ${where})`;
  if (view === 'TABLES')
    return `(SELECT ${name} AS "TABLE_CATALOG", ${DECODE_NAME_SQL('table_schema')} AS "TABLE_SCHEMA",
      ${DECODE_NAME_SQL('table_name')} AS "TABLE_NAME", 'BASE TABLE' AS "TABLE_TYPE"
      FROM system.information_schema.tables WHERE ${where})`;
  if (view === 'SCHEMATA')
    return `(SELECT ${name} AS "CATALOG_NAME", ${DECODE_NAME_SQL('schema_name')} AS "SCHEMA_NAME"
      FROM system.information_schema.schemata WHERE catalog_name = ${catalog} AND schema_name <> 'main')`;
  throw new SqlSyntaxError(`the emulator has no INFORMATION_SCHEMA.${view}`, 0);
}
