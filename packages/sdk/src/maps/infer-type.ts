/**
 * The JSON Schema of an expression's result, worked out once per stream from the AST and the source
 * schema, never from records. Hashes and string functions give strings, `int`/`len` integers,
 * `float` numbers, comparisons booleans, a bare property its own schema. Meltano falls back to
 * string for what it cannot tell; we fall back to `{}` (any JSON), which never rejects a record.
 */
import { isExactNumber } from '../json/lossless-json.js';
import type { JSONSchema, JSONSchemaType } from '../schema/json-schema.js';
import type { ExpressionNode } from './expression.js';
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

function typed(type: JSONSchemaType): JSONSchema {
  return { type: [type, 'null'] };
}

/** The schema of the value an expression yields (nullable unless it can only be a boolean). */
export function inferSchema(node: ExpressionNode, context: InferContext): JSONSchema {
  switch (node.kind) {
    case 'literal':
      return literalSchema(node.value);
    case 'list':
      return { type: ['array', 'null'] };
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
        return node.name === 'config' ? { type: 'object' } : context.source;
      }
      if (node.object.kind === 'name' && node.object.name === 'config') {
        const key =
          node.kind === 'member' ? node.key : node.index.kind === 'literal' ? node.index.value : undefined;
        if (typeof key === 'string' && Object.hasOwn(context.config, key))
          return literalSchema(context.config[key]);
      }
      const container = inferSchema(node.object, context);
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
        default:
          return ANY;
      }
    case 'method':
      return node.method === 'startswith' || node.method === 'endswith' ? typed('boolean') : typed('string');
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
