/**
 * Which rows each COPY statement of a batch sends. A batch's rows are binary rows up to `textFrom`
 * and COPY text rows from there (see sink.ts), so a batch is loaded by up to two COPY statements, one
 * per format; rows a later row of the same key replaced are left out of both.
 */

/** One COPY statement of a batch: rows [from, to), or only those of them in `kept`. */
export interface CopySegment {
  binary: boolean;
  from: number;
  to: number;
  /** Ascending row indexes, all in [from, to); undefined when every row in the range is sent. */
  kept: number[] | undefined;
}

/** The batch's COPY statements: its binary rows, then its text rows; a segment left empty is omitted. */
export function copySegments(count: number, textFrom: number, kept: number[] | undefined): CopySegment[] {
  const segments: CopySegment[] = [];
  const add = (binary: boolean, from: number, to: number): void => {
    const rows = kept?.filter((row) => row >= from && row < to);
    if (to > from && (rows === undefined || rows.length > 0)) segments.push({ binary, from, to, kept: rows });
  };
  add(true, 0, textFrom);
  add(false, textFrom, count);
  return segments;
}

/** The batch row of a COPY error's `line N`, which counts from the first row its statement sent. */
export function rowOfCopyLine(segment: CopySegment, line: number): number | undefined {
  const row = segment.kept === undefined ? segment.from + line - 1 : segment.kept[line - 1];
  return row !== undefined && row >= segment.from && row < segment.to ? row : undefined;
}

/** How many rows the segment sends. */
export function segmentSize(segment: CopySegment): number {
  return segment.kept?.length ?? segment.to - segment.from;
}
