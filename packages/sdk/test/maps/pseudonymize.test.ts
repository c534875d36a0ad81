import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MapperError } from '../../src/errors.js';
import { ExactNumber } from '../../src/json/lossless-json.js';
import { createStreamMapper } from '../../src/maps/index.js';
import { hmacSha256, md5, pseudonymize, sha256 } from '../../src/maps/pseudonymize.js';
import type { RecordMessage, SchemaMessage } from '../../src/protocol/messages.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';

const KEY = 'k'.repeat(16);
const OTHER_KEY = 'another-secret-key-32-bytes-long';

function schema(stream: string, properties: Record<string, JSONSchema>): SchemaMessage {
  return { type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: ['id'] };
}

function record(stream: string, values: Record<string, unknown>): RecordMessage {
  return { type: 'RECORD', stream, record: values };
}

describe('pseudonymize', () => {
  it('is the keyed HMAC-SHA256 of the value, as hex', () => {
    const expected = createHmac('sha256', KEY).update('ada@example.com').digest('hex');
    expect(pseudonymize('ada@example.com', KEY)).toBe(expected);
    expect(hmacSha256('ada@example.com', Buffer.from(KEY))).toBe(expected);
  });

  it('is deterministic for the same key and changes when the key rotates', () => {
    expect(pseudonymize('ada@example.com', KEY)).toBe(pseudonymize('ada@example.com', KEY));
    expect(pseudonymize('ada@example.com', OTHER_KEY)).not.toBe(pseudonymize('ada@example.com', KEY));
  });

  it('refuses to hash without a key of at least 16 bytes', () => {
    expect(() => pseudonymize('ada@example.com', '')).toThrow(MapperError);
    expect(() => pseudonymize('ada@example.com', 'short-key')).toThrow(/at least 16 bytes/);
    // Bytes, not characters: eight two-byte characters are enough.
    expect(pseudonymize('x', 'éééééééé')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps null as null and hashes numbers by their exact text', () => {
    expect(pseudonymize(null, KEY)).toBeNull();
    expect(pseudonymize(undefined, KEY)).toBeNull();
    expect(pseudonymize(42, KEY)).toBe(pseudonymize('42', KEY));
    expect(pseudonymize(new ExactNumber('42'), KEY)).toBe(pseudonymize('42', KEY));
    expect(pseudonymize(new ExactNumber('12345678901234567890'), KEY)).toBe(
      pseudonymize('12345678901234567890', KEY),
    );
    expect(pseudonymize(12345678901234567890n, KEY)).toBe(pseudonymize('12345678901234567890', KEY));
    expect(pseudonymize(true, KEY)).toBe(pseudonymize('true', KEY));
  });

  it('refuses objects and arrays, whose text depends on key order', () => {
    expect(() => pseudonymize({ email: 'a' }, KEY)).toThrow(/cannot hash an object/);
    expect(() => md5(['a'])).toThrow(/cannot hash an array/);
  });
});

describe('md5 and sha256', () => {
  it('give the standard hex digests', () => {
    expect(md5('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(md5(null)).toBeNull();
    expect(sha256(7)).toBe(sha256('7'));
  });
});

describe('the pseudonymize setting', () => {
  it('hashing the same email in two streams yields equal values', () => {
    const mapper = createStreamMapper({
      pseudonymize: { tickets: ['requester.email'], users: ['email'] },
      pseudonymize_key: KEY,
    });
    mapper.mapSchema(
      schema('tickets', {
        id: { type: 'integer' },
        requester: { type: 'object', properties: { email: { type: 'string' } } },
      }),
    );
    mapper.mapSchema(schema('users', { id: { type: 'integer' }, email: { type: 'string' } }));
    const [ticket] = mapper.mapRecord(record('tickets', { id: 1, requester: { email: 'ada@example.com' } }));
    const [user] = mapper.mapRecord(record('users', { id: 7, email: 'ada@example.com' }));
    const ticketEmail = (ticket!.record.requester as { email: string }).email;
    expect(ticketEmail).toBe(user!.record.email);
    expect(ticketEmail).toBe(pseudonymize('ada@example.com', KEY));
  });

  it('key rotation changes the hashes', () => {
    const hashWith = (key: string): unknown => {
      const mapper = createStreamMapper({ pseudonymize: { users: ['email'] }, pseudonymize_key: key });
      mapper.mapSchema(schema('users', { id: { type: 'integer' }, email: { type: 'string' } }));
      return mapper.mapRecord(record('users', { id: 7, email: 'ada@example.com' }))[0]!.record.email;
    };
    expect(hashWith(KEY)).toBe(hashWith(KEY));
    expect(hashWith(OTHER_KEY)).not.toBe(hashWith(KEY));
  });

  it('fails at construction when pseudonymize is set without a long enough key', () => {
    expect(() => createStreamMapper({ pseudonymize: { users: ['email'] } })).toThrow(/pseudonymize_key/);
    expect(() =>
      createStreamMapper({ pseudonymize: { users: ['email'] }, pseudonymize_key: 'short' }),
    ).toThrow(/at least 16 bytes/);
    expect(() => createStreamMapper({ stream_maps: { users: { email: 'hmac_sha256(email)' } } })).toThrow(
      /pseudonymize_key/,
    );
  });

  it('gives the same hash through hmac_sha256() in a stream map', () => {
    const mapper = createStreamMapper({
      stream_maps: { users: { email: 'hmac_sha256(email)' } },
      pseudonymize_key: KEY,
    });
    mapper.mapSchema(schema('users', { id: { type: 'integer' }, email: { type: 'string' } }));
    const [user] = mapper.mapRecord(record('users', { id: 7, email: 'ada@example.com' }));
    expect(user!.record.email).toBe(pseudonymize('ada@example.com', KEY));
  });
});
