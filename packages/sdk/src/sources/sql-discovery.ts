/**
 * Tables, views and their columns as `information_schema` shows them to the connecting user, with
 * each column's JSON Schema and the primary key in key order.
 */
import type pg from 'pg';
import type { JSONSchema } from '../schema/json-schema.js';
import { type ColumnType, columnSchema } from './pg-types.js';

export interface ColumnInfo extends ColumnType {
  name: string;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** `BASE TABLE`, `VIEW` or `FOREIGN`. */
  tableType: string;
  columns: ColumnInfo[];
  /** Primary key columns in key order; empty for views and tables without one. */
  primaryKeys: string[];
  /** An object schema with one property per column. */
  jsonSchema: JSONSchema;
}

export interface DiscoverOptions {
  /** Schemas to read; all but the system schemas when absent or empty. */
  schemas?: string[] | undefined;
}

/** `$1` is the schema list or NULL; system schemas are left out unless named. */
const SCHEMA_FILTER = `(
  ($1::text[] IS NULL AND table_schema NOT IN ('information_schema', 'pg_catalog')
    AND table_schema NOT LIKE 'pg\\_%')
  OR table_schema = ANY($1::text[])
)`;

const TABLES_SQL = `
SELECT table_schema, table_name, table_type
FROM information_schema.tables
WHERE table_type IN ('BASE TABLE', 'VIEW', 'FOREIGN') AND ${SCHEMA_FILTER}
ORDER BY table_schema, table_name`;

const COLUMNS_SQL = `
SELECT table_schema, table_name, column_name, data_type, udt_name, is_nullable,
  character_maximum_length::int AS max_length
FROM information_schema.columns
WHERE ${SCHEMA_FILTER}
ORDER BY table_schema, table_name, ordinal_position`;

const KEYS_SQL = `
SELECT kcu.table_schema, kcu.table_name, kcu.column_name
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage kcu
  ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
  AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
WHERE tc.constraint_type = 'PRIMARY KEY' AND ${SCHEMA_FILTER.replaceAll('table_schema', 'tc.table_schema')}
ORDER BY kcu.table_schema, kcu.table_name, kcu.ordinal_position`;

interface TableRow {
  table_schema: string;
  table_name: string;
}

const keyOf = (row: TableRow): string => JSON.stringify([row.table_schema, row.table_name]);

function groupBy<T extends TableRow>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** Every readable table and view in the chosen schemas, ordered by schema and name. */
export async function discoverTables(
  client: pg.ClientBase,
  options: DiscoverOptions = {},
): Promise<TableInfo[]> {
  const schemas = options.schemas && options.schemas.length > 0 ? options.schemas : null;
  const [tables, columns, keys] = [
    await client.query<TableRow & { table_type: string }>(TABLES_SQL, [schemas]),
    await client.query<
      TableRow & {
        column_name: string;
        data_type: string;
        udt_name: string;
        is_nullable: string;
        max_length: number | null;
      }
    >(COLUMNS_SQL, [schemas]),
    await client.query<TableRow & { column_name: string }>(KEYS_SQL, [schemas]),
  ];
  const columnsByTable = groupBy(columns.rows);
  const keysByTable = groupBy(keys.rows);
  return tables.rows.map((table) => {
    const tableColumns: ColumnInfo[] = (columnsByTable.get(keyOf(table)) ?? []).map((row) => ({
      name: row.column_name,
      dataType: row.data_type,
      udtName: row.udt_name,
      nullable: row.is_nullable === 'YES',
      maxLength: row.max_length,
    }));
    return {
      schema: table.table_schema,
      name: table.table_name,
      tableType: table.table_type,
      columns: tableColumns,
      primaryKeys: (keysByTable.get(keyOf(table)) ?? []).map((row) => row.column_name),
      jsonSchema: {
        type: 'object',
        properties: Object.fromEntries(tableColumns.map((column) => [column.name, columnSchema(column)])),
      },
    };
  });
}
