import { compileValidator } from '@singer-ts/sdk';
import { describe, expect, it } from 'vitest';
import { activityStream, flattenActivity } from '../src/activity-streams.js';
import { activityStreamName, cleanName, LEADS, replicationKeyOf, STATIC_STREAMS } from '../src/catalogue.js';
import { leadSchemaFromDescribe } from '../src/lead-schema.js';
import { staticSchema } from '../src/static-schemas.js';
import { compileRecordConverter } from '../src/values.js';
import { ACTIVITY_TYPES, describeResultForTests, LEAD_FIELDS } from './vendor-helpers.js';

describe('stream catalogue (singer-io tap-marketo facts)', () => {
  it('names activity streams activities_<lower case, spaces to underscores>', () => {
    expect(activityStreamName('Fill Out Form')).toBe('activities_fill_out_form');
    expect(activityStreamName('Change Status in Progression')).toBe(
      'activities_change_status_in_progression',
    );
    // Only spaces change, exactly as singer-io cleans names.
    expect(activityStreamName('Rating (1-5) / NPS')).toBe('activities_rating_(1-5)_/_nps');
    expect(cleanName('Client IP Address')).toBe('client_ip_address');
  });

  it('keeps keys, replication methods and replication keys', () => {
    const byName = Object.fromEntries(STATIC_STREAMS.map((s) => [s.name, s]));
    expect(LEADS).toMatchObject({
      keyProperties: ['id'],
      replicationMethod: 'INCREMENTAL',
      replicationKey: 'updatedAt',
    });
    expect(byName.activity_types).toMatchObject({
      keyProperties: ['id'],
      replicationMethod: 'FULL_TABLE',
      replicationKey: null,
      unsupported: ['attributes'],
    });
    for (const s of ['campaigns', 'lists', 'programs']) {
      expect(byName[s]).toMatchObject({
        keyProperties: ['id'],
        replicationMethod: 'INCREMENTAL',
        replicationKey: 'updatedAt',
      });
    }
    expect(byName.deleted_leads?.inSingerIo).toBe(false);
    expect(replicationKeyOf('activities_visit_webpage')).toBe('activityDate');
    expect(replicationKeyOf('activity_types')).toBeNull();
  });

  it('ships a valid schema for every fixed stream, with its key and automatic fields', () => {
    for (const s of STATIC_STREAMS) {
      const schema = staticSchema(s);
      expect(() => compileValidator(schema, s.name)).not.toThrow();
      for (const f of [...s.keyProperties, ...s.automatic, ...s.unsupported])
        expect(schema.properties?.[f], `${s.name}.${f}`).toBeDefined();
      if (s.replicationKey) expect(schema.properties?.[s.replicationKey]?.format).toBe('date-time');
    }
  });
});

describe('lead schema from describe', () => {
  const lead = leadSchemaFromDescribe(describeResultForTests());

  it('maps every Marketo type and skips fields without REST access', () => {
    const p = lead.schema.properties ?? {};
    expect(p.id).toEqual({ type: 'integer' });
    expect(p.createdAt).toEqual({ type: 'string', format: 'date-time' });
    expect(p.updatedAt).toEqual({ type: 'string', format: 'date-time' });
    expect(p.email).toEqual({ type: ['string', 'null'] });
    expect(p.leadScore).toEqual({ type: ['integer', 'null'] });
    expect(p.engagementPercent).toEqual({ type: ['number', 'null'] });
    expect(p.annualRevenue).toEqual({ type: ['number', 'null'] });
    expect(p.fitRatio).toEqual({ type: ['number', 'null'] });
    expect(p.unsubscribed).toEqual({ type: ['boolean', 'null'] });
    expect(p.dateOfBirth).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(p.leadRole).toEqual({ type: ['string', 'null'] });
    expect(p.acquisitionProgramId).toEqual({ type: ['string', 'null'] });
    expect(p.LegacyScore).toBeUndefined();
    expect(lead.skipped).toContain('Legacy Score');
    expect(lead.automatic).toEqual(['id', 'createdAt', 'updatedAt']);
    expect(lead.unsupported).toEqual({ totalPipelineScore: expect.stringContaining('formula') });
    expect(Object.keys(p)).toHaveLength(LEAD_FIELDS.filter((f) => f.rest).length);
  });

  it('maps arrays and unknown types as singer-io does', () => {
    const s = leadSchemaFromDescribe([
      ...describeResultForTests(),
      { dataType: 'array', rest: { name: 'tags' } },
      { dataType: 'something_new', rest: { name: 'novel' } },
    ]);
    expect(s.schema.properties?.tags).toEqual({
      type: ['array', 'null'],
      items: { type: ['integer', 'number', 'string', 'null'] },
    });
    expect(s.schema.properties?.novel).toEqual({ type: ['string', 'null'] });
  });

  it('fails clearly on a describe without id or with a repeated REST name', () => {
    expect(() => leadSchemaFromDescribe([{ dataType: 'string', rest: { name: 'email' } }])).toThrow(
      /no REST field 'id'/,
    );
    expect(() =>
      leadSchemaFromDescribe([...describeResultForTests(), { dataType: 'string', rest: { name: 'email' } }]),
    ).toThrow(/'email' twice/);
  });
});

describe('activity streams', () => {
  const visit = activityStream(ACTIVITY_TYPES.find((t) => t.id === 1)!);

  it('builds singer-io’s flattened schema and metadata for an activity type', () => {
    expect(visit.name).toBe('activities_visit_webpage');
    expect(visit.primaryAttributeName).toBe('webpage_id');
    expect(visit.metadata).toMatchObject({
      'marketo.activity-id': 1,
      'marketo.primary-attribute-name': 'webpage_id',
      'table-key-properties': ['marketoGUID'],
    });
    const p = visit.schema.properties ?? {};
    expect(p.marketoGUID).toEqual({ type: ['null', 'string'] });
    expect(p.activityDate).toEqual({ type: ['null', 'string'], format: 'date-time' });
    expect(p.primary_attribute_value_id).toEqual({ type: ['null', 'string'] });
    expect(p.client_ip_address).toEqual({ type: ['string', 'null'] });
    expect(p.referrer_url).toEqual({ type: ['string', 'null'] });
  });

  it('flattens a CSV row: primary attribute, then each attribute in its column, typed by the converter', () => {
    const row = {
      marketoGUID: '815300211',
      leadId: '90211',
      activityDate: '2024-04-03T17:20:11Z',
      activityTypeId: '1',
      campaignId: null,
      primaryAttributeValueId: '1044',
      primaryAttributeValue: 'www.example.com/pricing',
      attributes:
        '{"Client IP Address":"203.0.113.7","Query Parameters":"","Referrer URL":"https://search.example/?q=a,b"}',
    };
    const flat = flattenActivity(visit, row, 2);
    const record = compileRecordConverter(visit.name, visit.schema)(flat, 2);
    expect(record).toEqual({
      marketoGUID: '815300211',
      leadId: 90211,
      activityDate: '2024-04-03T17:20:11Z',
      activityTypeId: 1,
      campaignId: null,
      primary_attribute_name: 'webpage_id',
      primary_attribute_value: 'www.example.com/pricing',
      primary_attribute_value_id: '1044',
      client_ip_address: '203.0.113.7',
      query_parameters: '',
      referrer_url: 'https://search.example/?q=a,b',
    });
    expect(() => compileValidator(visit.schema, visit.name)(record, 2)).not.toThrow();
  });

  it('keeps attributes apart when their cleaned names collide instead of merging them', () => {
    const s = activityStream({
      id: 100002,
      name: 'Custom Thing',
      attributes: [
        { name: 'Deal Size', dataType: 'currency' },
        { name: 'deal size', dataType: 'string' },
      ],
    });
    expect(s.renamed).toEqual([{ attribute: 'deal size', column: 'deal_size_2' }]);
    const flat = flattenActivity(s, { marketoGUID: '1', attributes: '{"Deal Size":12.5,"deal size":"big"}' });
    expect(flat).toMatchObject({ deal_size: 12.5, deal_size_2: 'big' });
    expect(s.primaryAttributeName).toBeNull();
    expect(s.schema.properties?.primary_attribute_name).toBeUndefined();
  });

  it('fails naming the stream, line and attribute for undescribed attributes or broken JSON', () => {
    expect(() => flattenActivity(visit, { attributes: '{"Surprise":1}' }, 7)).toThrow(
      /Surprise.*run discovery again/,
    );
    try {
      flattenActivity(visit, { attributes: '{"broken' }, 9);
      expect.unreachable();
    } catch (e) {
      expect((e as { describe(): string }).describe()).toMatch(
        /^SINGER_MARKETO_VALUE: stream 'activities_visit_webpage', line 9, field 'attributes': attributes is not JSON/,
      );
    }
  });

  it('names every emulated activity type’s stream uniquely', () => {
    const names = ACTIVITY_TYPES.map((t) => activityStream(t).name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('activities_attended_partner_webinar');
  });
});
