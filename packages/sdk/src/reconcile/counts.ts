/**
 * Row counts for reconciliation: a tap's stream counts its source rows for a window, a target counts
 * the rows of a stream's table (live and soft-deleted); a count that cannot be compared honestly says
 * why instead of posing as a number.
 */

/** Which source rows to count. */
export interface CountWindow {
  /**
   * Only rows whose replication key is at most this value (the bookmark the last run reached), so rows
   * changed since the run are not counted as missing; every row when absent.
   */
  through?: unknown;
}

export interface NotComparable {
  comparable: false;
  reason: string;
}

/**
 * Rows a stream emits but its source's count leaves out: records kept with a deletion marker (a
 * Zendesk ticket with `status: "deleted"`, a user with `active: false`). The warehouse leaves out
 * the loaded rows with the same marker, so both sides count the same thing.
 */
export type UncountedRows =
  | { property: string; equals: string | number | boolean }
  | { property: string; isSet: true };

export function describeUncounted(rows: UncountedRows): string {
  return 'equals' in rows ? `${rows.property} = ${JSON.stringify(rows.equals)}` : `${rows.property} set`;
}

export type SourceCount =
  | {
      comparable: true;
      rows: number;
      /**
       * The count is stale (a vendor's cached count, computed before the rows the last run loaded):
       * a difference is reported but is not proof of loss, so it never fails the reconciliation.
       */
      approximate?: boolean;
      /** When the source computed the count (a vendor's cached count says). */
      refreshedAt?: string;
      /** Why the count is approximate, for the table. */
      approximateReason?: string;
      /** How it was counted (`count(*) WHERE updated_at <= …`, `3 files`). */
      method?: string;
      /** Loaded rows the count does not include. */
      uncounted?: UncountedRows;
    }
  | NotComparable;

export type WarehouseCount =
  | {
      comparable: true;
      /** Where the rows are, as the warehouse names it (`schema.table`). */
      table: string;
      /** Rows not marked deleted. */
      rows: number;
      /** Rows with `_sdc_deleted_at` set (kept, but deleted at the source). */
      softDeleted: number;
      /** Live rows left out of `rows` because the source's count leaves them out (`uncounted`). */
      uncounted?: number;
    }
  | NotComparable;

export interface WarehouseCountOptions {
  /** Live rows to leave out of `rows`, as the source's count does. */
  uncounted?: UncountedRows;
}

/** A target that can count the rows it loaded for a stream. */
export interface WarehouseRowCounter {
  countRows(stream: string, options?: WarehouseCountOptions): Promise<WarehouseCount>;
}

export function isWarehouseRowCounter(value: unknown): value is WarehouseRowCounter {
  return typeof (value as Partial<WarehouseRowCounter>).countRows === 'function';
}

export function notComparable(reason: string): NotComparable {
  return { comparable: false, reason };
}
