/** The `mystream` stream of the Meltano SDK's mapper tests (tests/core/test_mapper.py), by hand. */
import type { SchemaMessage } from '../../src/protocol/messages.js';

export const S: { type: ['string', 'null'] } = { type: ['string', 'null'] };
export const I: { type: ['integer', 'null'] } = { type: ['integer', 'null'] };

export const mystream: SchemaMessage = {
  type: 'SCHEMA',
  stream: 'mystream',
  key_properties: [],
  bookmark_properties: ['joined_at'],
  schema: {
    type: 'object',
    required: ['email'],
    properties: {
      email: { type: ['string'] },
      count: I,
      user: {
        type: ['object', 'null'],
        properties: {
          id: I,
          sub: { type: ['object', 'null'], properties: { num: I, custom_obj: S } },
          some_numbers: { type: ['array', 'null'], items: { type: ['number'] } },
        },
      },
      joined_at: { type: ['string', 'null'], format: 'date-time' },
    },
  },
};

export const people = [
  {
    email: 'alice@example.com',
    count: 21,
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the Meltano SDK's test record, as data
    user: { id: 1, sub: { num: 1, custom_obj: 'obj-hello' }, some_numbers: [3.14, 2.718] },
    joined_at: '2022-01-01T00:00:00Z',
  },
  {
    email: 'bob@example.com',
    count: 13,
    user: { id: 2, sub: { num: 2, custom_obj: 'obj-world' }, some_numbers: [10.32, 1.618] },
    joined_at: '2022-01-01T00:00:00Z',
  },
];
