/**
 * The JSON Schema of an expression's result, worked out once per stream from the AST and the source
 * schema, never from records. Hashes and string functions give strings, `int`/`len` integers,
 * `float` numbers, comparisons booleans, a bare property its own schema. Meltano falls back to
 * string for what it cannot tell; we fall back to `{}` (any JSON), which never rejects a record.
 */
import { isExactNumber } from '../json/lossless-json.js';
import type { JSONSchema, JSONSchemaType } from '../schema/json-schema.js';
import type { ExpressionNode } from './ast.js';
import { rootName } from './expression.js';
import { FAKE_PROVIDERS } from './faker.js';
import { DATE_SCHEMA, MODULE_FUNCTIONS } from './modules.js';
import { referencePath } from './references.js';
import { declaredProperties, nullable, schemaAt, typesOf } from './schema-paths.js';

export interface InferContext {
  /** The schema of the records the expression reads. */
  source: JSONSchema;
  /** The schema of the mapped property's current value (`self`), if it has one. */
  self: JSONSchema | undefined;
  config: Record<string, unknown>;
}

const ANY: JSONSchema = {};
const TIME_FIELDS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond']);

function typed(type: JSONSchemaType): JSONSchema {
  return { type: [type, 'null'] };
}

/** The schema of the value an expression yields (nullable unless it can only be a boolean). */
export function inferSchema(node: ExpressionNode, context: InferContext): JSONSchema {
  switch (node.kind) {
    case 'literal':
      return literalSchema(node.value);
    case 'list':
    case 'tuple':
    case 'slice':
      return node.kind === 'slice'
        ? sameKind(inferSchema(node.object, context))
        : { type: ['array', 'null'] };
    case 'dict':
      return typed('object');
    case 'chain':
      return { type: 'boolean' };
    case 'conditional': {
      const body = inferSchema(node.body, context);
      const orelse = inferSchema(node.orelse, context);
      if (isNullLiteral(node.orelse)) return nullable(body);
      if (isNullLiteral(node.body)) return nullable(orelse);
      return sameType(body, orelse) ?? ANY;
    }
    case 'comprehension':
      return node.form === 'dict' ? typed('object') : typed('array');
    case 'name':
    case 'member':
    case 'index': {
      const path = referencePath(node);
      if (path !== undefined) {
        const found = schemaAt(context.source, path);
        return found === undefined ? ANY : nullable(found);
      }
      if (node.kind === 'name') {
        if (node.name === 'self') return context.self === undefined ? ANY : nullable(context.self);
        if (node.name === '__stream_name__' || node.name === '__original_stream_name__')
          return typed('string');
        // `"_data": "record"`: the whole record, typed as Meltano types it (the schema, nullable).
        return node.name === 'config' ? { type: 'object' } : nullable(context.source);
      }
      if (node.object.kind === 'name' && node.object.name === 'config') {
        const key =
          node.kind === 'member' ? node.key : node.index.kind === 'literal' ? node.index.value : undefined;
        if (typeof key === 'string' && Object.hasOwn(context.config, key))
          return literalSchema(context.config[key]);
      }
      const container = inferSchema(node.object, context);
      if (
        node.kind === 'member' &&
        TIME_FIELDS.has(node.key) &&
        (container.format === 'date' || container.format === 'date-time')
      )
        return typed('integer');
      if (node.kind === 'member' || (node.index.kind === 'literal' && typeof node.index.value === 'string')) {
        const key = node.kind === 'member' ? node.key : (node.index as { value: string }).value;
        const child = declaredProperties(container)?.[key];
        return child === undefined ? ANY : nullable(child);
      }
      const items = container.items;
      if (items !== undefined && !Array.isArray(items)) return nullable(items);
      return ANY;
    }
    case 'call':
      switch (node.callee) {
        case 'md5':
        case 'sha256':
        case 'hmac_sha256':
        case 'lower':
        case 'upper':
        case 'str':
          return typed('string');
        case 'int':
        case 'len':
          return typed('integer');
        case 'float':
          return typed('number');
        case 'bool':
          return { type: 'boolean' };
        case 'list':
        case 'tuple':
          return typed('array');
        case 'dict':
          return typed('object');
        default:
          return ANY;
      }
    case 'method':
      return methodSchema(node, context);
    case 'unary':
      return node.op === 'not' ? { type: 'boolean' } : numericOperand(inferSchema(node.operand, context));
    case 'logical': {
      const left = inferSchema(node.left, context);
      const right = inferSchema(node.right, context);
      return sameType(left, right) ?? ANY;
    }
    case 'binary': {
      switch (node.op) {
        case '==':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
        case 'in':
        case 'not in':
          return { type: 'boolean' };
        case '/':
          return typed('number');
        default: {
          const left = inferSchema(node.left, context);
          const right = inferSchema(node.right, context);
          if (node.op === '+') {
            if (only(left, 'string') || only(right, 'string')) return typed('string');
            if (only(left, 'array') && only(right, 'array')) return typed('array');
          }
          return numeric(left, right);
        }
      }
    }
  }
}

function literalSchema(value: unknown): JSONSchema {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'string') return typed('string');
  if (typeof value === 'boolean') return typed('boolean');
  if (typeof value === 'number') return typed(Number.isInteger(value) ? 'integer' : 'number');
  if (isExactNumber(value)) return typed(/^-?\d+$/.test(value.toString()) ? 'integer' : 'number');
  if (Array.isArray(value)) return typed('array');
  return typed('object');
}

/** Whether a schema's only non-null type is `type`. */
function only(schema: JSONSchema, type: JSONSchemaType): boolean {
  const types = typesOf(schema).filter((t) => t !== 'null');
  return types.length === 1 && types[0] === type;
}

function numeric(left: JSONSchema, right: JSONSchema): JSONSchema {
  if (only(left, 'integer') && only(right, 'integer')) return typed('integer');
  const isNumeric = (s: JSONSchema): boolean => only(s, 'integer') || only(s, 'number');
  return isNumeric(left) && isNumeric(right) ? typed('number') : ANY;
}

function numericOperand(schema: JSONSchema): JSONSchema {
  return numeric(schema, schema);
}

function sameType(left: JSONSchema, right: JSONSchema): JSONSchema | undefined {
  const a = typesOf(left).filter((t) => t !== 'null');
  const b = typesOf(right).filter((t) => t !== 'null');
  if (a.length === 1 && b.length === 1 && a[0] === b[0]) return typed(a[0]!);
  return undefined;
}

function isNullLiteral(node: ExpressionNode): boolean {
  return node.kind === 'literal' && (node.value === null || node.value === undefined);
}

/** A slice of a string is a string, of a list a list. */
function sameKind(schema: JSONSchema): JSONSchema {
  if (only(schema, 'string')) return typed('string');
  if (only(schema, 'array')) return typed('array');
  return ANY;
}

const STRING_ARRAY: JSONSchema = { type: ['array', 'null'], items: { type: 'string' } };
const BOOLEAN_METHODS = new Set([
  'startswith',
  'endswith',
  'isdigit',
  'isnumeric',
  'isalpha',
  'isalnum',
  'isspace',
  'islower',
  'isupper',
]);
const INTEGER_METHODS = new Set(['find', 'rfind', 'count', 'index', 'weekday', 'isoweekday']);
const STRING_METHODS = new Set([
  'lower',
  'upper',
  'casefold',
  'swapcase',
  'title',
  'capitalize',
  'strip',
  'lstrip',
  'rstrip',
  'removeprefix',
  'removesuffix',
  'replace',
  'join',
  'zfill',
  'isoformat',
  'strftime',
]);

function methodSchema(node: Extract<ExpressionNode, { kind: 'method' }>, context: InferContext): JSONSchema {
  const root = rootName(node.object);
  if (root === 'fake') {
    const provider = FAKE_PROVIDERS[node.method];
    return provider === undefined ? { type: 'null' } : typed(provider.type);
  }
  if (root === 'datetime' || root === 'json') {
    const path = `${modulePathOf(node.object)}.${node.method}`;
    return MODULE_FUNCTIONS[path]?.type ?? ANY;
  }
  const method = node.method;
  if (BOOLEAN_METHODS.has(method)) return typed('boolean');
  if (INTEGER_METHODS.has(method)) return typed('integer');
  if (STRING_METHODS.has(method)) return typed('string');
  if (method === 'split' || method === 'rsplit' || method === 'splitlines') return STRING_ARRAY;
  if (method === 'date') return DATE_SCHEMA;
  if (method === 'timestamp' || method === 'total_seconds') return typed('number');
  if (method === 'keys' || method === 'values' || method === 'items') return typed('array');
  if (method === 'get') {
    const container = inferSchema(node.object, context);
    const key = node.args[0];
    if (key?.kind === 'literal' && typeof key.value === 'string') {
      const child = declaredProperties(container)?.[key.value];
      if (child !== undefined) return nullable(child);
    }
  }
  return ANY;
}

function modulePathOf(node: ExpressionNode): string {
  return node.kind === 'member'
    ? `${modulePathOf(node.object)}.${node.key}`
    : node.kind === 'name'
      ? node.name
      : '';
}
