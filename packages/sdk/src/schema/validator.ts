/**
 * Record validation against a stream's JSON Schema. Validators are compiled once per schema and
 * reused for every record; ExactNumber values (numbers a double cannot hold) count as numbers.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidSchemaError, RecordValidationError } from '../errors.js';
import { isExactNumber } from '../json/lossless-json.js';
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

function createAjv(): Ajv {
  // No meta-schema check: compiling the meta-schema costs ~50 ms at every start, and ajv's own keyword
  // checks already reject a malformed schema (a bad type, a non-array required, a broken pattern).
  const ajv = new Ajv({ strict: false, allErrors: false, logger: false, validateSchema: false });
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

let sharedAjv: Ajv | undefined;
const compiled = new WeakMap<JSONSchema, ValidateFunction>();

/** Compiles a schema once; a schema ajv cannot compile is an InvalidSchemaError naming the stream. */
export function compileSchema(schema: JSONSchema, stream: string): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  sharedAjv ??= createAjv();
  let validate: ValidateFunction;
  try {
    // Schemas from different taps may reuse $id values; compile without registering them globally.
    const { $id: _id, ...rest } = schema as JSONSchema & { $id?: string };
    validate = sharedAjv.compile(rest);
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
      // ajv stopped at an exact number; check the rest with those numbers as doubles.
      if (validate(withExactNumbersAsDoubles(record))) return;
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

function withExactNumbersAsDoubles(value: unknown): unknown {
  if (isExactNumber(value)) return Number(value.toString());
  if (Array.isArray(value)) return value.map(withExactNumbersAsDoubles);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = withExactNumbersAsDoubles(item);
    return copy;
  }
  return value;
}
