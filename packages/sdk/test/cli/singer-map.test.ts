import { createHash, createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SingerMap } from '../../src/index.js';
import { runConnector, runConnectorProcess } from '../../src/testing/index.js';
import { EventsTap } from '../fixtures/events-tap.js';

const KEY = 'a-key-of-at-least-16-bytes';
const hmac = (value: string) => createHmac('sha256', KEY).update(value).digest('hex');

const input = [
  {
    type: 'SCHEMA',
    stream: 'users',
    key_properties: ['id'],
    schema: {
      type: 'object',
      properties: { id: { type: 'integer' }, email: { type: 'string' }, name: { type: 'string' } },
    },
  },
  { type: 'RECORD', stream: 'users', record: { id: 1, email: 'ada@example.com', name: 'Ada' } },
  { type: 'STATE', value: { bookmarks: { users: { replication_key_value: 1 } } } },
] as const;

describe('singer-map', () => {
  it('pseudonymizes, drops and passes STATE through unchanged', async () => {
    const result = await runConnector(SingerMap, {
      config: { pseudonymize: { users: ['email'] }, drop: { users: ['name'] }, pseudonymize_key: KEY },
      input: input as never,
    });
    expect(result.exitCode).toBe(0);
    expect(result.records('users')).toEqual([{ id: 1, email: hmac('ada@example.com') }]);
    expect(result.schemas('users')[0]!.schema.properties).not.toHaveProperty('name');
    expect(result.states()).toEqual([{ bookmarks: { users: { replication_key_value: 1 } } }]);
  });

  it('fails before reading records when a hash is configured without a key, exit 2, key never printed', async () => {
    const result = await runConnector(SingerMap, {
      config: { pseudonymize: { users: ['email'] } },
      input: input as never,
    });
    expect(result.exitCode).toBe(2);
    expect(result.messages).toHaveLength(0);
    expect(result.stderr).toMatch(/pseudonymize_key/);
  });

  it('runs as a spawned bin between a tap and a target', async () => {
    const bin = fileURLToPath(new URL('../../bin/singer-map.js', import.meta.url));
    const result = await runConnectorProcess(bin, {
      config: { stream_maps: { users: { __alias__: 'people', email: 'md5(email)' } } },
      input: input as never,
    });
    expect(result.exitCode).toBe(0);
    const md5 = createHash('md5').update('ada@example.com').digest('hex');
    expect(result.records('people')).toEqual([{ id: 1, email: md5, name: 'Ada' }]);
    expect(result.records('users')).toEqual([]);
  });
});

describe('stream maps inside a tap', () => {
  it('applies pseudonymization in the tap and keeps joins working across streams', async () => {
    const result = await runConnector(EventsTap, {
      config: { count: 1, pseudonymize: { users: ['email'], events: ['name'] }, pseudonymize_key: KEY },
    });
    expect(result.exitCode).toBe(0);
    expect(result.records('users')[0]!.email).toBe(hmac('a@example.com'));
    expect(result.records('events')[0]!.name).toBe(hmac('event 0'));
  });

  it('fails with exit 2 when the config names a stream the tap does not have', async () => {
    const result = await runConnector(EventsTap, {
      config: { count: 1, nullify: { userz: ['email'] } },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/userz/);
    expect(result.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
  });
});
