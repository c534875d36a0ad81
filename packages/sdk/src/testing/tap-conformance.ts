/**
 * The standard checks any tap can run against its own config: discovery is a valid catalog, every
 * stream emits schema-valid records with their key and bookmark properties, a second run from the
 * final STATE resumes instead of starting over, and selection of streams and fields is honoured.
 */
import type { ConnectorClass } from '../cli/run-cli.js';
import type { Config } from '../config.js';
import { SingerError } from '../errors.js';
import type { SchemaMessage } from '../protocol/messages.js';
import { compileValidator } from '../schema/validator.js';
import type { CatalogDocument, CatalogEntry } from '../tap/catalog.js';
import { compareBookmarkValues } from '../tap/state.js';
import { parseCatalog, type RunResult, runConnector } from './run.js';

export interface ConformanceOptions {
  config: Config;
  /** Streams expected to emit at least one record in a full sync. */
  streamsWithRecords?: string[];
}

export interface ConformanceReport {
  passed: string[];
  failed: string[];
}

export class ConformanceError extends SingerError {
  override readonly code: string = 'SINGER_CONFORMANCE';
}

export async function checkTapConformance(
  Tap: ConnectorClass,
  options: ConformanceOptions,
): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: [], failed: [] };
  const check = (name: string, problems: string[]): void => {
    if (problems.length === 0) report.passed.push(name);
    else report.failed.push(`${name}: ${problems.slice(0, 5).join('; ')}`);
  };

  const discovery = await runConnector(Tap, { config: options.config, args: ['--discover'] });
  if (discovery.exitCode !== 0) throw new ConformanceError(`--discover failed: ${discovery.stderr}`);
  const catalog = parseCatalog(discovery) as unknown as CatalogDocument;
  check('discovery emits a valid catalog', catalogProblems(catalog));

  const first = await runConnector(Tap, { config: options.config, catalog });
  if (first.exitCode !== 0) throw new ConformanceError(`sync failed: ${first.stderr}`);
  check('messages come in Singer order', orderProblems(first));
  check('records match their schemas', recordProblems(first));
  check(
    'expected streams emit records',
    (options.streamsWithRecords ?? [])
      .filter((s) => first.records(s).length === 0)
      .map((s) => `no records for '${s}'`),
  );

  const second = await runConnector(Tap, { config: options.config, catalog, state: first.lastState() });
  if (second.exitCode !== 0) throw new ConformanceError(`resumed sync failed: ${second.stderr}`);
  check('a run from the final STATE resumes from its bookmarks', resumeProblems(catalog, first, second));

  const selected = selectFirstFields(catalog);
  if (selected) {
    const partial = await runConnector(Tap, { config: options.config, catalog: selected.catalog });
    if (partial.exitCode !== 0)
      throw new ConformanceError(`sync with a partial catalog failed: ${partial.stderr}`);
    check(
      'stream and field selection is honoured',
      selectionProblems(partial, selected.stream, selected.fields),
    );
  }
  if (report.failed.length > 0) {
    throw new ConformanceError(`tap conformance failed:\n- ${report.failed.join('\n- ')}`);
  }
  return report;
}

function catalogProblems(catalog: CatalogDocument): string[] {
  const problems: string[] = [];
  if (!Array.isArray(catalog.streams) || catalog.streams.length === 0) return ['catalog has no streams'];
  for (const entry of catalog.streams) {
    const properties = entry.schema?.properties ?? {};
    const root = entry.metadata?.find((m) => m.breadcrumb.length === 0)?.metadata;
    if (!root) problems.push(`${entry.tap_stream_id}: no stream-level metadata`);
    for (const key of entry.key_properties ?? []) {
      if (!(key in properties)) problems.push(`${entry.tap_stream_id}: key '${key}' is not in the schema`);
    }
    if (entry.replication_key && !(entry.replication_key in properties)) {
      problems.push(
        `${entry.tap_stream_id}: replication key '${entry.replication_key}' is not in the schema`,
      );
    }
    try {
      compileValidator(entry.schema, entry.tap_stream_id);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

function orderProblems(result: RunResult): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const message of result.messages) {
    if (message.type === 'SCHEMA') seen.add(message.stream);
    if (message.type === 'RECORD' && !seen.has(message.stream))
      problems.push(`RECORD before SCHEMA for '${message.stream}'`);
  }
  if (result.messages.at(-1)?.type !== 'STATE') problems.push('the last message is not a STATE');
  return problems;
}

/**
 * Every RECORD of a run checked against the SCHEMA its stream emitted last (key and bookmark properties
 * present too); returns the problems, at most about ten. For a tap's own tests as well as the suite.
 */
export function recordProblems(result: RunResult): string[] {
  const problems: string[] = [];
  const schemas = new Map<string, SchemaMessage>();
  const validators = new Map<string, ReturnType<typeof compileValidator>>();
  result.messages.forEach((message, index) => {
    if (message.type === 'SCHEMA') {
      schemas.set(message.stream, message);
      validators.set(message.stream, compileValidator(message.schema, message.stream));
      return;
    }
    if (message.type !== 'RECORD' || problems.length > 10) return;
    const schema = schemas.get(message.stream);
    try {
      validators.get(message.stream)?.(message.record, index + 1);
    } catch (error) {
      problems.push((error as SingerError).describe());
    }
    for (const key of schema?.key_properties ?? []) {
      if (message.record[key] === undefined || message.record[key] === null) {
        problems.push(`${message.stream}: record ${index + 1} lacks key '${key}'`);
      }
    }
    for (const key of schema?.bookmark_properties ?? []) {
      if (!(key in message.record))
        problems.push(`${message.stream}: record ${index + 1} lacks bookmark '${key}'`);
    }
  });
  return problems;
}

function resumeProblems(catalog: CatalogDocument, first: RunResult, second: RunResult): string[] {
  const problems: string[] = [];
  const state = first.lastState() as
    | { bookmarks?: Record<string, { replication_key_value?: unknown }> }
    | undefined;
  for (const entry of catalog.streams) {
    const key = entry.replication_key;
    const bookmark = state?.bookmarks?.[entry.tap_stream_id]?.replication_key_value;
    if (!key || bookmark === undefined) continue;
    for (const record of second.records(entry.tap_stream_id)) {
      if (compareBookmarkValues(record[key], bookmark) < 0) {
        problems.push(
          `${entry.tap_stream_id}: resumed run re-sent a record older than its bookmark (${String(record[key])})`,
        );
        break;
      }
    }
    if (
      first.records(entry.tap_stream_id).length > 0 &&
      second.records(entry.tap_stream_id).length >= first.records(entry.tap_stream_id).length &&
      first.records(entry.tap_stream_id).length > 1
    ) {
      problems.push(`${entry.tap_stream_id}: resumed run sent as many records as the first run`);
    }
  }
  return problems;
}

/** A catalog selecting only the first stream with a parent-free schema, and only its keys plus one field. */
function selectFirstFields(
  catalog: CatalogDocument,
): { catalog: CatalogDocument; stream: string; fields: string[] } | undefined {
  const target = catalog.streams.find(
    (entry) =>
      !entry.metadata.find((m) => m.breadcrumb.length === 0)?.metadata['parent-tap-stream-id'] &&
      Object.keys(entry.schema.properties ?? {}).length > (entry.key_properties?.length ?? 0) + 1,
  );
  if (!target) return undefined;
  // Fields the catalog marks automatic are always emitted (Meltano's rule), whatever `selected` says.
  const automatic = new Set([
    ...(target.key_properties ?? []),
    ...(target.replication_key ? [target.replication_key] : []),
    ...target.metadata
      .filter((m) => m.breadcrumb.length === 2 && m.metadata.inclusion === 'automatic')
      .map((m) => m.breadcrumb[1]!),
  ]);
  const extra = Object.keys(target.schema.properties ?? {}).find((name) => !automatic.has(name))!;
  const fields = [...automatic, extra];
  const select = (entry: CatalogEntry): CatalogEntry => ({
    ...entry,
    metadata: entry.metadata.map((item) => {
      if (item.breadcrumb.length === 0)
        return { ...item, metadata: { ...item.metadata, selected: entry === target } };
      const name = item.breadcrumb[1]!;
      return { ...item, metadata: { ...item.metadata, selected: fields.includes(name) } };
    }),
  });
  return { catalog: { streams: catalog.streams.map(select) }, stream: target.tap_stream_id, fields };
}

function selectionProblems(result: RunResult, stream: string, fields: string[]): string[] {
  const problems: string[] = [];
  for (const message of result.messages) {
    if ((message.type === 'RECORD' || message.type === 'SCHEMA') && message.stream !== stream) {
      problems.push(`deselected stream '${message.stream}' was emitted`);
      break;
    }
    if (message.type === 'RECORD') {
      const extra = Object.keys(message.record).filter((name) => !fields.includes(name));
      if (extra.length > 0) {
        problems.push(`deselected fields ${extra.join(', ')} were emitted`);
        break;
      }
    }
  }
  return problems;
}
