/**
 * Snowflake column types for Singer JSON Schema, chosen so every value loads exactly.
 *
 * | JSON Schema                       | column            |
 * | --------------------------------- | ----------------- |
 * | integer                           | NUMBER(38,0)      |
 * | number                            | NUMBER(38,s), s = the most decimals the data holds |
 * | integer/number beyond 38 digits   | VARCHAR (the exact text; NUMBER would round or fail) |
 * | boolean                           | BOOLEAN           |
 * | string, format date-time          | TIMESTAMP_TZ(9)   |
 * | string, format date / time        | DATE / TIME(9)    |
 * | string, other unions of scalars   | VARCHAR           |
 * | object, array, unions with them   | VARIANT           |
 *
 * Never FLOAT: a double cannot hold a 17th digit or 0.1. Numbers travel to Snowflake as JSON
 * strings of their exact text inside the bound JSON array and are cast there (`::NUMBER(38,s)`);
 * Snowflake's and DuckDB's JSON parsers read a bare decimal as a double.
 */
import { type JSONSchema, logicalTypeOf } from '@singer-ts/sdk';

export const MAX_NUMBER_DIGITS = 38;
/** Snowflake's largest NUMBER scale. */
export const MAX_NUMBER_SCALE = 37;

export type SnowflakeColumnType =
  | { kind: 'NUMBER'; scale: number }
  | { kind: 'VARCHAR' }
  | { kind: 'BOOLEAN' }
  | { kind: 'TIMESTAMP_TZ' }
  | { kind: 'DATE' }
  | { kind: 'TIME' }
  | { kind: 'VARIANT' };

/** Digits before and after the point of the numbers seen for one property. */
export interface NumberShape {
  integerDigits: number;
  scale: number;
}

/** The shape of one number from its exact text (`-12.3400` → 2 and 2, `1.5e-7` → 0 and 8). */
export function measureNumber(value: string | number | bigint): NumberShape {
  const { integerDigits, scale } = plainDecimal(String(value));
  return { integerDigits, scale };
}

/**
 * A number's exact text without an exponent (`1.5e-7` → `0.00000015`), which every NUMBER cast
 * reads, and its shape (leading zeros and trailing fraction zeros do not count).
 */
export function plainDecimal(value: string): NumberShape & { text: string } {
  const simple = simpleDecimal(value);
  if (simple !== undefined) return simple;
  const trimmed = value.trim();
  const negative = trimmed.startsWith('-');
  const text = trimmed.replace(/^[-+]/, '').toLowerCase();
  const match = /^(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === ''))
    throw new RangeError(`'${value}' is not a decimal number`);
  if (match[3] === undefined) {
    const whole = (match[1] ?? '').replace(/^0+/, '');
    const fraction = (match[2] ?? '').replace(/0+$/, '');
    return { text: trimmed.replace(/^\+/, ''), integerDigits: whole.length, scale: fraction.length };
  }
  const exponent = Number(match[3]);
  let whole = match[1] ?? '';
  let fraction = match[2] ?? '';
  if (exponent > 0) {
    whole += fraction.slice(0, exponent).padEnd(exponent, '0');
    fraction = fraction.slice(exponent);
  } else if (exponent < 0) {
    fraction = whole.padStart(-exponent, '0').slice(exponent) + fraction;
    whole = whole.slice(0, Math.max(0, whole.length + exponent));
  }
  whole = whole.replace(/^0+/, '');
  fraction = fraction.replace(/0+$/, '');
  const plain = `${negative ? '-' : ''}${whole || '0'}${fraction === '' ? '' : `.${fraction}`}`;
  return { text: plain, integerDigits: whole.length, scale: fraction.length };
}

/**
 * The shape of `-?digits[.digits]` text (what JSON numbers nearly always are) in one pass, without
 * the regular expressions of the general case; undefined for any other text.
 */
function simpleDecimal(text: string): (NumberShape & { text: string }) | undefined {
  let index = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const start = index;
  let firstSignificant = -1;
  let point = -1;
  let lastNonZero = -1;
  for (; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 46) {
      if (point >= 0) return undefined;
      point = index;
    } else if (code >= 48 && code <= 57) {
      if (point < 0 && firstSignificant < 0 && code !== 48) firstSignificant = index;
      if (point >= 0 && code !== 48) lastNonZero = index;
    } else return undefined;
  }
  const end = point < 0 ? text.length : point;
  if (end === start || point === text.length - 1) return undefined;
  return {
    text,
    integerDigits: firstSignificant < 0 ? 0 : end - firstSignificant,
    scale: lastNonZero < 0 ? 0 : lastNonZero - point,
  };
}

/** The wider of two shapes: what one column must hold for both. */
export function widerShape(a: NumberShape | undefined, b: NumberShape): NumberShape {
  if (a === undefined) return b;
  return { integerDigits: Math.max(a.integerDigits, b.integerDigits), scale: Math.max(a.scale, b.scale) };
}

/** The column for a property; `observed` is the shape of the numbers in the data, when numeric. */
export function columnTypeFor(schema: JSONSchema, observed?: NumberShape): SnowflakeColumnType {
  const logical = logicalTypeOf(schema);
  switch (logical) {
    case 'integer':
    case 'number': {
      const shape = observed ?? { integerDigits: 0, scale: 0 };
      const scale = logical === 'integer' ? 0 : shape.scale;
      return numberColumn(shape.integerDigits, scale);
    }
    case 'boolean':
      return { kind: 'BOOLEAN' };
    case 'date-time':
      return { kind: 'TIMESTAMP_TZ' };
    case 'date':
      return { kind: 'DATE' };
    case 'time':
      return { kind: 'TIME' };
    case 'json':
      return { kind: 'VARIANT' };
    default:
      return { kind: 'VARCHAR' };
  }
}

function numberColumn(integerDigits: number, scale: number): SnowflakeColumnType {
  if (scale > MAX_NUMBER_SCALE || integerDigits + scale > MAX_NUMBER_DIGITS) return { kind: 'VARCHAR' };
  return { kind: 'NUMBER', scale };
}

/** The type as written in DDL. */
export function columnTypeSql(type: SnowflakeColumnType): string {
  switch (type.kind) {
    case 'NUMBER':
      return `NUMBER(${MAX_NUMBER_DIGITS},${type.scale})`;
    case 'TIMESTAMP_TZ':
      return 'TIMESTAMP_TZ(9)';
    case 'TIME':
      return 'TIME(9)';
    default:
      return type.kind;
  }
}

/** The cast after a VARIANT path in the load SELECT (`f.value[3]::NUMBER(38,2)`); none for VARIANT. */
export function castSuffix(type: SnowflakeColumnType): string {
  return type.kind === 'VARIANT' ? '' : `::${columnTypeSql(type)}`;
}

/**
 * An existing column read back from `INFORMATION_SCHEMA.COLUMNS` (`DATA_TYPE`, `NUMERIC_SCALE`);
 * undefined for a type this target never creates (it is then left alone).
 */
export function columnTypeFromCatalog(
  dataType: string,
  numericScale: string | number | null,
): SnowflakeColumnType | undefined {
  const name = dataType.toUpperCase();
  if (name === 'NUMBER' || name === 'DECIMAL' || name === 'NUMERIC')
    return { kind: 'NUMBER', scale: Number(numericScale ?? 0) };
  if (name === 'TEXT' || name === 'VARCHAR' || name === 'STRING') return { kind: 'VARCHAR' };
  if (name === 'BOOLEAN') return { kind: 'BOOLEAN' };
  if (name === 'TIMESTAMP_TZ') return { kind: 'TIMESTAMP_TZ' };
  if (name === 'DATE') return { kind: 'DATE' };
  if (name === 'TIME') return { kind: 'TIME' };
  if (name === 'VARIANT' || name === 'OBJECT' || name === 'ARRAY') return { kind: 'VARIANT' };
  return undefined;
}

/**
 * What an existing column must become to take values of `needed` too. Snowflake changes a column
 * in place only to widen VARCHAR length or NUMBER precision; a larger NUMBER scale or another type
 * family means a new column (`inPlace` false), which the SQL target's widening flow handles.
 */
export function widenColumnType(
  current: SnowflakeColumnType,
  needed: SnowflakeColumnType,
): { type: SnowflakeColumnType; inPlace: boolean } {
  if (current.kind === needed.kind) {
    if (current.kind !== 'NUMBER' || needed.kind !== 'NUMBER' || needed.scale <= current.scale)
      return { type: current, inPlace: true };
    return { type: { kind: 'NUMBER', scale: needed.scale }, inPlace: false };
  }
  if (current.kind === 'VARCHAR' && needed.kind !== 'VARIANT') return { type: current, inPlace: true };
  if (current.kind === 'VARIANT') return { type: current, inPlace: true };
  return { type: needed.kind === 'VARIANT' ? needed : { kind: 'VARCHAR' }, inPlace: false };
}
