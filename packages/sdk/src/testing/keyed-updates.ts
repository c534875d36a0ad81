/**
 * A tap's output for a target's crash and resume tests: record i (1…total) of stream `tickets` updates ticket
 * `i % keys` to `{ seq: i, body: "ticket i" }`, with a STATE `{ bookmark: i }` after every `stateEvery` records.
 * Any prefix of it has one right table, so a test can check a table after any STATE and after a resume.
 */
export class KeyedUpdates {
  readonly stream = 'tickets';

  constructor(
    readonly total: number,
    readonly keys: number,
    readonly stateEvery: number,
  ) {}

  /** The SCHEMA line alone (what a run with nothing to load receives). */
  schemaLine(): string {
    return JSON.stringify({
      type: 'SCHEMA',
      stream: this.stream,
      key_properties: ['id'],
      schema: {
        type: 'object',
        properties: { id: { type: 'integer' }, seq: { type: 'integer' }, body: { type: 'string' } },
      },
    });
  }

  /** The lines a tap resuming from bookmark `from` prints: the SCHEMA, then records `from + 1`…`total`. */
  input(from = 0): string {
    const lines = [this.schemaLine()];
    for (let i = from + 1; i <= this.total; i += 1) {
      lines.push(JSON.stringify({ type: 'RECORD', stream: this.stream, record: this.record(i) }));
      if (i % this.stateEvery === 0) lines.push(JSON.stringify({ type: 'STATE', value: { bookmark: i } }));
    }
    return `${lines.join('\n')}\n`;
  }

  record(seq: number): { id: number; seq: number; body: string } {
    return { id: seq % this.keys, seq, body: `ticket ${seq}` };
  }

  /** The row ticket `id` holds once records 1…`upTo` are loaded; undefined when none of them touched it. */
  expectedRow(id: number, upTo = this.total): { id: number; seq: number; body: string } | undefined {
    const seq = upTo - ((((upTo - id) % this.keys) + this.keys) % this.keys);
    return seq >= 1 ? this.record(seq) : undefined;
  }
}
