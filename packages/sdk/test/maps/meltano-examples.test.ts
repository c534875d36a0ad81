/**
 * The examples of the Meltano SDK's stream-maps documentation and its mapper tests, with streams
 * written by hand from them; expected records and schemas are Meltano's (its snapshots), except
 * where docs/pseudonymization.md lists a deliberate difference.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MapperError } from '../../src/errors.js';
import { createStreamMapper, type MapperConfig } from '../../src/maps/index.js';
import type { RecordMessage, SchemaMessage } from '../../src/protocol/messages.js';
import { I, mystream, people, S } from './meltano-stream.js';

type Row = Record<string, unknown>;
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function schemaMessage(stream: string, properties: Row, extra: Partial<SchemaMessage> = {}): SchemaMessage {
  return {
    type: 'SCHEMA',
    stream,
    key_properties: [],
    schema: { type: 'object', properties: properties as never },
    ...extra,
  };
}

/** Runs a stream's SCHEMA and records through a mapper; returns the output per stream. */
function run(config: MapperConfig, schema: SchemaMessage, records: Row[]) {
  const mapper = createStreamMapper(config);
  const schemas = new Map(mapper.mapSchema(schema).map((m) => [m.stream, m] as const));
  const out: Record<string, Row[]> = {};
  for (const name of schemas.keys()) out[name] = [];
  for (const record of records) {
    const message: RecordMessage = { type: 'RECORD', stream: schema.stream, record };
    for (const mapped of mapper.mapRecord(message)) out[mapped.stream]!.push(mapped.record);
  }
  return { schemas, records: out };
}

describe('1. __alias__ is an expression', () => {
  const users = schemaMessage('users', { id: { type: 'integer' } }, { key_properties: ['id'] });
  const orders = schemaMessage('orders', { oid: { type: 'string' } }, { key_properties: ['oid'] });

  it("sends each stream a glob matches to its own name: '*': __stream_name__ + '_v2' (the docs' example)", () => {
    const mapper = createStreamMapper({ stream_maps: { '*': { __alias__: "__stream_name__ + '_v2'" } } });
    expect(mapper.mapSchema(users).map((m) => m.stream)).toEqual(['users_v2']);
    expect(mapper.mapSchema(orders).map((m) => m.stream)).toEqual(['orders_v2']);
    const [record] = mapper.mapRecord({ type: 'RECORD', stream: 'orders', record: { oid: 'a' } });
    expect(record).toMatchObject({ stream: 'orders_v2', record: { oid: 'a' } });
  });

  it.each([
    ["'aliased'", 'aliased'],
    ["'__stream_name__'", '__stream_name__'],
    ["'aliased_' + __stream_name__", 'aliased_mystream'],
    ['__stream_name__.upper()', 'MYSTREAM'],
    ['aliased_stream', 'aliased_stream'],
    ['aliased.stream', 'aliased.stream'],
    ['public-users', 'public-users'],
    ['2024 orders', '2024 orders'],
    ['2024', '2024'],
  ])('%s names the stream %s (quoted literals are their text; unknown names and non-expressions literal)', (alias, expected) => {
    const { schemas, records } = run({ stream_maps: { mystream: { __alias__: alias } } }, mystream, people);
    expect([...schemas.keys()]).toEqual([expected]);
    expect(records[expected]).toEqual(people);
  });

  it('refuses an alias expression that fails, naming the map', () => {
    expect(() =>
      createStreamMapper({ stream_maps: { mystream: { __alias__: '__stream_name__ + 1' } } }),
    ).toThrow(/__alias__.*stream_maps\.mystream/);
  });
});

describe('2. built-in names', () => {
  it('__stream_name__ and __original_stream_name__ without an alias are both the stream name', () => {
    const { schemas, records } = run(
      {
        stream_maps: {
          mystream: { stream_name: '__stream_name__', original_stream_name: '__original_stream_name__' },
        },
      },
      mystream,
      people,
    );
    expect(records.mystream!.map((r) => [r.stream_name, r.original_stream_name])).toEqual([
      ['mystream', 'mystream'],
      ['mystream', 'mystream'],
    ]);
    expect(schemas.get('mystream')!.schema.properties).toMatchObject({
      stream_name: S,
      original_stream_name: S,
    });
  });

  it('with an alias, __stream_name__ is the alias and __original_stream_name__ the input stream', () => {
    const { records } = run(
      {
        stream_maps: {
          mystream: {
            __alias__: "'aliased'",
            stream_name: '__stream_name__',
            original_stream_name: '__original_stream_name__',
          },
        },
      },
      mystream,
      people.slice(0, 1),
    );
    expect(records.aliased).toEqual([
      { ...people[0], stream_name: 'aliased', original_stream_name: 'mystream' },
    ]);
  });

  it('a __source__ copy sees its own name as __stream_name__', () => {
    const { records } = run(
      {
        stream_maps: {
          copy: { __source__: 'mystream', src: '__stream_name__', orig: '__original_stream_name__' },
        },
      },
      mystream,
      people.slice(0, 1),
    );
    expect(records.copy![0]).toMatchObject({ src: 'copy', orig: 'mystream' });
  });

  it('an unknown name fails when the stream starts, naming the stream, the property and the name', () => {
    const mapper = createStreamMapper({ stream_maps: { mystream: { src: '__stream_nam__ + emial' } } });
    let error: unknown;
    try {
      mapper.mapSchema(mystream);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MapperError);
    const mapperError = error as MapperError;
    expect(mapperError.context).toMatchObject({ stream: 'mystream', field: 'src', name: '__stream_nam__' });
    expect(mapperError.describe()).toMatch(/stream 'mystream'.*field 'src'/);
    expect(mapperError.message).toMatch(
      /'__stream_nam__' is neither a property of stream 'mystream' nor a built-in/,
    );
  });

  it('an unknown name in __filter__ fails too, and record.get() reads an undeclared property', () => {
    expect(() =>
      createStreamMapper({ stream_maps: { mystream: { __filter__: 'nope > 1' } } }).mapSchema(mystream),
    ).toThrow(/'nope' is neither a property/);
    const { records } = run(
      { stream_maps: { mystream: { extra: "record.get('nope', 'none')" } } },
      mystream,
      [{ email: 'x@example.com' }],
    );
    expect(records.mystream).toEqual([{ email: 'x@example.com', extra: 'none' }]);
  });
});

describe('3. "_data": "record"', () => {
  it('puts the whole record in one property typed like the stream, allowing null (Meltano record_to_column)', () => {
    const { schemas, records } = run(
      { stream_maps: { mystream: { _data: 'record', __else__: null } } },
      mystream,
      people,
    );
    const data = schemas.get('mystream')!.schema.properties!._data!;
    expect(data.type).toEqual(['object', 'null']);
    expect(data.properties).toEqual(mystream.schema.properties);
    expect(records.mystream).toEqual(people.map((person) => ({ _data: person })));
  });
});

describe("4. expressions from Meltano's docs and tests", () => {
  const repositories = schemaMessage('repositories', {
    name: S,
    owner_email: S,
    description: S,
    create_date: S,
  });
  const repos = [
    {
      name: 'tap-something',
      owner_email: 'sample1@example.com',
      description: 'Comment A',
      create_date: '2019-01-01',
    },
    {
      name: 'my-tap-something',
      owner_email: 'sample2@example.com',
      description: 'Comment B',
      create_date: '2020-01-01',
    },
    {
      name: 'target-something',
      owner_email: 'sample3@example.com',
      description: 'Comment C',
      create_date: '2021-01-01',
    },
    {
      name: 'not-atap',
      owner_email: 'sample4@example.com',
      description: 'Comment D',
      create_date: '2022-01-01',
    },
  ];
  const seed = 'super_secret_hash_seed';

  it('maps the repositories stream as Meltano test_map_transforms does: split, md5, literals, str(), int(), datetime.date', () => {
    const { schemas, records } = run(
      {
        stream_maps: {
          repositories: {
            repo_name: "_['name']",
            email_domain: "owner_email.split('@')[1]",
            email_hash: "md5(config['hash_seed'] + owner_email)",
            description: "'[masked]'",
            description2: "str('[masked]')",
            create_year: 'int(datetime.date.fromisoformat(create_date).year)',
            int_test: "int('0')",
            __else__: null,
          },
        },
        stream_map_config: { hash_seed: seed },
      },
      repositories,
      repos,
    );
    expect(records.repositories).toEqual(
      repos.map((repo) => ({
        repo_name: repo.name,
        email_domain: 'example.com',
        email_hash: md5(seed + repo.owner_email),
        description: '[masked]',
        description2: '[masked]',
        create_year: Number(repo.create_date.slice(0, 4)),
        int_test: 0,
      })),
    );
    expect(schemas.get('repositories')!.schema.properties).toEqual({
      repo_name: S,
      email_domain: S,
      email_hash: S,
      description: S,
      description2: S,
      create_year: I,
      int_test: I,
    });
  });

  it("the docs' first example: email_domain from owner_email.split('@')[-1]", () => {
    const customers = schemaMessage('customers', { email: S, owner_email: S });
    const { records } = run(
      {
        stream_maps: {
          customers: {
            email: null,
            email_domain: "owner_email.split('@')[-1]",
            email_hash: "md5(config['hash_seed'] + owner_email)",
          },
        },
        stream_map_config: { hash_seed: '01AWZh7A6DzGm6iJZZ2T' },
      },
      customers,
      [{ email: 'a@b.c', owner_email: 'ada@example.org' }],
    );
    expect(records.customers).toEqual([
      {
        owner_email: 'ada@example.org',
        email_domain: 'example.org',
        email_hash: md5('01AWZh7A6DzGm6iJZZ2Tada@example.org'),
      },
    ]);
  });

  it('dict() over a comprehension, .get() and conditional expressions (nested_jellybean)', () => {
    const jellybean = schemaMessage('nested_jellybean', {
      id: I,
      custom_fields: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          properties: { id: I, value: { oneOf: [S, I, { type: ['boolean', 'null'] }] } },
        },
      },
    });
    const pairs = 'dict([(x["id"], x["value"]) for x in custom_fields])';
    const { schemas, records } = run(
      {
        stream_maps: {
          nested_jellybean: {
            custom_fields: '__NULL__',
            custom_field_1: `${pairs}.get(1)`,
            custom_field_2: `int(${pairs}.get(2)) if ${pairs}.get(2) else None`,
            custom_field_3: `bool(${pairs}.get(3)) if ${pairs}.get(3) else None`,
          },
        },
      },
      jellybean,
      [
        {
          id: 123,
          custom_fields: [
            { id: 1, value: 'abc' },
            { id: 2, value: 1212 },
            { id: 3, value: null },
          ],
        },
        {
          id: 124,
          custom_fields: [
            { id: 1, value: 'foo' },
            { id: 2, value: 9009 },
            { id: 3, value: true },
          ],
        },
      ],
    );
    expect(records.nested_jellybean).toEqual([
      { id: 123, custom_field_1: 'abc', custom_field_2: 1212, custom_field_3: null },
      { id: 124, custom_field_1: 'foo', custom_field_2: 9009, custom_field_3: true },
    ]);
    const properties = schemas.get('nested_jellybean')!.schema.properties!;
    expect(properties.custom_field_2).toEqual(I);
    expect(properties.custom_field_3!.type).toEqual(['boolean', 'null']);
  });

  it("a list comprehension that filters an array: [f for f in fields if f['key'] != 'age']", () => {
    const users = schemaMessage('users', { id: I, fields: { type: 'array', items: { type: 'object' } } });
    const { records } = run(
      { stream_maps: { users: { id: 'id', fields: "[f for f in fields if f['key'] != 'age']" } } },
      users,
      [
        {
          id: 1,
          fields: [
            { key: 'age', v: 3 },
            { key: 'name', v: 'x' },
          ],
        },
      ],
    );
    expect(records.users).toEqual([{ id: 1, fields: [{ key: 'name', v: 'x' }] }]);
  });

  it('a dict comprehension, slicing, // and ** and a chained comparison', () => {
    const t = schemaMessage('t', { tags: { type: 'array', items: S }, n: I });
    const { records } = run(
      {
        stream_maps: {
          t: {
            by_tag: '{t: len(t) for t in tags}',
            first_two: 'tags[:2]',
            math: 'n // 4 + 2 ** 3',
            mid: '0 < n < 10',
          },
        },
      },
      t,
      [{ tags: ['ab', 'c', 'def'], n: 9 }],
    );
    expect(records.t).toEqual([
      {
        tags: ['ab', 'c', 'def'],
        n: 9,
        by_tag: { ab: 2, c: 1, def: 3 },
        first_two: ['ab', 'c'],
        math: 10,
        mid: true,
      },
    ]);
  });

  it('datetime: fromisoformat(...).date(), float(...timestamp()), config dates (Meltano dates snapshot)', () => {
    const { schemas, records } = run(
      {
        stream_maps: {
          mystream: {
            joined_date: 'datetime.datetime.fromisoformat(joined_at).date()',
            joined_timestamp: 'float(datetime.datetime.fromisoformat(joined_at).timestamp())',
            some_datetime: "datetime.datetime.fromisoformat(config['some_date_string'])",
          },
        },
        stream_map_config: { some_date_string: '2024-10-10T10:10:10Z' },
      },
      mystream,
      people,
    );
    expect(records.mystream![0]).toEqual({
      ...people[0],
      joined_date: '2022-01-01',
      joined_timestamp: 1640995200,
      some_datetime: '2024-10-10T10:10:10+00:00',
    });
    expect(schemas.get('mystream')!.schema.properties).toMatchObject({
      joined_date: { type: ['string', 'null'], format: 'date' },
      joined_timestamp: { type: ['number', 'null'] },
      some_datetime: { type: ['string', 'null'], format: 'date-time' },
    });
  });

  it('datetime arithmetic, strftime and strptime', () => {
    const { records } = run(
      {
        stream_maps: {
          mystream: {
            next_day:
              '(datetime.datetime.fromisoformat(joined_at) + datetime.timedelta(days=1, hours=2)).isoformat()',
            month: "datetime.datetime.strptime('31/01/2024 13:05', '%d/%m/%Y %H:%M').strftime('%Y-%m %I%p')",
            __else__: null,
          },
        },
      },
      mystream,
      people.slice(0, 1),
    );
    expect(records.mystream).toEqual([{ next_day: '2022-01-02T02:00:00+00:00', month: '2024-01 01PM' }]);
  });

  it('json.dumps(user, default=str) writes Python-style JSON text; json.loads reads it back', () => {
    const { schemas, records } = run(
      {
        stream_maps: {
          mystream: { user: 'json.dumps(user, default=str)', back: 'json.loads(json.dumps(user))' },
        },
      },
      mystream,
      people.slice(0, 1),
    );
    expect(records.mystream![0]!.user).toBe(
      '{"id": 1, "sub": {"num": 1, "custom_obj": "obj-hello"}, "some_numbers": [3.14, 2.718]}',
    );
    expect(records.mystream![0]!.back).toEqual(people[0]!.user);
    expect(schemas.get('mystream')!.schema.properties!.user).toEqual(S);
  });

  it("filters with __filter__: 'tap-' in name or 'target-' in name (Meltano filter test)", () => {
    const { records } = run(
      {
        stream_maps: {
          repositories: {
            __filter__: "'tap-' in name or 'target-' in name",
            name: "_['name']",
            __else__: null,
          },
          __else__: null,
        },
      },
      repositories,
      repos,
    );
    expect(records.repositories).toEqual([
      { name: 'tap-something' },
      { name: 'my-tap-something' },
      { name: 'target-something' },
    ]);
  });

  it('an expression that does not parse fails at start-up (Meltano: "this should raise an er!ror")', () => {
    expect(() =>
      createStreamMapper({ stream_maps: { repositories: { __filter__: 'this should raise an er!ror' } } }),
    ).toThrow(/syntax error/);
  });

  it('a literal in double quotes is its text (docs: a_new_field: "\\"client-123\\"")', () => {
    const { records } = run(
      { stream_maps: { repositories: { a_new_field: '"client-123"' } } },
      repositories,
      repos.slice(0, 1),
    );
    expect(records.repositories![0]!.a_new_field).toBe('client-123');
  });
});

describe('5. fake (Faker), seeded by faker_config', () => {
  const config = (seed: unknown): MapperConfig => ({
    stream_maps: { mystream: { cc: 'fake.credit_card_number()', who: 'fake.first_name()', __else__: null } },
    faker_config: { locale: 'en_US', seed },
  });

  it('gives the same values for the same seed, run after run, and other values for another seed', () => {
    const first = run(config(123456), mystream, people).records.mystream!;
    const again = run(config(123456), mystream, people).records.mystream!;
    const other = run(config(7), mystream, people).records.mystream!;
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    for (const row of first) {
      expect(row.cc).toMatch(/^[\d-]{12,}$/);
      expect(typeof row.who).toBe('string');
    }
  });

  it('masks consistently with fake.seed_instance(email) or fake.email() (the docs example)', () => {
    const mapped = run(
      {
        stream_maps: { mystream: { email: 'fake.seed_instance(email) or fake.email()', __else__: null } },
        faker_config: { locale: ['en_US', 'en_GB'] },
      },
      mystream,
      [people[0]!, people[1]!, people[0]!],
    ).records.mystream!;
    expect(mapped[0]!.email).toMatch(/@/);
    expect(mapped[0]!.email).not.toBe(people[0]!.email);
    expect(mapped[2]).toEqual(mapped[0]);
    expect(mapped[1]).not.toEqual(mapped[0]);
  });

  it('refuses a provider faker cannot serve and an unknown locale at start-up', () => {
    expect(() =>
      createStreamMapper({ stream_maps: { s: { x: 'fake.ssn()' } } }).mapSchema(schemaMessage('s', {})),
    ).toThrow(/fake\.ssn\(\) is not available/);
    expect(() =>
      createStreamMapper({ stream_maps: { s: { x: 'fake.name()' } }, faker_config: { locale: 'xx_YY' } }),
    ).toThrow(/'xx_YY'/);
  });
});
