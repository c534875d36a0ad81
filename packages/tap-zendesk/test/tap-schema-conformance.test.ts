// Every stream selected, run against the emulator (whose data follows the Zendesk API reference, not the
// tap's schemas): each RECORD must validate against the SCHEMA emitted for its stream, and every field a
// schema declares must actually arrive filled in, so a wrong or thin schema fails here and not in a target.
import { compileValidator, type JSONSchema, type SchemaMessage } from '@singer-ts/sdk';
import { runConnector } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';
import { configFor, discover, select, startEmulator } from './tap-helpers.js';

/**
 * Declared fields (or path prefixes) that the tap's stream code cannot fill yet, each with its reason.
 * Remove an entry once the tap emits the data (the emulator already sends it).
 */
const NOT_YET_EMITTED: Record<string, string> = {};

/** Objects Zendesk documents as free-form (keys chosen by the account or the integration). */
const FREE_FORM = new Set([
  'ticket_audits.metadata.custom',
  'ticket_comments.metadata.custom',
  'ticket_fields.relationship_filter',
  'ticket_events.system',
  'ticket_events.child_events[]',
  'talk_phone_numbers.categorised_greetings',
  'talk_phone_numbers.categorised_greetings_with_sub_settings',
]);

/** Paths in `value` that `schema` does not declare (what a flattening target would silently lose). */
function undeclaredPaths(
  stream: string,
  schema: Schema | undefined,
  value: unknown,
  path: string,
  out: Set<string>,
): void {
  if (value === null || value === undefined || FREE_FORM.has(`${stream}.${path}`)) return;
  if (schema === undefined) {
    out.add(`${stream}.${path}`);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) undeclaredPaths(stream, schema.items, item, `${path}[]`, out);
    return;
  }
  if (typeof value !== 'object') return;
  for (const [key, sub] of Object.entries(value))
    undeclaredPaths(stream, schema.properties?.[key], sub, path ? `${path}.${key}` : key, out);
}

/**
 * Share of declared top-level fields that must be non-null, averaged over a stream's records. Not 100%:
 * Zendesk leaves type-specific fields null (a text ticket field has no options, an end user no role_type).
 */
const MIN_FILL = 0.7;

type Schema = JSONSchema & { properties?: Record<string, Schema>; items?: Schema };

/** Paths of every declared leaf (`a.b`, `a[].b`); an object without properties is a leaf. */
function leafPaths(schema: Schema, prefix: string, out: string[]): string[] {
  if (schema.properties && Object.keys(schema.properties).length > 0) {
    for (const [name, sub] of Object.entries(schema.properties))
      leafPaths(sub, prefix ? `${prefix}.${name}` : name, out);
  } else if (
    schema.items &&
    Object.keys(schema.items).length > 0 &&
    (schema.items.properties || schema.items.items)
  ) {
    leafPaths(schema.items, `${prefix}[]`, out);
  } else {
    out.push(prefix);
  }
  return out;
}

/** Adds every path under which `value` holds something other than null (or an empty array). */
function filledPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    out.add(prefix);
    for (const item of value) filledPaths(item, `${prefix}[]`, out);
    return;
  }
  out.add(prefix);
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) filledPaths(v, prefix ? `${prefix}.${k}` : k, out);
  }
}

describe('every stream against the emulator: records match their schemas, declared fields are filled', () => {
  let em: ZendeskEmulator;
  const schemas = new Map<string, SchemaMessage>();
  const records = new Map<string, Record<string, unknown>[]>();
  let selected: string[] = [];

  beforeAll(async () => {
    // Enough organizations and users that rare states (deleted orgs, shared phones, chat agents) occur.
    // Talk on, so talk_phone_numbers has records.
    em = await startEmulator({
      tickets: 240,
      users: 300,
      organizations: 120,
      seed: 'schemas',
      features: { talk: true },
    });
    const catalog = await discover(em);
    selected = catalog.streams.map((entry) => entry.tap_stream_id);
    const result = await runConnector(TapZendesk, {
      config: configFor(em),
      catalog: select(catalog, selected),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const message of result.messages) {
      if (message.type === 'SCHEMA') schemas.set(message.stream, message);
      if (message.type === 'RECORD') {
        const list = records.get(message.stream) ?? [];
        list.push(message.record as Record<string, unknown>);
        records.set(message.stream, list);
      }
    }
  }, 120_000);
  afterAll(() => em.close());

  it('emits a SCHEMA and records for every selected stream', () => {
    expect(selected.length).toBe(17);
    for (const stream of selected) {
      expect(schemas.has(stream), stream).toBe(true);
      expect(records.get(stream)?.length ?? 0, stream).toBeGreaterThan(0);
    }
  });

  it('every RECORD validates against the SCHEMA emitted for its stream', () => {
    const problems = new Set<string>();
    const report = (stream: string, record: Record<string, unknown>, error: unknown): void => {
      const field = (error as { context?: { field?: string } }).context?.field ?? '';
      const known = [...problems].some((p) => p.startsWith(`${stream}.${field}:`));
      if (!known)
        problems.add(
          `${stream}.${field}: ${(error as Error).message} (id ${String(record.id ?? record.name)})`,
        );
    };
    for (const [stream, list] of records) {
      const schema = schemas.get(stream)!.schema as Schema;
      const validate = compileValidator(schema, stream);
      // The validator stops at a record's first error; one per property names every wrong field.
      const perProperty = Object.entries(schema.properties ?? {}).map(([name, sub]) =>
        compileValidator({ type: 'object', properties: { [name]: sub } } as JSONSchema, stream),
      );
      for (const record of list) {
        for (const check of [validate, ...perProperty]) {
          try {
            check(record);
          } catch (error) {
            report(stream, record, error);
          }
        }
      }
    }
    expect([...problems]).toEqual([]);
  });

  it('every field the records carry is declared, nested ones included', () => {
    const undeclared = new Set<string>();
    for (const [stream, list] of records) {
      const schema = schemas.get(stream)!.schema as Schema;
      for (const record of list) undeclaredPaths(stream, schema, record, '', undeclared);
    }
    expect([...undeclared]).toEqual([]);
  });

  it('every declared field is filled in some record, and most fields in most records', () => {
    const unfilled: string[] = [];
    const thin: string[] = [];
    for (const [stream, list] of records) {
      const schema = schemas.get(stream)!.schema as Schema;
      const filled = new Set<string>();
      for (const record of list) filledPaths(record, '', filled);
      for (const path of leafPaths(schema, '', [])) {
        const full = `${stream}.${path}`;
        const exempt = Object.keys(NOT_YET_EMITTED).some((p) => full === p || full.startsWith(`${p}.`));
        if (!filled.has(path) && !exempt) unfilled.push(full);
      }
      const declared = Object.keys(schema.properties ?? {}).filter(
        (name) => !(`${stream}.${name}` in NOT_YET_EMITTED),
      );
      const fill =
        list.reduce(
          (sum, record) => sum + declared.filter((name) => record[name] != null).length / declared.length,
          0,
        ) / list.length;
      if (fill < MIN_FILL)
        thin.push(`${stream}: ${(fill * 100).toFixed(0)}% of declared fields filled on average`);
    }
    expect(unfilled).toEqual([]);
    expect(thin).toEqual([]);
  });
});
