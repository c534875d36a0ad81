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

export type SourceCount =
  | {
      comparable: true;
      rows: number;
      /** The source's count may lag (a vendor's cached count): a difference is not proof of loss. */
      approximate?: boolean;
      /** When the source last computed an approximate count. */
      refreshedAt?: string;
      /** How it was counted (`count(*) WHERE updated_at <= …`, `3 files`). */
      method?: string;
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
    }
  | NotComparable;

/** A target that can count the rows it loaded for a stream. */
export interface WarehouseRowCounter {
  countRows(stream: string): Promise<WarehouseCount>;
}

export function isWarehouseRowCounter(value: unknown): value is WarehouseRowCounter {
  return typeof (value as Partial<WarehouseRowCounter>).countRows === 'function';
}

export function notComparable(reason: string): NotComparable {
  return { comparable: false, reason };
}
