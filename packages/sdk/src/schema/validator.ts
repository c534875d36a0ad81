/**
 * Record validation against a stream's JSON Schema. Validators are compiled once per schema and
 * reused for every record; ExactNumber values (numbers a double cannot hold) count as numbers.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidSchemaError, RecordValidationError } from '../errors.js';
import { compareExactNumbers, ExactNumber, isExactNumber, numberText } from '../json/lossless-json.js';
import { EXACT_BOUNDS_KEYWORD, type ExactBounds, toAjvSchema } from './ajv-schema.js';
import type { JSONSchema } from './json-schema.js';
import { isRfc3339DateTime } from './timestamps.js';

export type RecordValidator = (record: Record<string, unknown>, line?: number) => void;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * JSON Schema's `date-time`: Singer sources emit timestamps in many ISO variants, so whatever a date
 * parser accepts. Most are plain RFC 3339, recognised without the (slower) parser.
 */
export const DATE_TIME_FORMAT = {
  type: 'string',
  validate: (value: string) => isRfc3339DateTime(value) || !Number.isNaN(Date.parse(value)),
} as const;

/**
 * `split`: for schemas whose wide objects were cut into `$ref`ed chunks (see ajv-schema.ts), which
 * must stay separate functions rather than be inlined back into one deep block.
 */
function createAjv(split: boolean): Ajv {
  // No meta-schema check: compiling the meta-schema costs ~50 ms at every start, and ajv's own keyword
  // checks already reject a malformed schema (a bad type, a non-array required, a broken pattern).
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    logger: false,
    validateSchema: false,
    ...(split ? { inlineRefs: false } : {}),
  });
  ajv.addKeyword({ keyword: EXACT_BOUNDS_KEYWORD, schemaType: 'object', validate: checkExactBounds });
  ajv.addFormat('date-time', DATE_TIME_FORMAT);
  ajv.addFormat('date', {
    type: 'string',
    validate: (value: string) => DATE.test(value) && !Number.isNaN(Date.parse(value)),
  });
  ajv.addFormat('time', { type: 'string', validate: (value: string) => TIME.test(value) });
  // Other formats (email, uri, …) are informative in Singer schemas: never a reason to reject data.
  for (const name of [
    'email',
    'uri',
    'uri-reference',
    'hostname',
    'ipv4',
    'ipv6',
    'uuid',
    'singer.decimal',
  ]) {
    ajv.addFormat(name, true);
  }
  return ajv;
}

const ajvs = new Map<boolean, Ajv>();
const compiled = new WeakMap<JSONSchema, ValidateFunction>();

/** Compiles a schema once; a schema ajv cannot compile is an InvalidSchemaError naming the stream. */
export function compileSchema(schema: JSONSchema, stream: string): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  let validate: ValidateFunction;
  try {
    // Schemas from different taps may reuse $id values; compile without registering them globally.
    const { $id: _id, ...rest } = schema as JSONSchema & { $id?: string };
    const prepared = toAjvSchema(rest);
    let ajv = ajvs.get(prepared.split);
    if (ajv === undefined) {
      ajv = createAjv(prepared.split);
      ajvs.set(prepared.split, ajv);
    }
    validate = ajv.compile(prepared.schema);
  } catch (error) {
    throw new InvalidSchemaError(
      `schema is not valid JSON Schema: ${(error as Error).message}`,
      { stream },
      { cause: error },
    );
  }
  compiled.set(schema, validate);
  return validate;
}

/** Returns a function that throws a RecordValidationError naming stream, line and field. */
export function compileValidator(schema: JSONSchema, stream: string): RecordValidator {
  const validate = compileSchema(schema, stream);
  return (record, line) => {
    if (validate(record)) return;
    let errors = validate.errors ?? [];
    if (errors.every((error) => isExactNumberTypeMatch(error, record))) {
      // ajv stopped at an exact number; check the rest with those numbers as doubles, while exact
      // bounds look up the original values.
      exactOriginals = new Map();
      try {
        if (validate(withExactNumbersAsDoubles(record, '', exactOriginals))) return;
      } finally {
        exactOriginals = undefined;
      }
      errors = validate.errors ?? [];
    }
    const first = errors[0];
    if (first === undefined) return;
    const field = fieldOf(first);
    throw new RecordValidationError(`record does not match the schema: ${describe(first)}`, {
      stream,
      ...(line === undefined ? {} : { line }),
      ...(field === '' ? {} : { field }),
    });
  };
}

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  return path.join('.');
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required')
    return `required property '${String(error.params.missingProperty)}' is missing`;
  return error.message ?? error.keyword;
}

/** ajv rejects ExactNumber objects for number/integer; those are numbers, so such errors are not errors. */
function isExactNumberTypeMatch(error: ErrorObject, record: unknown): boolean {
  if (error.keyword !== 'type') return false;
  const value = valueAt(record, error.instancePath);
  if (!isExactNumber(value)) return false;
  const allowed = ([] as string[]).concat(error.params.type as string | string[]);
  if (allowed.includes('number')) return true;
  return allowed.includes('integer') && /^-?\d+$/.test(value.toString());
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** A copy with ExactNumber values as doubles; `originals` gets each one under its JSON pointer. */
function withExactNumbersAsDoubles(
  value: unknown,
  pointer: string,
  originals: Map<string, unknown>,
): unknown {
  if (isExactNumber(value)) {
    originals.set(pointer, value);
    return Number(value.toString());
  }
  if (Array.isArray(value))
    return value.map((item, index) => withExactNumbersAsDoubles(item, `${pointer}/${index}`, originals));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      copy[key] = withExactNumbersAsDoubles(item, `${pointer}/${escapePointer(key)}`, originals);
    return copy;
  }
  return value;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Set while a record is validated with its exact numbers as doubles: the originals by JSON pointer. */
let exactOriginals: Map<string, unknown> | undefined;

/** ajv's validate-function keyword for bounds a double cannot hold; compares decimal values exactly. */
function checkExactBounds(
  bounds: ExactBounds,
  data: unknown,
  _parent?: unknown,
  where?: { instancePath: string },
): boolean {
  const value = (where !== undefined ? exactOriginals?.get(where.instancePath) : undefined) ?? data;
  if (typeof value !== 'number' && !isExactNumber(value)) return true;
  const exact = typeof value === 'number' ? new ExactNumber(numberText(value)) : value;
  const failed = boundFailed(exact, bounds);
  if (failed === undefined) return true;
  checkExactBounds.errors = [
    {
      keyword: EXACT_BOUNDS_KEYWORD,
      message: failed,
      params: { bounds },
      instancePath: where?.instancePath ?? '',
    },
  ];
  return false;
}
checkExactBounds.errors = [] as Partial<ErrorObject>[];

function boundFailed(
  value: Parameters<typeof compareExactNumbers>[0],
  bounds: ExactBounds,
): string | undefined {
  const compare = (bound: string) => compareExactNumbers(value, new ExactNumber(bound));
  if (bounds.minimum !== undefined && compare(bounds.minimum) < 0) return `must be >= ${bounds.minimum}`;
  if (bounds.maximum !== undefined && compare(bounds.maximum) > 0) return `must be <= ${bounds.maximum}`;
  if (bounds.exclusiveMinimum !== undefined && compare(bounds.exclusiveMinimum) <= 0)
    return `must be > ${bounds.exclusiveMinimum}`;
  if (bounds.exclusiveMaximum !== undefined && compare(bounds.exclusiveMaximum) >= 0)
    return `must be < ${bounds.exclusiveMaximum}`;
  return undefined;
}
