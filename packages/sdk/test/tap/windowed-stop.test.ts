import { describe, expect, it } from 'vitest';
import { type ConnectorInfo, tapInfo } from '../../src/connector.js';
import { CallBudget } from '../../src/http/call-budget.js';
import { WindowedBookmark } from '../../src/sources/time-windows.js';
import { defineSchema, defineSettings } from '../../src/tap/settings.js';
import { Stream, type StreamContext } from '../../src/tap/stream.js';
import { Tap } from '../../src/tap/tap.js';
import { runConnector } from '../../src/testing/index.js';

const DAY = 86_400_000;
const UNTIL = Date.parse('2024-01-11T00:00:00Z');
const settings = defineSettings(
  { start_date: { type: 'string' }, budget: { type: 'integer' } },
  { required: ['start_date', 'budget'] },
);
const event = defineSchema(
  { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
  { required: ['id', 'at'] },
);

/** Two records a day, fetched a day-window at a time for one call each; records inside a window arrive newest first. */
class Events extends Stream<{ id: string; at: string }, { budget: number }> {
  readonly name = 'events';
  readonly schema = event;
  override readonly primaryKeys = ['id'];
  override readonly replicationKey = 'at';
  override readonly managesBookmark = true;
  static budget: CallBudget;

  async *getRecords(context: StreamContext) {
    const windowed = new WindowedBookmark(this.name, context, {
      replicationKey: 'at',
      windowMs: DAY,
      untilMs: UNTIL,
    });
    for (const window of windowed.windows()) {
      Events.budget.ensure(1, `window ${window.start}`);
      Events.budget.spend();
      await windowed.set('job', `job-${window.start}`, true);
      for (const hour of [12, 6]) {
        const at = new Date(window.startMs + hour * 3_600_000).toISOString();
        yield { id: at, at };
      }
      await windowed.set('job', undefined);
      await windowed.finish(window);
    }
  }
}

class WindowTap extends Tap<{ start_date: string; budget: number }> {
  static override info: ConnectorInfo = tapInfo({
    name: 'tap-windows',
    description: 'test',
    settings,
    moduleUrl: import.meta.url,
  });
  override readonly streamTypes = [Events];
  constructor(options: ConstructorParameters<typeof Tap<{ start_date: string; budget: number }>>[0]) {
    super(options);
    Events.budget = new CallBudget({
      limit: this.config.budget,
      name: 'budget',
      resetsAt: () => UNTIL + DAY,
    });
  }
}

describe('windowed bookmarks and a clean stop', () => {
  it('keeps finished windows as the bookmark, writes extra keys at once, and stops at the budget with exit 0', async () => {
    const first = await runConnector(WindowTap, {
      config: { start_date: '2024-01-01T00:00:00Z', budget: 3 },
    });
    expect(first.exitCode).toBe(0);
    expect(first.records('events')).toHaveLength(6);
    expect(first.lastState()).toEqual({
      bookmarks: { events: { replication_key: 'at', replication_key_value: '2024-01-04T00:00:00Z' } },
    });
    // The job key reached STATE before the window's records: a killed run finds it.
    const firstStates = first.states() as { bookmarks: { events: { job?: string } } }[];
    expect(firstStates[0]!.bookmarks.events.job).toBe('job-2024-01-01T00:00:00Z');
    expect(
      first.stderr
        .trim()
        .split('\n')
        .filter((l) => l.includes('SINGER_CALL_BUDGET_EXHAUSTED')),
    ).toHaveLength(1);
    expect(first.stderr).toMatch(
      /budget reached \(3 of 3 calls used\): window 2024-01-04T00:00:00Z needs 1 more calls and 0 remain; it resets at 2024-01-12T00:00:00.000Z/,
    );

    const second = await runConnector(WindowTap, {
      config: { start_date: '2024-01-01T00:00:00Z', budget: 100 },
      state: first.lastState(),
    });
    expect(second.exitCode).toBe(0);
    const ids = [...first.records('events'), ...second.records('events')].map((r) => r.id);
    expect(new Set(ids).size).toBe(20);
    expect(ids).toHaveLength(20);
    expect(second.lastState()).toMatchObject({
      bookmarks: { events: { replication_key_value: '2024-01-11T00:00:00Z' } },
    });
  });
});
