/**
 * The source text of chosen record properties, as they were sent in the input line: a sink copies a
 * nested object or an exact number from here instead of serializing the parsed value again. Build one
 * per schema with the property names, call `locate` once per record, then read `text(slot)`.
 */
import { type RecordSpans, SpanLookup } from '../json/json-scan.js';
import type { RecordContext } from '../target/sink.js';

export class PropertySourceText {
  private readonly lookup: SpanLookup;
  /** Per slot, the index of its property's span in the current line, or -1. */
  private readonly found: Int32Array;
  private spans: RecordSpans | undefined;
  /**
   * True when the current line holds no backslash, tab or carriage return: then no string of the
   * record holds an escaped or control character, and no source text needs escaping.
   */
  plain = false;

  constructor(readonly properties: readonly string[]) {
    this.lookup = new SpanLookup(properties);
    this.found = new Int32Array(properties.length);
  }

  /**
   * Finds the properties in the line of the record being written. Records a stream map changed carry
   * no source: every `text` is then undefined. Valid until the next record.
   */
  locate(context: RecordContext): void {
    const source = context.source;
    this.spans = source;
    if (source !== undefined && this.found.length > 0) this.lookup.find(source, this.found);
    else this.found.fill(-1);
    this.plain = source?.plain ?? false;
  }

  /** The JSON text of `properties[slot]`'s value in the current record, or undefined if unknown. */
  text(slot: number): string | undefined {
    const at = this.found[slot] as number;
    return at >= 0 && this.spans !== undefined ? this.spans.valueText(at) : undefined;
  }
}
