import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  load,
  query,
  recordMessage,
  runTarget,
  schemaMessage,
  stateMessage,
  uniqueSchema,
} from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

const RECORDS = 200_000;
/** Records past this re-send ids 1, 2, … (already committed: updates). */
const FIRST_RESEND = 180_000;

/** The id of the i-th record (1-based): every 1,000th repeats the previous record's id (same batch). */
function idOf(i: number): number {
  if (i % 1000 === 0) return idOf(i - 1);
  return i > FIRST_RESEND ? i - FIRST_RESEND : i;
}

/** Ids never re-sent, some records of which arrive marked deleted. */
const markedDeleted = (i: number) => i % 10_000 === 5 && i > 20_000 && i <= FIRST_RESEND;

describe('progress and summary of a load', () => {
  test('a 200k-record load logs interval progress lines and a summary whose counts equal the rows in PostgreSQL', async () => {
    const schema = uniqueSchema();
    const logs: string[] = [];
    const progressLines = () => logs.filter((line) => / INFO target-postgres progress events: /.test(line));
    async function* input(): AsyncGenerator<string> {
      yield `${schemaMessage('events', {
        id: { type: 'integer' },
        name: { type: 'string' },
        _sdc_deleted_at: { type: ['null', 'string'], format: 'date-time' },
      })}\n`;
      let chunk = '';
      for (let i = 1; i <= RECORDS; i += 1) {
        const record: Record<string, unknown> = { id: idOf(i), name: `event ${i}` };
        if (markedDeleted(i)) record._sdc_deleted_at = '2024-05-01T00:00:00Z';
        chunk += `${recordMessage('events', record)}\n`;
        if (i % 5000 === 0) {
          chunk += `${stateMessage({ bookmarks: { events: { upTo: i } } })}\n`;
          yield chunk;
          chunk = '';
        }
        // Halfway, wait until a progress line was logged: the interval reporter runs during a load.
        if (i === RECORDS / 2)
          while (progressLines().length === 0) await new Promise((r) => setTimeout(r, 20));
      }
    }
    const run = await load(
      {
        url: db.url,
        default_target_schema: schema,
        batch_size_rows: 20_000,
        progress_interval_seconds: 0.05,
      },
      input(),
      { sink: (line) => logs.push(line) },
    );

    expect(progressLines().length).toBeGreaterThan(0);
    expect(progressLines()[0]).toMatch(
      /progress events: [\d,]+ records read, [\d,]+ committed \([\d,]+ rows\/s\), [\d,]+ buffered, \d+ batches in flight/,
    );

    const [table] = await query<{ rows: number; distinct_ids: number; soft_deleted: number }>(
      db.url,
      `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS distinct_ids,
              count(*) FILTER (WHERE _sdc_deleted_at IS NOT NULL)::int AS soft_deleted
         FROM ${schema}.events`,
    );
    const ids = new Set<number>();
    for (let i = 1; i <= RECORDS; i += 1) ids.add(idOf(i));
    expect(table).toEqual({ rows: ids.size, distinct_ids: ids.size, soft_deleted: 16 });

    const [summary] = run.summary!.summaries;
    expect(summary).toMatchObject({
      stream: 'events',
      records_read: RECORDS,
      records_committed: RECORDS,
      rows: { inserted: table!.rows, upserted: 0, deleted: 0, soft_deleted: table!.soft_deleted },
      bookmark: { upTo: RECORDS },
    });
    // Every record read is a row inserted, a row updated, or a duplicate collapsed within its batch
    // (a repeat that falls into the next batch is an update instead: batch sizes vary with load).
    const rows = summary!.rows!;
    expect(rows.inserted + rows.updated + rows.duplicates_collapsed).toBe(RECORDS);
    expect(rows.duplicates_collapsed).toBeGreaterThan(0);
    expect(rows.updated).toBeGreaterThanOrEqual(RECORDS - FIRST_RESEND - 20);

    const summaryLine = logs.find((line) =>
      line.includes(' INFO target-postgres summary events (succeeded): '),
    );
    expect(summaryLine).toContain(`200,000 records read, 200,000 committed`);
    expect(summaryLine).toContain(`rows inserted ${table!.rows.toLocaleString('en-US')}`);
    expect(summaryLine).toContain('bookmark committed {"upTo":200000}');
    const metrics = logs
      .filter((line) => line.includes('METRIC: '))
      .map((line) => JSON.parse(line.split('METRIC: ')[1]!));
    expect(metrics).toContainEqual(
      expect.objectContaining({
        metric: 'record_count',
        value: RECORDS,
        tags: expect.objectContaining({ stream: 'events' }),
      }),
    );
    expect(metrics.map((metric) => metric.metric)).toContain('batch_processing_time');
  }, 240_000);

  test('a failed load still logs what was committed before it, equal to the rows in PostgreSQL', async () => {
    const schema = uniqueSchema();
    const lines = [schemaMessage('s', { id: { type: 'integer' }, amount: { type: 'integer' } })];
    for (let i = 1; i <= 6; i += 1) {
      lines.push(recordMessage('s', { id: i, amount: i === 5 ? 'not a number' : i }));
      if (i % 2 === 0) lines.push(stateMessage({ bookmarks: { s: { at: i } } }));
    }
    const run = await runTarget(
      { url: db.url, default_target_schema: schema, batch_size_rows: 2, validate_records: false },
      lines,
    );
    expect(run.error).toBeDefined();
    const [table] = await query<{ rows: number }>(db.url, `SELECT count(*)::int AS rows FROM ${schema}.s`);
    const summary = run.logs.find((line) => line.includes(' summary s (failed): '));
    expect(table!.rows).toBe(4);
    expect(summary).toContain(`6 records read, ${table!.rows} committed in 2 batches`);
    expect(summary).toContain(`rows inserted ${table!.rows}, updated 0`);
    expect(summary).toContain('bookmark committed {"at":4}');
  }, 60_000);
});
