/**
 * A finished statement: its handle (Snowflake's query id), columns, counts and rows. Partition 0
 * came with the answer; the others are fetched one at a time while `rows()` is read, so a large
 * result never sits in memory whole.
 */
import type { ColumnInfo, ResultSetBody, Row } from './responses.js';

export type PartitionFetcher = (handle: string, partition: number) => Promise<Row[]>;

export class StatementResult {
  readonly handle: string;
  readonly columns: readonly ColumnInfo[];
  readonly numRows: number;
  readonly partitionCount: number;
  /** `numRowsInserted`, `numRowsUpdated`, `numRowsDeleted`, … when Snowflake sends them. */
  readonly stats: Readonly<Record<string, number>> | undefined;
  /** One per statement of a multi-statement request. */
  readonly statementHandles: readonly string[] | undefined;
  private readonly first: Row[];

  constructor(
    body: ResultSetBody,
    /** The requestId the statement was sent with. */
    readonly requestId: string,
    private readonly fetchPartition: PartitionFetcher,
  ) {
    this.handle = body.statementHandle;
    this.columns = body.columns;
    this.numRows = body.numRows;
    this.partitionCount = body.partitionCount;
    this.stats = body.stats;
    this.statementHandles = body.statementHandles;
    this.first = body.data;
  }

  /** Rows as Snowflake encodes them (`jsonv2`: every value a string, SQL NULL as null). */
  async *rows(): AsyncGenerator<Row> {
    yield* this.first;
    for (let partition = 1; partition < this.partitionCount; partition += 1)
      yield* await this.fetchPartition(this.handle, partition);
  }

  /** Rows as objects keyed by column name; for small results (catalog lookups, counts). */
  async records(): Promise<Record<string, string | null>[]> {
    const out: Record<string, string | null>[] = [];
    for await (const row of this.rows())
      out.push(Object.fromEntries(this.columns.map((column, index) => [column.name, row[index] ?? null])));
    return out;
  }

  /** The one value of a one-row, one-column result (`SELECT COUNT(*)`). */
  async scalar(): Promise<string | null> {
    for await (const row of this.rows()) return row[0] ?? null;
    return null;
  }
}
