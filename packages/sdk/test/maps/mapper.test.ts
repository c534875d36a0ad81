import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { MapperError, RecordBeforeSchemaError } from '../../src/errors.js';
import { Logger } from '../../src/logging.js';
import {
  createStreamMapper,
  type MapperConfig,
  mapperSettingsSchema,
  pseudonymize,
} from '../../src/maps/index.js';
import type { RecordMessage, SchemaMessage } from '../../src/protocol/messages.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';

type Row = Record<string, unknown>;

const KEY = 'mapper-test-key-0123456789';

const ticketsSchema: SchemaMessage = {
  type: 'SCHEMA',
  stream: 'tickets',
  key_properties: ['id'],
  bookmark_properties: ['updated_at'],
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      subject: { type: ['string', 'null'] },
      status: { type: 'string', enum: ['new', 'open', 'closed'] },
      updated_at: { type: 'string', format: 'date-time' },
      requester: {
        type: ['object', 'null'],
        properties: {
          id: { type: 'integer' },
          email: { type: ['string', 'null'] },
          name: { type: ['string', 'null'] },
        },
      },
      comments: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            body: { type: 'string' },
            author: { type: 'object', properties: { email: { type: 'string' }, phone: { type: 'string' } } },
          },
        },
      },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['id'],
  },
};

function ticket(id: number, overrides: Record<string, unknown> = {}): RecordMessage {
  return {
    type: 'RECORD',
    stream: 'tickets',
    time_extracted: '2024-05-01T00:00:00Z',
    record: {
      id,
      subject: `Ticket ${id}`,
      status: id % 2 === 0 ? 'open' : 'closed',
      updated_at: '2024-05-01T10:00:00Z',
      requester: { id: 100 + id, email: `user${id}@example.com`, name: `User ${id}`, ssn: '123-45-6789' },
      comments: [
        { body: 'hi', author: { email: `user${id}@example.com`, phone: '555-0100' } },
        { body: 'hello', author: { email: 'agent@example.com', phone: '555-0199' } },
      ],
      tags: ['a', 'b'],
      ...overrides,
    },
  };
}

function schemaOf(stream: string, properties: Record<string, JSONSchema>, keys = ['id']): SchemaMessage {
  return { type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: keys };
}

function mapperFor(config: MapperConfig, logger?: Logger) {
  const mapper = createStreamMapper({ pseudonymize_key: KEY, ...config }, { logger });
  return { mapper, schemas: mapper.mapSchema(ticketsSchema) };
}

/** Validates with a fresh ajv, as a target would: the mapped schema must accept the mapped record. */
function expectValid(schema: SchemaMessage, records: RecordMessage[]): void {
  const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema.schema);
  for (const message of records) {
    expect(message.stream).toBe(schema.stream);
    const ok = validate(message.record);
    expect(ok, JSON.stringify(validate.errors)).toBe(true);
  }
}

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new Logger({ name: 'test', sink: (line) => lines.push(line) }), lines };
}

describe('createStreamMapper', () => {
  it('passes streams without maps through as the same objects', () => {
    const { mapper, schemas } = mapperFor({ stream_maps: { users: { email: null } } });
    expect(schemas).toEqual([ticketsSchema]);
    expect(schemas[0]).toBe(ticketsSchema);
    const message = ticket(1);
    const [out] = mapper.mapRecord(message);
    expect(out).toBe(message);
    expect(mapper.passesThrough('tickets')).toBe(true);
    expect(mapper.passesThrough('users')).toBe(false);
  });

  it('is an identity when the config maps nothing', () => {
    const mapper = createStreamMapper({ tap_setting: 'x', stream_maps: {}, pseudonymize: {} });
    expect(mapper.isIdentity).toBe(true);
    const message = ticket(1);
    expect(mapper.mapRecord(message)[0]).toBe(message);
  });

  it('does not modify the input record', () => {
    const { mapper } = mapperFor({
      pseudonymize: { tickets: ['requester.email', 'comments.author.email'] },
      drop: { tickets: ['tags'] },
      stream_maps: { tickets: { subject: 'upper(subject)', 'requester.name': null } },
    });
    const message = ticket(1);
    const before = structuredClone(message);
    mapper.mapRecord(message);
    expect(message).toEqual(before);
  });

  it('exports a settings schema with a secret key', () => {
    expect(Object.keys(mapperSettingsSchema.properties ?? {})).toEqual([
      'pseudonymize',
      'nullify',
      'drop',
      'pseudonymize_key',
      'stream_maps',
      'stream_map_config',
      'faker_config',
      'flattening_enabled',
      'flattening_max_depth',
      'flattening_separator',
      'flattening_max_key_length',
    ]);
    expect(mapperSettingsSchema.properties?.pseudonymize_key?.secret).toBe(true);
  });
});

describe('pseudonymize, nullify and drop', () => {
  it('applies to nested properties by dotted path, through arrays', () => {
    const { mapper, schemas } = mapperFor({
      pseudonymize: { tickets: ['requester.email', 'comments.author.email', 'tags'] },
      nullify: { tickets: ['requester.name'] },
      drop: { tickets: ['comments.author.phone', 'subject'] },
    });
    const records = [ticket(1), ticket(2, { requester: null }), ticket(3, { comments: [] })].flatMap((m) =>
      mapper.mapRecord(m),
    );
    const first = records[0]!.record as Row;
    expect(first.requester).toEqual({
      id: 101,
      email: pseudonymize('user1@example.com', KEY),
      name: null,
      ssn: '123-45-6789',
    });
    expect(first.comments).toEqual([
      { body: 'hi', author: { email: pseudonymize('user1@example.com', KEY) } },
      { body: 'hello', author: { email: pseudonymize('agent@example.com', KEY) } },
    ]);
    expect(first.tags).toEqual([pseudonymize('a', KEY), pseudonymize('b', KEY)]);
    expect(first).not.toHaveProperty('subject');
    expect(records[1]!.record.requester).toBeNull();
    const schema = schemas[0]!;
    expect(schema.schema.properties).not.toHaveProperty('subject');
    expect(schema.schema.properties?.comments?.items).toMatchObject({
      properties: { author: { properties: { email: { type: ['string', 'null'] } } } },
    });
    expect(
      (schema.schema.properties?.comments?.items as JSONSchema).properties?.author?.properties,
    ).not.toHaveProperty('phone');
    expectValid(schema, records);
  });

  it('turns a hashed integer key into a string key', () => {
    const { mapper, schemas } = mapperFor({ pseudonymize: { tickets: ['id'] } });
    expect(schemas[0]!.key_properties).toEqual(['id']);
    expect(schemas[0]!.schema.properties?.id).toEqual({ type: ['string', 'null'] });
    const records = mapper.mapRecord(ticket(5));
    expect(records[0]!.record.id).toBe(pseudonymize('5', KEY));
    expectValid(schemas[0]!, records);
  });

  it('applies glob stream names to every stream that has the property', () => {
    const mapper = createStreamMapper({ pseudonymize: { '*': ['email'] }, pseudonymize_key: KEY });
    const [users] = mapper.mapSchema(
      schemaOf('users', { id: { type: 'integer' }, email: { type: 'string' } }),
    );
    const [orgs] = mapper.mapSchema(schemaOf('orgs', { id: { type: 'integer' }, name: { type: 'string' } }));
    expect(users!.schema.properties?.email).toEqual({ type: ['string', 'null'] });
    expect(orgs!.schema.properties).toEqual({ id: { type: 'integer' }, name: { type: 'string' } });
    const [user] = mapper.mapRecord({ type: 'RECORD', stream: 'users', record: { id: 1, email: 'a@b.c' } });
    expect(user!.record.email).toBe(pseudonymize('a@b.c', KEY));
  });

  it('refuses a path the schema does not declare, so a typo cannot leak PII', () => {
    const mapper = createStreamMapper({
      pseudonymize: { tickets: ['requester.emial'] },
      pseudonymize_key: KEY,
    });
    expect(() => mapper.mapSchema(ticketsSchema)).toThrow(/'requester.emial'.*does not declare/);
  });

  it('refuses to hash a whole object and to drop a key property', () => {
    expect(() =>
      createStreamMapper({ pseudonymize: { tickets: ['requester'] }, pseudonymize_key: KEY }).mapSchema(
        ticketsSchema,
      ),
    ).toThrow(/it is an object/);
    expect(() => createStreamMapper({ drop: { tickets: ['id'] } }).mapSchema(ticketsSchema)).toThrow(
      /cannot remove the key property 'id'/,
    );
    expect(() =>
      createStreamMapper({ drop: { tickets: ['subject'] }, nullify: { tickets: ['subject'] } }).mapSchema(
        ticketsSchema,
      ),
    ).toThrow(/both/);
  });

  it('is applied before stream maps, so copies never see raw values', () => {
    const { mapper, schemas } = mapperFor({
      pseudonymize: { tickets: ['requester.email'] },
      stream_maps: { tickets_copy: { __source__: 'tickets', email: 'requester.email', __else__: null } },
    });
    expect(schemas.map((s) => s.stream)).toEqual(['tickets', 'tickets_copy']);
    const [original, copy] = mapper.mapRecord(ticket(1));
    const hashed = pseudonymize('user1@example.com', KEY);
    expect((original!.record.requester as Row).email).toBe(hashed);
    expect(copy!.record).toEqual({ id: 1, email: hashed });
  });
});

describe('stream_maps', () => {
  it('maps properties to expressions and rewrites the schema to match', () => {
    const { mapper, schemas } = mapperFor({
      stream_maps: {
        tickets: {
          subject: null,
          subject_length: 'len(subject)',
          status: 'upper(status)',
          is_open: "status == 'open'",
          requester_hash: "md5(config['seed'] + requester.email)",
          'requester.email': 'hmac_sha256(requester.email)',
          score: 'float(id) / 3',
        },
      },
      stream_map_config: { seed: 'pepper' },
    });
    const schema = schemas[0]!;
    expect(schema.schema.properties).toMatchObject({
      subject_length: { type: ['integer', 'null'] },
      status: { type: ['string', 'null'] },
      is_open: { type: 'boolean' },
      requester_hash: { type: ['string', 'null'] },
      score: { type: ['number', 'null'] },
    });
    expect(schema.schema.properties).not.toHaveProperty('subject');
    const records = [ticket(1), ticket(2), ticket(3, { requester: null, subject: null })].flatMap((m) =>
      mapper.mapRecord(m),
    );
    expect(records[1]!.record).toMatchObject({ status: 'OPEN', is_open: true, subject_length: 8 });
    expect((records[1]!.record.requester as Row).email).toBe(pseudonymize('user2@example.com', KEY));
    expect(records[2]!.record).toMatchObject({ requester_hash: null, subject_length: null });
    expectValid(schema, records);
  });

  it('renames a stream with __alias__ and removes one mapped to null', () => {
    const mapper = createStreamMapper({
      stream_maps: { tickets: { __alias__: 'support_tickets' }, users: null },
    });
    const [schema] = mapper.mapSchema(ticketsSchema);
    expect(schema).toEqual({ ...ticketsSchema, stream: 'support_tickets' });
    const message = ticket(1);
    const [out] = mapper.mapRecord(message);
    expect(out!.stream).toBe('support_tickets');
    expect(out!.record).toBe(message.record);
    expect(mapper.mapSchema(schemaOf('users', { id: { type: 'integer' } }))).toEqual([]);
    expect(mapper.mapRecord({ type: 'RECORD', stream: 'users', record: { id: 1 } })).toEqual([]);
    expect(mapper.mapActivateVersion({ type: 'ACTIVATE_VERSION', stream: 'tickets', version: 3 })).toEqual([
      { type: 'ACTIVATE_VERSION', stream: 'support_tickets', version: 3 },
    ]);
    expect(mapper.mapActivateVersion({ type: 'ACTIVATE_VERSION', stream: 'users', version: 3 })).toEqual([]);
  });

  it('duplicates a stream with __source__', () => {
    const { mapper, schemas } = mapperFor({
      stream_maps: {
        tickets: { requester: null },
        tickets_pii: { __source__: 'tickets', 'requester.email': 'requester.email', __else__: null },
      },
    });
    expect(schemas.map((s) => [s.stream, s.key_properties])).toEqual([
      ['tickets', ['id']],
      ['tickets_pii', ['id']],
    ]);
    const records = mapper.mapRecord(ticket(1));
    expect(records[0]!.record).not.toHaveProperty('requester');
    expect(records[1]!.record).toEqual({ id: 1, requester: { email: 'user1@example.com' } });
    expectValid(schemas[0]!, [records[0]!]);
    expectValid(schemas[1]!, [records[1]!]);
  });

  it('whitelisting removes unknown nested fields too', () => {
    const { mapper, schemas } = mapperFor({
      stream_maps: { tickets: { requester: 'requester', comments: 'comments', __else__: null } },
    });
    const [out] = mapper.mapRecord(ticket(1));
    // `ssn` is not in the schema: it does not travel although `requester` is listed.
    expect(out!.record).toEqual({
      id: 1,
      requester: { id: 101, email: 'user1@example.com', name: 'User 1' },
      comments: [
        { body: 'hi', author: { email: 'user1@example.com', phone: '555-0100' } },
        { body: 'hello', author: { email: 'agent@example.com', phone: '555-0199' } },
      ],
    });
    expect(Object.keys(schemas[0]!.schema.properties ?? {}).sort()).toEqual(['comments', 'id', 'requester']);
    expect(schemas[0]!.schema.required).toEqual(['id']);
    expect(schemas[0]!.bookmark_properties).toEqual([]);
    const extra = ticket(2, {
      comments: [{ body: 'x', secret: 'y', author: { email: 'a@b.c', phone: '1', address: 'z' } }],
    });
    expect(mapper.mapRecord(extra)[0]!.record.comments).toEqual([
      { body: 'x', author: { email: 'a@b.c', phone: '1' } },
    ]);
    expectValid(schemas[0]!, [out!]);
  });

  it('whitelists nested fields by dotted path', () => {
    const { mapper, schemas } = mapperFor({
      stream_maps: { tickets: { 'requester.id': 'requester.id', __else__: null } },
    });
    const records = [ticket(1), ticket(2, { requester: null })].flatMap((m) => mapper.mapRecord(m));
    expect(records.map((r) => r.record)).toEqual([{ id: 1, requester: { id: 101 } }, { id: 2 }]);
    expectValid(schemas[0]!, records);
  });

  it('updates key properties when a key is hashed or renamed', () => {
    const renamed = mapperFor({ stream_maps: { tickets: { id: null, ticket_id: 'id' } } });
    expect(renamed.schemas[0]!.key_properties).toEqual(['ticket_id']);
    expect(renamed.schemas[0]!.schema.properties?.ticket_id).toEqual({ type: ['integer', 'null'] });
    const hashed = mapperFor({
      stream_maps: { tickets: { id: null, id_hash: 'hmac_sha256(id)', __else__: null } },
    });
    expect(hashed.schemas[0]!.key_properties).toEqual(['id_hash']);
    expect(hashed.schemas[0]!.schema.properties).toEqual({ id_hash: { type: ['string', 'null'] } });
    const records = hashed.mapper.mapRecord(ticket(9));
    expect(records[0]!.record).toEqual({ id_hash: pseudonymize(9, KEY) });
    expectValid(hashed.schemas[0]!, records);
    const inPlace = mapperFor({ stream_maps: { tickets: { id: 'md5(id)' } } });
    expect(inPlace.schemas[0]!.key_properties).toEqual(['id']);
    expect(inPlace.schemas[0]!.schema.properties?.id).toEqual({ type: ['string', 'null'] });
  });

  it('honours __key_properties__ and refuses keys that are not in the mapped stream', () => {
    const cleared = mapperFor({ stream_maps: { tickets: { __key_properties__: null } } });
    expect(cleared.schemas[0]!.key_properties).toEqual([]);
    const replaced = mapperFor({ stream_maps: { tickets: { __key_properties__: ['status', 'id'] } } });
    expect(replaced.schemas[0]!.key_properties).toEqual(['status', 'id']);
    expect(() => mapperFor({ stream_maps: { tickets: { __key_properties__: ['nope'] } } })).toThrow(
      /key property 'nope' is not in the mapped stream/,
    );
    expect(() => mapperFor({ stream_maps: { tickets: { id: null } } })).toThrow(
      /key property 'id' is dropped; set '__key_properties__'/,
    );
  });

  it('filter drops records and counts them in METRIC', () => {
    const { logger, lines } = captureLogger();
    const { mapper } = mapperFor({ stream_maps: { tickets: { __filter__: "status == 'open'" } } }, logger);
    const out = [1, 2, 3, 4, 5].flatMap((id) => mapper.mapRecord(ticket(id)));
    expect(out.map((m) => m.record.id)).toEqual([2, 4]);
    mapper.flushMetrics();
    const metrics = lines
      .filter((line) => line.includes('METRIC: '))
      .map((line) => JSON.parse(line.split('METRIC: ')[1]!));
    expect(metrics).toEqual([
      { type: 'counter', metric: 'record_count', value: 3, tags: { stream: 'tickets', filtered: true } },
    ]);
    mapper.flushMetrics();
    expect(lines.filter((line) => line.includes('METRIC: '))).toHaveLength(1);
  });

  it('filters each copy separately and names the copy in the counter', () => {
    const { logger, lines } = captureLogger();
    const { mapper } = mapperFor(
      { stream_maps: { closed: { __source__: 'tickets', __filter__: "status == 'closed'" } } },
      logger,
    );
    const out = [1, 2, 3].flatMap((id) => mapper.mapRecord(ticket(id)));
    expect(out.map((m) => `${m.stream}:${m.record.id}`)).toEqual([
      'tickets:1',
      'closed:1',
      'tickets:2',
      'tickets:3',
      'closed:3',
    ]);
    mapper.flushMetrics();
    expect(lines.join('\n')).toContain('"value":1,"tags":{"stream":"closed","filtered":true}');
  });

  it('applies glob stream maps and a top-level __else__', () => {
    const mapper = createStreamMapper({
      stream_maps: { 'tick*': { subject: null }, users: {}, __else__: null },
    });
    expect(mapper.mapSchema(ticketsSchema)[0]!.schema.properties).not.toHaveProperty('subject');
    expect(mapper.mapSchema(schemaOf('users', { id: { type: 'integer' } }))).toHaveLength(1);
    expect(mapper.mapSchema(schemaOf('orgs', { id: { type: 'integer' } }))).toEqual([]);
  });

  it('maps BATCH only when records stay unchanged', () => {
    const batch = {
      type: 'BATCH' as const,
      stream: 'tickets',
      encoding: { format: 'jsonl' },
      manifest: ['f'],
    };
    const renamed = createStreamMapper({ stream_maps: { tickets: { __alias__: 't' } } });
    expect(renamed.mapBatch(batch)).toEqual([{ ...batch, stream: 't' }]);
    const hashing = createStreamMapper({ pseudonymize: { tickets: ['subject'] }, pseudonymize_key: KEY });
    expect(() => hashing.mapBatch(batch)).toThrow(/BATCH/);
  });
});

describe('failing early', () => {
  it.each([
    [{ stream_maps: { tickets: { email_hash: 'md5(email' } } }, /'email_hash' at column 10/],
    [{ stream_maps: { tickets: { __filter__: "status = 'open'" } } }, /'__filter__' at column 8/],
    [{ stream_maps: { tickets: { x: "md5(config['missing'])" } } }, /not set in stream_map_config/],
    [{ stream_maps: { tickets: { __else__: 'keep' } } }, /can only be null/],
    [{ stream_maps: { tickets: { __frobnicate__: 'x' } } }, /not a known stream map option/],
    [{ stream_maps: { tickets: { x: 5 } } }, /expression string or null/],
    [{ stream_maps: { tickets: 'yes' } }, /not supported/],
    [{ stream_maps: { __else__: {} } }, /can only be null/],
    [{ stream_maps: { t: { __alias__: 'a', __source__: 'b' } } }, /not both/],
    [{ pseudonymize: { tickets: 'email' }, pseudonymize_key: KEY }, /list of property names/],
    [{ pseudonymize_key: 12 }, /must be a string/],
  ] as [
    MapperConfig,
    RegExp,
  ][])('bad expressions and settings fail at construction: %j', (config, message) => {
    let error: unknown;
    try {
      createStreamMapper(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MapperError);
    expect((error as MapperError).message).toMatch(message);
    expect((error as MapperError).exitCode).toBe(2);
  });

  it('names the stream and property of a syntax error', () => {
    try {
      createStreamMapper({ stream_maps: { tickets: { email_hash: 'md5(email' } } });
      expect.unreachable();
    } catch (error) {
      expect((error as MapperError).context).toMatchObject({
        stream: 'tickets',
        field: 'email_hash',
        column: 10,
      });
    }
  });

  it('unknown streams in config fail before any record is read', () => {
    const mapper = createStreamMapper({
      stream_maps: { tickets: {}, copy: { __source__: 'tickets' }, 'user*': null },
      pseudonymize: { tikets: ['email'] },
      pseudonymize_key: KEY,
    });
    expect(() => mapper.checkStreams(['tickets', 'users'])).toThrow(
      /'pseudonymize' names the stream 'tikets'/,
    );
    const ok = createStreamMapper({
      stream_maps: { tickets: {}, copy: { __source__: 'tickets' }, 'x*': null },
    });
    expect(() => ok.checkStreams(['tickets'])).not.toThrow();
    const badSource = createStreamMapper({ stream_maps: { copy: { __source__: 'tickts' } } });
    expect(() => badSource.checkStreams(['tickets'])).toThrow(/__source__' names the stream 'tickts'/);
  });
});

describe('failing closed', () => {
  it('a record that fails in the mapper never passes through unmapped', () => {
    const { mapper } = mapperFor({ stream_maps: { tickets: { subject_number: 'int(subject)' } } });
    let error: unknown;
    let out: RecordMessage[] | undefined;
    try {
      out = mapper.mapRecord(ticket(1));
    } catch (caught) {
      error = caught;
    }
    expect(out).toBeUndefined();
    expect(error).toBeInstanceOf(MapperError);
    expect((error as MapperError).context).toMatchObject({ stream: 'tickets', field: 'subject_number' });
    expect((error as MapperError).message).toContain('the record was not passed on');
    expect((error as MapperError).message).not.toContain('Ticket 1');
  });

  it('refuses a value it cannot hash instead of passing it on', () => {
    const { mapper } = mapperFor({ pseudonymize: { tickets: ['requester.email'] } });
    expect(() => mapper.mapRecord(ticket(1, { requester: { email: { nested: 'x@y.z' } } }))).toThrow(
      /at 'requester.email'.*cannot hash an object/,
    );
  });

  it('refuses a mapped record before its schema', () => {
    const mapper = createStreamMapper({ pseudonymize: { tickets: ['subject'] }, pseudonymize_key: KEY });
    expect(() => mapper.mapRecord(ticket(1))).toThrow(RecordBeforeSchemaError);
  });

  it('keeps the key out of log lines', () => {
    const { logger, lines } = captureLogger();
    createStreamMapper({ pseudonymize_key: KEY }, { logger });
    logger.info(`oops ${KEY}`);
    expect(lines.join('\n')).not.toContain(KEY);
  });
});
