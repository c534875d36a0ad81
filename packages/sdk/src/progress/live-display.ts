/**
 * The live per-stream display on a terminal, drawn by log-update. Log lines written to the same
 * stream meanwhile (warnings, errors) are kept above the display rather than drawn over: while the
 * display runs, the stream's writes go through log-update's `persist`.
 */
import { createLogUpdate } from 'log-update';

export class LiveDisplay {
  private readonly update: ReturnType<typeof createLogUpdate>;
  private readonly write: NodeJS.WriteStream['write'];
  private drawing = false;
  private frame = '';

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.update = createLogUpdate(stream, { showCursor: true });
    this.write = stream.write;
    const own = this.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (this.drawing) return (own as (...args: unknown[]) => boolean)(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      this.draw(() => this.update.persist(text.replace(/\n$/, '')));
      if (this.frame !== '') this.render(this.frame);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as NodeJS.WriteStream['write'];
  }

  render(text: string): void {
    // One row per stream: lines longer than the terminal are cut, not wrapped.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const frame = text
      .split('\n')
      .map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line))
      .join('\n');
    this.frame = frame;
    this.draw(() => this.update(frame));
  }

  /** Leaves the last frame on screen and gives the stream its own writes back. */
  close(): void {
    this.draw(() => this.update.done());
    this.stream.write = this.write;
  }

  private draw(work: () => void): void {
    this.drawing = true;
    try {
      work();
    } finally {
      this.drawing = false;
    }
  }
}
