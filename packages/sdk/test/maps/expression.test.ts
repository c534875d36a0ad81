import { describe, expect, it } from 'vitest';
import { MapperError } from '../../src/errors.js';
import { ExactNumber } from '../../src/json/lossless-json.js';
import { compileExpression } from '../../src/maps/evaluate.js';
import { parseExpression } from '../../src/maps/expression.js';
import { inferSchema } from '../../src/maps/infer-type.js';
import { md5, prepareKey, pseudonymize, sha256 } from '../../src/maps/pseudonymize.js';
import { readProperties, referencePath } from '../../src/maps/references.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';

const KEY = 'expression-test-key!';
const site = { stream: 'users', property: 'out' };
const config = { seed: 'pepper', domains: ['example.com'], hash_key: 'a-key-of-at-least-16-bytes' };

function evaluate(source: string, record: Record<string, unknown> = {}, self?: unknown): unknown {
  const evaluator = compileExpression(parseExpression(source, site), {
    site,
    config,
    pseudonymizeKey: prepareKey(KEY),
  });
  return evaluator(record, self);
}

function syntaxError(source: string): MapperError {
  try {
    parseExpression(source, { stream: 'tickets', property: 'email_hash' });
  } catch (error) {
    if (error instanceof MapperError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${source}`);
}

const user = {
  email: 'Ada@Example.com',
  name: 'Ada',
  age: 36,
  tags: ['vip', 'beta'],
  requester: { email: 'r@example.com', org: { id: 9 } },
  empty: '',
  nothing: null,
  big: new ExactNumber('12345678901234567890'),
};

describe('expressions', () => {
  it.each([
    ['email', user.email],
    ["record['name']", 'Ada'],
    ["_['age']", 36],
    ['requester.email', 'r@example.com'],
    ["requester['org']['id']", 9],
    ['missing', null],
    ['requester.missing.deeper', null],
    ['tags[0]', 'vip'],
    ['tags[-1]', 'beta'],
    ['tags[5]', null],
    ["'a' + 'b'", 'ab'],
    ['"double \\"quoted\\""', 'double "quoted"'],
    ['age + 1', 37],
    ['age - 1.5', 34.5],
    ['age * 2', 72],
    ['age / 8', 4.5],
    ['age % 5', 1],
    ['-age', -36],
    ['-7 % 3', 2],
    ['big + 1', new ExactNumber('12345678901234567891')],
    ['big > 9007199254740993', true],
    ['big == 12345678901234567890', true],
    ['age == 36', true],
    ['age != 36', false],
    ['age >= 18 and age < 65', true],
    ["name == 'Ada' or missing", true],
    ['missing or name', 'Ada'],
    ['empty and name', ''],
    ['not empty', true],
    ['!tags', false],
    ['age > 18 && age < 30 || true', true],
    ["'vip' in tags", true],
    ["'x' not in tags", true],
    ["'Ada' in name", true],
    ["'email' in requester", true],
    ["name in ['Ada', 'Grace']", true],
    ['nothing is None', true],
    ['email is not None', true],
    ['nothing == null', true],
    ['missing > 3', false],
    ['nothing + 1', null],
    ["config['seed'] + name", 'pepperAda'],
    ["config['domains'][0]", 'example.com'],
    ['lower(email)', 'ada@example.com'],
    ['upper(name)', 'ADA'],
    ['email.lower()', 'ada@example.com'],
    ["email.lower().endswith('@example.com')", true],
    ["name.startswith('G')", false],
    ["'  x '.strip()", 'x'],
    ['str(age)', '36'],
    ['str(big)', '12345678901234567890'],
    ['str(true)', 'true'],
    ['str(nothing)', null],
    ["int('42')", 42],
    ['int(36.9)', 36],
    ["int('12345678901234567890')", new ExactNumber('12345678901234567890')],
    ["float('1.5')", 1.5],
    ['float(age)', 36],
    ['bool(empty)', false],
    ['bool(tags)', true],
    ['len(name)', 3],
    ['len(tags)', 2],
    ["len('né')", 2],
    ['md5(email)', md5(user.email)],
    ['sha256(age)', sha256('36')],
    ['hmac_sha256(email)', pseudonymize(user.email, KEY)],
    ["hmac_sha256(email, config['hash_key'])", pseudonymize(user.email, config.hash_key)],
    ["md5(config['seed'] + email)", md5(`pepper${user.email}`)],
    ['md5(missing)', null],
    ['True', true],
    ['None', null],
    ['(1 + 2) * 3', 9],
    ['1 + 2 * 3', 7],
    ['1e3', 1000],
  ])('%s', (source, expected) => {
    expect(evaluate(source, user)).toEqual(expected);
  });

  it('gives `self` the current value of the mapped property', () => {
    expect(evaluate('upper(self)', user, 'ada')).toBe('ADA');
    expect(evaluate('self', user, undefined)).toBeNull();
  });

  it('never reaches the prototype of a record', () => {
    expect(evaluate('record.constructor', user)).toBeNull();
    expect(evaluate("record['__proto__']", user)).toBeNull();
    expect(evaluate('requester.toString', user)).toBeNull();
    expect(evaluate('constructor', user)).toBeNull();
  });

  it.each([
    ["'a' + 1", /cannot add a string and a number/],
    ['lower(age)', /a number has no method lower\(\)/],
    ["int('4.5')", /int\(\) cannot convert/],
    ['age / 0', /division by zero/],
    ['name < 3', /cannot compare/],
    ['name.first', /cannot read 'first' of a string/],
  ])('raises on mismatched types: %s', (source, message) => {
    expect(() => evaluate(source, user)).toThrow(message);
  });

  it('does not put record values in error messages', () => {
    expect(() => evaluate('int(email)', user)).toThrow(/^(?!.*Ada@Example).*$/);
  });
});

describe('syntax errors', () => {
  it.each([
    ['md5(email', 10, /expected '\)' but found the end of the expression/],
    ['email +', 8, /ends too early/],
    ['lower(email) email', 14, /unexpected 'email'/],
    ["'unclosed", 1, /string is not closed/],
    ['email = 1', 7, /compare with '=='/],
    ['email $ 1', 7, /unexpected character '\$'/],
    ['frobnicate(email)', 1, /unknown function 'frobnicate'/],
    ['email.frobnicate()', 7, /unknown method 'frobnicate'/],
    ['md5(a, b)', 1, /'md5' takes 1 argument, got 2/],
    ['{1, 2}', 1, /sets are not supported/],
    ["f'{email}'", 1, /f-strings/],
    ['lambda x: x', 1, /lambda is not supported/],
    ['set(tags)', 1, /JSON has no sets/],
    ['randint(3)', 1, /unrepeatable/],
    ['', 1, /empty/],
    ["'\\q'", 2, /unknown escape/],
  ])('%s → column %i', (source, column, message) => {
    const error = syntaxError(source);
    expect(error.context).toMatchObject({ stream: 'tickets', field: 'email_hash', column, reason: 'syntax' });
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`column ${column}`);
    expect(error.describe()).toContain("stream 'tickets', field 'email_hash'");
  });

  it('reports a missing stream_map_config entry at compile time', () => {
    expect(() =>
      compileExpression(parseExpression("md5(config['nope'] + email)", site), {
        site,
        config,
        pseudonymizeKey: undefined,
      }),
    ).toThrow(/config\["nope"\] is not set in stream_map_config/);
  });

  it('checks a constant hmac key at compile time', () => {
    expect(() =>
      compileExpression(parseExpression("hmac_sha256(email, 'short')", site), {
        site,
        config,
        pseudonymizeKey: undefined,
      }),
    ).toThrow(/at least 16 bytes/);
  });
});

describe('references', () => {
  it('finds the path a bare property reference reads', () => {
    const path = (source: string) => referencePath(parseExpression(source, site));
    expect(path('email')).toEqual(['email']);
    expect(path("record['requester']['email']")).toEqual(['requester', 'email']);
    expect(path('_.requester.email')).toEqual(['requester', 'email']);
    expect(path('md5(email)')).toBeUndefined();
    expect(path("config['x']")).toBeUndefined();
  });

  it('lists the top-level properties an expression reads', () => {
    const reads = (source: string) => readProperties(parseExpression(source, site), 'out');
    expect(reads("md5(config['seed'] + id)")).toEqual(new Set(['id']));
    expect(reads('requester.email + name')).toEqual(new Set(['requester', 'name']));
    expect(reads('upper(self)')).toEqual(new Set(['out']));
    expect(reads('len(record)')).toBe('all');
  });
});

describe('type inference', () => {
  const source: JSONSchema = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      email: { type: ['string', 'null'], format: 'email' },
      score: { type: 'number' },
      requester: { type: 'object', properties: { id: { type: 'integer' } } },
    },
  };
  const infer = (expression: string): JSONSchema =>
    inferSchema(parseExpression(expression, site), { source, self: undefined, config });

  it.each([
    ['md5(id)', { type: ['string', 'null'] }],
    ['hmac_sha256(id)', { type: ['string', 'null'] }],
    ['str(id)', { type: ['string', 'null'] }],
    ['lower(email)', { type: ['string', 'null'] }],
    ['int(email)', { type: ['integer', 'null'] }],
    ['len(email)', { type: ['integer', 'null'] }],
    ['float(id)', { type: ['number', 'null'] }],
    ['id > 3', { type: 'boolean' }],
    ["'a' in email", { type: 'boolean' }],
    ['bool(email)', { type: 'boolean' }],
    ['id', { type: ['integer', 'null'] }],
    ['email', { type: ['string', 'null'], format: 'email' }],
    ['requester.id', { type: ['integer', 'null'] }],
    ['id + 1', { type: ['integer', 'null'] }],
    ['id + score', { type: ['number', 'null'] }],
    ["email + 'x'", { type: ['string', 'null'] }],
    ["'literal'", { type: ['string', 'null'] }],
    ["config['seed']", { type: ['string', 'null'] }],
    ['unknown_property', {}],
  ])('%s', (expression, expected) => {
    expect(infer(expression)).toEqual(expected);
  });
});

describe('the larger evaluator stays a bounded whitelist', () => {
  it.each([
    ["'ab' * 100000", /longer than 100000/],
    ['2 ** 5000000', /limited to operands/],
    [
      '[x for x in tags for y in tags for z in tags for w in tags for v in tags for u in tags for t in tags for s in tags for r in tags for q in tags for p in tags for o in tags for n in tags for m in tags]',
      /at most 10000 items/,
    ],
    ['name.constructor', /cannot read 'constructor' of a string/],
    ["record.get('__proto__')", null],
  ])('%s', (source, expected) => {
    if (expected === null) expect(evaluate(source, user)).toBeNull();
    else expect(() => evaluate(source, user)).toThrow(expected);
  });

  it('refuses names starting with _ after a dot, and methods outside the whitelist', () => {
    expect(() => parseExpression('name.__class__', site)).toThrow(/names starting with '_'/);
    expect(() => parseExpression("name.format('x')", site)).toThrow(/unknown method 'format'/);
  });

  it.each([
    ["name if age > 30 else 'young'", 'Ada'],
    ["[t.upper() for t in tags if t != 'beta']", ['VIP']],
    ["{k: v for k, v in requester.items() if k == 'email'}", { email: 'r@example.com' }],
    ["' a b '.split()", ['a', 'b']],
    ["'a,b,c'.split(',', 1)", ['a', 'b,c']],
    ["'-'.join(tags)", 'vip-beta'],
    ['name[::-1]', 'adA'],
    ['-7 // 2', -4],
    [
      "datetime.date(2024, 2, 28) + datetime.timedelta(days=1) == datetime.date.fromisoformat('2024-02-29')",
      true,
    ],
    ["json.dumps({'b': [1, 'é']}, sort_keys=True)", '{"b": [1, "\\u00e9"]}'],
    ['nothing.split()', null],
    ['[x for x in nothing]', null],
  ])('%s', (source, expected) => {
    expect(evaluate(source, user)).toEqual(expected);
  });
});
