import { describe, expect, it } from 'vitest';
import { generateRecordTypes, recordTypeName } from '../../src/schema/typegen.js';

describe('generateRecordTypes', () => {
  it('declares one typed record interface per stream from its JSON Schema', async () => {
    const source = await generateRecordTypes([
      {
        name: 'ticket_comments',
        schema: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'integer' },
            body: { type: ['string', 'null'] },
            public: { type: 'boolean' },
            attachments: {
              type: 'array',
              items: { type: 'object', properties: { url: { type: 'string' } } },
            },
          },
        },
      },
    ]);
    expect(recordTypeName('ticket_comments')).toBe('TicketCommentsRecord');
    expect(source).toContain('export interface TicketCommentsRecord');
    expect(source).toMatch(/id: number;/);
    expect(source).toMatch(/body\?: string \| null;/);
    expect(source).toMatch(/url\?: string;/);
  });
});
