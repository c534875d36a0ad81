import { describe, expect, it } from 'vitest';
import { RecordValidationError } from '../../src/errors.js';
import { compileValidator, parseJson } from '../../src/index.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';

function wideSchema(count: number, extra: Partial<JSONSchema> = {}): JSONSchema {
  const properties: Record<string, JSONSchema> = {};
  for (let i = 0; i < count; i += 1) properties[`c${i}`] = { type: ['null', 'integer'] };
  return { type: 'object', properties, ...extra };
}

describe('wide schemas', () => {
  it.each([1590, 2000, 6000])('validates %i properties without overflowing the stack', (count) => {
    const validate = compileValidator(wideSchema(count), 'wide');
    expect(() => validate({ c0: 1, [`c${count - 1}`]: null })).not.toThrow();
    expect(() => validate({ [`c${count - 1}`]: 'text' }, 7)).toThrow(
      expect.objectContaining({
        code: 'SINGER_RECORD_INVALID',
        context: expect.objectContaining({ stream: 'wide', line: 7, field: `c${count - 1}` }),
      }),
    );
  });

  it('keeps required and additionalProperties: false of a wide object', () => {
    const validate = compileValidator(
      wideSchema(3000, { required: ['c2999'], additionalProperties: false }),
      'wide',
    );
    expect(() => validate({ c2999: 1 })).not.toThrow();
    expect(() => validate({ c1: 1 })).toThrow(/required property 'c2999'/);
    expect(() => validate({ c2999: 1, stray: 1 })).toThrow(RecordValidationError);
  });

  it('validates a wide object nested inside a record', () => {
    const validate = compileValidator(
      { type: 'object', properties: { id: { type: 'integer' }, wide: wideSchema(2500) } },
      'nested',
    );
    expect(() => validate({ id: 1, wide: { c2499: 3 } })).not.toThrow();
    expect(() => validate({ id: 1, wide: { c2499: 'x' } })).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ field: 'wide.c2499' }) }),
    );
  });
});

describe('integer bounds beyond 2^53', () => {
  // As the reader delivers them: the bounds are ExactNumber objects, not doubles.
  const schema = parseJson(
    '{"type":"object","properties":{' +
      '"signed":{"type":["null","integer"],"minimum":-9223372036854775808,"maximum":9223372036854775807},' +
      '"unsigned":{"type":["null","integer"],"minimum":0,"maximum":18446744073709551615},' +
      '"open":{"type":"number","exclusiveMaximum":9007199254740993}}}',
  ) as JSONSchema;
  // Compiled inside each test, so a schema that does not compile fails the tests, not the file.
  const validate = (record: Record<string, unknown>, line?: number) =>
    compileValidator(schema, 'bigint')(record, line);
  const record = (line: string) => parseJson(line) as Record<string, unknown>;

  it('compiles and accepts values inside the bounds, the bounds themselves included', () => {
    expect(() => validate(record('{"signed":1,"unsigned":1}'))).not.toThrow();
    expect(() =>
      validate(record('{"signed":9223372036854775807,"unsigned":18446744073709551615}')),
    ).not.toThrow();
    expect(() => validate(record('{"signed":-9223372036854775808}'))).not.toThrow();
    expect(() => validate(record('{"open":9007199254740992}'))).not.toThrow();
  });

  it('rejects a value one past a bound, which a double could not tell apart', () => {
    expect(() => validate(record('{"signed":9223372036854775808}'), 3)).toThrow(
      expect.objectContaining({
        code: 'SINGER_RECORD_INVALID',
        message: expect.stringContaining('9223372036854775807'),
        context: expect.objectContaining({ field: 'signed', line: 3 }),
      }),
    );
    expect(() => validate(record('{"signed":-9223372036854775809}'))).toThrow(RecordValidationError);
    expect(() => validate(record('{"unsigned":18446744073709551616}'))).toThrow(RecordValidationError);
    expect(() => validate(record('{"unsigned":-1}'))).toThrow(RecordValidationError);
    expect(() => validate(record('{"open":9007199254740993}'))).toThrow(RecordValidationError);
  });
});
