/**
 * SQL naming rules shared by SQL targets: table names from stream names, snake_case column names
 * from property names, truncation to the identifier limit with a hash suffix so that two long names
 * never collide, and quoting of every identifier.
 */
import { createHash } from 'node:crypto';
import { TableNameCollisionError } from '../sql/errors.js';
import { quoteIdentifier } from '../sql/identifiers.js';

export { quoteIdentifier };

/** PostgreSQL's NAMEDATALEN - 1; other databases pass their own limit. */
export const DEFAULT_MAX_IDENTIFIER_BYTES = 63;

/** `Tickets-Audit:v2` → `tickets_audit_v2`: lowercased, anything outside `[a-z0-9_]` becomes `_`. */
export function tableNameFor(stream: string, maxBytes = DEFAULT_MAX_IDENTIFIER_BYTES): string {
  return truncateIdentifier(stream.toLowerCase().replace(/[^a-z0-9_]/g, '_') || '_', maxBytes);
}

/** How a stream's table and schema are chosen (see tableLocationFor). */
export interface TableLocationRules {
  /** `default_target_schema`: when set, every table goes to this schema (used as given). */
  defaultSchema?: string;
  /** Meltano's `MELTANO_EXTRACT__LOAD_SCHEMA` (the extractor's `load_schema`), used when no default. */
  loadSchema?: string;
  /** `use_raw_stream_names`: the table is the whole stream name, and no schema comes from it. */
  rawStreamNames?: boolean;
  /** The schema when nothing else gives one (PostgreSQL's `public`). */
  fallbackSchema: string;
  /** Longest identifier in bytes. */
  maxBytes?: number;
}

/**
 * The Meltano SDK's rule for where a stream's rows go, so tables fill where users of the Meltano and
 * PipelineWise targets expect them: the table is the stream name's last `-` part (`public-users` →
 * `users`, `tap_mysql_test-test_table_one` → `test_table_one`); the schema is `default_target_schema`
 * when set, else `MELTANO_EXTRACT__LOAD_SCHEMA`, else the second-to-last part of a two- or three-part
 * stream name (`public-users` → `public`, `db-sales-orders` → `sales`), else the fallback. Stream-
 * derived names follow tableNameFor's character rules. With `use_raw_stream_names` the table is the
 * whole stream name (`public-users` → `public_users`). Streams landing on one table are an error
 * (TableNameRegistry).
 */
export function tableLocationFor(
  stream: string,
  rules: TableLocationRules,
): { schema: string; table: string } {
  const maxBytes = rules.maxBytes ?? DEFAULT_MAX_IDENTIFIER_BYTES;
  const given = nonEmpty(rules.defaultSchema) ?? nonEmpty(rules.loadSchema);
  const parts = stream.split('-');
  if (rules.rawStreamNames === true || parts.length === 1) {
    return { schema: given ?? rules.fallbackSchema, table: tableNameFor(stream, maxBytes) };
  }
  const table = tableNameFor(parts[parts.length - 1] as string, maxBytes);
  const fromStream =
    parts.length <= 3 ? tableNameFor(parts[parts.length - 2] as string, maxBytes) : undefined;
  return { schema: given ?? fromStream ?? rules.fallbackSchema, table };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/** `firstName` → `first_name`, `HTTPStatus` → `http_status`, `agent:os` → `agent_os`. */
export function snakeCase(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return words === '' ? '_' : words;
}

export function columnNameFor(property: string, maxBytes = DEFAULT_MAX_IDENTIFIER_BYTES): string {
  return truncateIdentifier(snakeCase(property), maxBytes);
}

/**
 * Names longer than the limit keep their first bytes and end in `_` plus 8 hex digits of a hash of
 * the whole name, so two long names sharing a prefix stay distinct.
 */
export function truncateIdentifier(name: string, maxBytes = DEFAULT_MAX_IDENTIFIER_BYTES): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name;
  const suffix = `_${shortHash(name)}`;
  let prefix = '';
  for (const char of name) {
    if (Buffer.byteLength(prefix + char, 'utf8') > maxBytes - suffix.length) break;
    prefix += char;
  }
  return prefix + suffix;
}

export function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

/**
 * Column names for a list of properties, in order. Two properties that map to the same column
 * (`firstName` and `first_name`) cannot share it: the later one gets a hash suffix.
 */
export function columnNamesFor(
  properties: readonly string[],
  reserved: Iterable<string> = [],
  maxBytes = DEFAULT_MAX_IDENTIFIER_BYTES,
): Map<string, string> {
  const taken = new Set(reserved);
  const result = new Map<string, string>();
  for (const property of properties) {
    let column = columnNameFor(property, maxBytes);
    if (taken.has(column)) {
      const suffix = `_${shortHash(property)}`;
      column = truncateIdentifier(column, maxBytes - suffix.length) + suffix;
    }
    taken.add(column);
    result.set(property, column);
  }
  return result;
}

/** `schema.table`, both parts quoted. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * The table-name rule across streams: every stream loads into a table of its own. Stream names that
 * normalise to one table (`Users` and `users`, `a-b` and `a_b`) are an error naming both streams,
 * raised when the second stream's SCHEMA arrives, before any of its records is loaded. A suffix
 * would keep loading, but into a table no downstream model looks for; rename one of the streams
 * with a stream map (`{"stream_maps": {"Users": {"__alias__": "users_upper"}}}`) instead.
 */
export class TableNameRegistry {
  private readonly owners = new Map<string, string>();

  /** Records that `stream` loads into `schema`.`table`; throws when another stream already does. */
  claim(stream: string, schema: string, table: string): void {
    const place = `${schema}\u0000${table}`;
    const owner = this.owners.get(place);
    if (owner !== undefined && owner !== stream) {
      throw new TableNameCollisionError(
        `streams '${owner}' and '${stream}' both map to table ${schema}.${table}; their rows would be ` +
          'merged into one table. Rename one of them with a stream map (__alias__)',
        { stream, table: `${schema}.${table}`, otherStream: owner },
      );
    }
    this.owners.set(place, stream);
  }
}
