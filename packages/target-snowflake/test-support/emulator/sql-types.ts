/**
 * Snowflake data types as the emulator reads them in DDL and casts, their DuckDB storage, and the
 * way back (DuckDB column type → Snowflake `rowType` and `INFORMATION_SCHEMA` type names).
 */
import { SqlSyntaxError, type Token } from './lexer.js';

export type SnowflakeFamily =
  | 'NUMBER'
  | 'FLOAT'
  | 'TEXT'
  | 'BOOLEAN'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP_TZ'
  | 'TIMESTAMP_LTZ'
  | 'TIMESTAMP_NTZ'
  | 'VARIANT'
  | 'BINARY';

export interface SnowflakeType {
  family: SnowflakeFamily;
  precision?: number;
  scale?: number;
}

const FAMILIES: Record<string, SnowflakeFamily> = {
  NUMBER: 'NUMBER',
  DECIMAL: 'NUMBER',
  NUMERIC: 'NUMBER',
  INT: 'NUMBER',
  INTEGER: 'NUMBER',
  BIGINT: 'NUMBER',
  SMALLINT: 'NUMBER',
  TINYINT: 'NUMBER',
  BYTEINT: 'NUMBER',
  FLOAT: 'FLOAT',
  FLOAT4: 'FLOAT',
  FLOAT8: 'FLOAT',
  DOUBLE: 'FLOAT',
  REAL: 'FLOAT',
  VARCHAR: 'TEXT',
  STRING: 'TEXT',
  TEXT: 'TEXT',
  CHAR: 'TEXT',
  CHARACTER: 'TEXT',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP_TZ: 'TIMESTAMP_TZ',
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ',
  TIMESTAMP_NTZ: 'TIMESTAMP_NTZ',
  TIMESTAMP: 'TIMESTAMP_NTZ',
  DATETIME: 'TIMESTAMP_NTZ',
  VARIANT: 'VARIANT',
  OBJECT: 'VARIANT',
  ARRAY: 'VARIANT',
  BINARY: 'BINARY',
  VARBINARY: 'BINARY',
};

/** Reads a type at `tokens[start]` (`NUMBER(38, 2)`, `TIMESTAMP_TZ(9)`, `DOUBLE PRECISION`). */
export function readType(tokens: readonly Token[], start: number): { type: SnowflakeType; end: number } {
  const word = tokens[start];
  const family = word?.kind === 'word' ? FAMILIES[word.text.toUpperCase()] : undefined;
  if (word === undefined || family === undefined)
    throw new SqlSyntaxError(`unexpected '${word?.text ?? 'end of statement'}'`, word?.at ?? 0);
  let end = start + 1;
  if (word.text.toUpperCase() === 'DOUBLE' && tokens[end]?.text.toUpperCase() === 'PRECISION') end += 1;
  const numbers: number[] = [];
  if (tokens[end]?.text === '(') {
    end += 1;
    while (tokens[end] !== undefined && tokens[end]!.text !== ')') {
      if (tokens[end]!.kind === 'number') numbers.push(Number(tokens[end]!.text));
      end += 1;
    }
    end += 1;
  }
  const type: SnowflakeType = { family };
  if (family === 'NUMBER') {
    const integerAlias = word.text.toUpperCase() !== 'NUMBER' && !/^DEC|^NUM/i.test(word.text);
    type.precision = numbers[0] ?? 38;
    type.scale = integerAlias ? 0 : (numbers[1] ?? 0);
    if (type.precision < 1 || type.precision > 38 || type.scale < 0 || type.scale > type.precision)
      throw new SqlSyntaxError(`invalid precision or scale for NUMBER(${numbers.join(',')})`, word.at);
  } else if (family.startsWith('TIMESTAMP') || family === 'TIME') {
    type.scale = numbers[0] ?? 9;
  }
  return { type, end };
}

export function duckType(type: SnowflakeType): string {
  switch (type.family) {
    case 'NUMBER':
      return `DECIMAL(${type.precision ?? 38},${type.scale ?? 0})`;
    case 'FLOAT':
      return 'DOUBLE';
    case 'TEXT':
      return 'VARCHAR';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
      return 'TIMESTAMPTZ';
    case 'TIMESTAMP_NTZ':
      return 'TIMESTAMP';
    case 'VARIANT':
      return 'JSON';
    case 'BINARY':
      return 'BLOB';
  }
}

/** The Snowflake reading of a DuckDB result or catalog type (`DECIMAL(38,2)`, `JSON`, …). */
export function snowflakeTypeOfDuck(duck: string, alias?: string): SnowflakeType {
  if (alias === 'JSON' || duck === 'JSON') return { family: 'VARIANT' };
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duck);
  if (decimal) return { family: 'NUMBER', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(duck))
    return { family: 'NUMBER', precision: 38, scale: 0 };
  if (duck === 'DOUBLE' || duck === 'FLOAT') return { family: 'FLOAT' };
  if (duck === 'BOOLEAN') return { family: 'BOOLEAN' };
  if (duck === 'DATE') return { family: 'DATE' };
  if (duck.startsWith('TIME') && !duck.startsWith('TIMESTAMP')) return { family: 'TIME', scale: 9 };
  if (duck === 'TIMESTAMP WITH TIME ZONE' || duck === 'TIMESTAMPTZ')
    return { family: 'TIMESTAMP_TZ', scale: 9 };
  if (duck.startsWith('TIMESTAMP')) return { family: 'TIMESTAMP_NTZ', scale: 9 };
  if (duck === 'BLOB') return { family: 'BINARY' };
  return { family: 'TEXT' };
}

/** `rowType[].type` as Snowflake writes it: lower case, `fixed` for NUMBER. */
export function rowTypeName(type: SnowflakeType): string {
  const names: Record<SnowflakeFamily, string> = {
    NUMBER: 'fixed',
    FLOAT: 'real',
    TEXT: 'text',
    BOOLEAN: 'boolean',
    DATE: 'date',
    TIME: 'time',
    TIMESTAMP_TZ: 'timestamp_tz',
    TIMESTAMP_LTZ: 'timestamp_ltz',
    TIMESTAMP_NTZ: 'timestamp_ntz',
    VARIANT: 'variant',
    BINARY: 'binary',
  };
  return names[type.family];
}

/** A CASE expression (DuckDB) turning `information_schema.columns.data_type` into Snowflake's name. */
export const SNOWFLAKE_DATA_TYPE_SQL = (column: string) => `CASE
  WHEN ${column} LIKE 'DECIMAL%' OR ${column} IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT') THEN 'NUMBER'
  WHEN ${column} IN ('DOUBLE','FLOAT') THEN 'FLOAT'
  WHEN ${column} = 'VARCHAR' THEN 'TEXT'
  WHEN ${column} = 'JSON' THEN 'VARIANT'
  WHEN ${column} = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_TZ'
  WHEN ${column} LIKE 'TIMESTAMP%' THEN 'TIMESTAMP_NTZ'
  WHEN ${column} = 'BLOB' THEN 'BINARY'
  ELSE ${column} END`;
