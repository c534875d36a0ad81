/**
 * Parsed rows as they cross from the parsing worker thread to the reading one (see csv-worker-rows.ts):
 * the cells of a batch as one string with the end offset of each cell. Posting a batch then clones one
 * string and two typed arrays instead of an array per row and a string per cell (structured cloning
 * walks and re-creates every object it is given), and the reader takes each cell back as a slice.
 */

export interface PackedRows {
  /** Every non-null cell of the batch, in order, joined. */
  text: string;
  /** Per cell, its end offset in `text`; -1 for a null cell, which has no text. */
  ends: Int32Array;
  /** Per row, the file line it ends on. */
  lines: Int32Array;
  /** Cells per row (the header's width: csv-parse rejects a row of another width). */
  width: number;
}

/** Collects the rows of one batch; `take` hands them out packed and starts the next batch. */
export class RowPacker {
  private parts: string[] = [];
  private textLength = 0;
  private ends: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private cells = 0;
  private lines: Int32Array<ArrayBuffer> = new Int32Array(64);
  private rows = 0;

  constructor(readonly width: number) {}

  add(cells: readonly (string | null)[], line: number): void {
    if (cells.length !== this.width) {
      throw new Error(`a row of ${cells.length} cells in a file ${this.width} cells wide`);
    }
    if (this.cells + this.width > this.ends.length) this.ends = grown(this.ends, this.cells + this.width);
    if (this.rows === this.lines.length) this.lines = grown(this.lines, this.rows + 1);
    for (const cell of cells) {
      if (cell === null) {
        this.ends[this.cells++] = -1;
      } else {
        this.parts.push(cell);
        this.textLength += cell.length;
        this.ends[this.cells++] = this.textLength;
      }
    }
    this.lines[this.rows++] = line;
  }

  get size(): number {
    return this.rows;
  }

  /** Characters of cell text collected so far. */
  get length(): number {
    return this.textLength;
  }

  take(): PackedRows {
    const packed: PackedRows = {
      text: this.parts.join(''),
      ends: this.ends.slice(0, this.cells),
      lines: this.lines.slice(0, this.rows),
      width: this.width,
    };
    this.parts = [];
    this.textLength = 0;
    this.cells = 0;
    this.rows = 0;
    return packed;
  }
}

function grown(array: Int32Array<ArrayBuffer>, atLeast: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(atLeast, array.length * 2));
  next.set(array);
  return next;
}

/** Reads a packed batch back, row by row, each cell a slice of the text (or null). */
export class PackedRowCursor {
  private at = 0;
  private cell = 0;
  private row = 0;

  constructor(private readonly packed: PackedRows) {}

  get rows(): number {
    return this.packed.lines.length;
  }

  /** The file line of the row `next` returns next. */
  get line(): number {
    return this.packed.lines[this.row] as number;
  }

  next(): (string | null)[] {
    const { text, ends, width } = this.packed;
    const cells: (string | null)[] = new Array(width);
    for (let i = 0; i < width; i++) {
      const end = ends[this.cell++] as number;
      if (end < 0) {
        cells[i] = null;
      } else {
        cells[i] = text.slice(this.at, end);
        this.at = end;
      }
    }
    this.row++;
    return cells;
  }
}
