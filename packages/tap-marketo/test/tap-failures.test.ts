import { runConnector } from '@singer-ts/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketoEmulator } from '../src/emulator/index.js';
import type { TapMarketo } from '../src/tap.js';
import { start, tokenFor } from './emulator-helpers.js';
import { bookmarksOf, catalogSelecting, configFor, invalidRecords, tapOn } from './tap-helpers.js';

let em: MarketoEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => /SINGER_[A-Z_]+:/.test(l));

async function leadsOnly(Tap: typeof TapMarketo, config: Record<string, unknown>) {
  return catalogSelecting(Tap, config, ['leads']);
}

describe('tap-marketo failure paths', () => {
  it('fails a run whose bulk job fails, naming the stream, window and Marketo message', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await leadsOnly(Tap, config);
    em.control.scriptJobs([{ outcome: 'fail', errorMsg: 'Export failed: internal error 42' }]);
    const result = await runConnector(Tap, { config, catalog });
    expect(result.exitCode).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        /^tap-marketo: SINGER_EXPORT_JOB_FAILED: stream 'leads': export job [0-9a-f-]+ \(window 2024-11-01T00:00:00Z → 2024-12-01T00:00:00Z\) ended Failed: Export failed: internal error 42; the next run creates a new one$/,
      ),
    ]);
    expect(result.records('leads')).toEqual([]);
  });

  it('gives up on a job that never finishes after max_export_wait_ms, keeping its id in STATE for the next run', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em, { max_export_wait_ms: 1_800_000 });
    const catalog = await leadsOnly(Tap, config);
    em.control.scriptJobs([{ outcome: 'never' }]);
    const before = em.control.now().getTime();
    const result = await runConnector(Tap, { config, catalog });
    expect(result.exitCode).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        /SINGER_EXPORT_JOB_TIMEOUT: stream 'leads': export job ([0-9a-f-]+) .* is still Processing after 1800 s/,
      ),
    ]);
    // The wait was bounded on the emulator's clock, not in real time.
    expect(em.control.now().getTime() - before).toBe(1_800_000);
    const saved = bookmarksOf(result.lastState()).leads!;
    expect(saved.export_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved.export_end).toBe('2024-12-01T00:00:00Z');
  });

  it('renews an expired token mid-run (602) and repeats the call once, never printing the token or secret', async () => {
    em = await start();
    const emulator = em;
    let expired = false;
    const Base = tapOn(emulator);
    const Tap = class extends Base {
      protected override jobClock() {
        const clock = super.jobClock();
        return {
          now: clock.now,
          sleep: async (ms: number) => {
            await clock.sleep(ms);
            if (!expired) {
              expired = true;
              emulator.control.expireTokens();
            }
          },
        };
      }
    };
    const config = configFor(emulator);
    const catalog = await leadsOnly(Tap, config);
    emulator.control.clearRequests();
    const result = await runConnector(Tap, { config, catalog, env: { LOG_LEVEL: 'debug' } });
    expect(result.exitCode).toBe(0);
    expect(expired).toBe(true);
    const codes = emulator.control.requests().map((r) => r.code);
    expect(codes.filter((c) => c === '602')).toHaveLength(1);
    // The call refused with 602 was repeated with the new token and succeeded.
    const refused = emulator.control.requests().findIndex((r) => r.code === '602');
    expect(emulator.control.requests()[refused + 1]).toMatchObject({
      path: emulator.control.requests()[refused]!.path,
      status: 200,
    });
    expect(emulator.control.requests()[refused + 1]!.code).toBeUndefined();
    expect(result.records('leads').length).toBeGreaterThan(0);
    const output = result.stdout + result.stderr;
    expect(output).not.toContain(emulator.clients[0]!.clientSecret);
    // Identity hands the same client its live token again: the one the run used last.
    const token = (await tokenFor(emulator)).json.access_token as string;
    expect(token.length).toBeGreaterThan(8);
    expect(output).not.toContain(token);
  });

  it('renews the token when the file endpoint answers 602 in a JSON envelope, then reads the file', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em, { end_date: '2024-12-01T00:00:00Z' });
    const catalog = await leadsOnly(Tap, config);
    const reference = await runConnector(Tap, { config, catalog });
    // Requests are logged when each response ends, possibly after the tap is done: wait for the
    // reference run's download to be logged before clearing the log, then for this run's entries.
    const files = () => em!.control.requests().filter((r) => r.path.endsWith('/file.json'));
    await expect.poll(() => files().length, { timeout: 5000 }).toBeGreaterThan(0);
    em.control.injectFault({ kind: 'code', code: '602', path: 'file.json' });
    em.control.clearRequests();
    const result = await runConnector(Tap, { config, catalog });
    expect(result.exitCode).toBe(0);
    await expect.poll(() => files().map((r) => r.code ?? r.status), { timeout: 5000 }).toEqual(['602', 200]);
    expect(result.records('leads')).toEqual(reference.records('leads'));
  });

  it('resumes a download that breaks mid-file with Range and emits every row once', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em, { end_date: '2024-12-01T00:00:00Z' });
    const catalog = await leadsOnly(Tap, config);
    const reference = await runConnector(Tap, { config, catalog });
    em.control.injectFault({ kind: 'truncate', afterBytes: 3000, path: 'file.json' });
    em.control.clearRequests();
    const broken = await runConnector(Tap, { config, catalog });
    expect(broken.exitCode).toBe(0);
    expect(broken.stderr).toMatch(/broke after \d+ bytes .*resuming from there/);
    // The emulator logs a request when its response ends, which can come after the tap has finished;
    // a break before the first byte reached the tap is retried whole, so more than one 200 may show.
    const statuses = () =>
      em!.control
        .requests()
        .filter((r) => r.path.endsWith('/file.json'))
        .map((r) => r.status);
    await expect.poll(statuses, { timeout: 5000 }).toContain(206);
    expect(statuses()[0]).toBe(200);
    expect(statuses().filter((s) => s === 206)).toHaveLength(1);
    expect(broken.records('leads')).toEqual(reference.records('leads'));
    expect(reference.records('leads').length).toBeGreaterThan(10);
  });

  it('stops cleanly at max_daily_calls: exit 0, one line naming the limit and its reset, STATE of the last complete window, then resumes losing nothing', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await leadsOnly(Tap, config);
    const reference = await runConnector(Tap, { config, catalog });
    // The day's calls so far (discovery, the reference run) count, as Marketo's usage report says;
    // then the usage read, discovery (2 calls) and the first window (create, enqueue, 3 polls, file)
    // fit, and the next window does not.
    const limit = em.control.state().callsToday + 11;
    const stopped = await runConnector(Tap, { config: { ...config, max_daily_calls: limit }, catalog });
    expect(stopped.exitCode).toBe(0);
    const lines = stopped.stderr.split('\n').filter((l) => l.includes('SINGER_CALL_BUDGET_EXHAUSTED'));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `stopped cleanly: max_daily_calls reached \\(\\d+ of ${limit} calls used\\): the leads export of window 2024-12-01T00:00:00Z → 2024-12-31T00:00:00Z needs 4 more calls and \\d remain; it resets at 2025-02-02T06:00:00.000Z`,
        ),
      ),
    ]);
    const state = stopped.lastState();
    expect(bookmarksOf(state).leads).toEqual({
      replication_key: 'updatedAt',
      replication_key_value: '2024-12-01T00:00:00Z',
    });
    const resumed = await runConnector(Tap, { config, catalog, state });
    expect(resumed.exitCode).toBe(0);
    const ids = (r: typeof reference) => r.records('leads').map((l) => String(l.id));
    expect(new Set([...ids(stopped), ...ids(resumed)])).toEqual(new Set(ids(reference)));
    expect(ids(stopped).length + ids(resumed).length).toBe(ids(reference).length);
  });

  it('counts the calls Marketo reports for today (other integrations included) against max_daily_calls from the start of the run', async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await leadsOnly(Tap, config);
    // With discovery above (3 calls), the usage read and discovery again (2), some 39,998 are used.
    em.control.addCalls(39_993);
    em.control.clearRequests();
    const result = await runConnector(Tap, { config, catalog });
    expect(result.exitCode).toBe(0);
    const usageReads = em.control.requests().filter((r) => r.path === '/rest/v1/stats/usage.json');
    expect(usageReads).toHaveLength(1);
    expect(result.stderr).toMatch(
      /Marketo counts 399\d\d calls today; 399\d\d of max_daily_calls 40000 are used/,
    );
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        /SINGER_CALL_BUDGET_EXHAUSTED: stream 'leads': stopped cleanly: max_daily_calls reached \(399\d\d of 40000 calls used\): the leads export of window 2024-11-01T00:00:00Z → 2024-12-01T00:00:00Z needs 4 more calls and \d remain/,
      ),
    ]);
    expect(result.records('leads')).toEqual([]);
    expect(bookmarksOf(result.lastState()).leads ?? {}).toEqual({});
  });

  it('reads the usage report again every 250 calls of a long run', async () => {
    // 300 lists a page: 260 pages of lists.
    em = await start({ lists: 78_000 });
    const Tap = tapOn(em);
    const config = configFor(em, { max_daily_calls: 100_000 });
    const catalog = await catalogSelecting(Tap, config, ['lists']);
    em.control.clearRequests();
    const result = await runConnector(Tap, { config, catalog });
    expect(result.exitCode).toBe(0);
    const paths = em.control.requests().map((r) => r.path);
    expect(paths.filter((p) => p.startsWith('/rest/v1/lists.json'))).toHaveLength(260);
    const reads = paths.flatMap((p, i) => (p === '/rest/v1/stats/usage.json' ? [i] : []));
    expect(reads).toHaveLength(2);
    expect(reads[0]).toBe(0);
    expect(reads[1]).toBeGreaterThanOrEqual(248);
    expect(result.stderr).toMatch(/Marketo counts 2\d\d calls today/);
  });

  it("stops cleanly when Marketo's own daily quota answers 607 mid-run", async () => {
    em = await start();
    const Tap = tapOn(em);
    const config = configFor(em);
    const catalog = await leadsOnly(Tap, config);
    const used = em.control.state().callsToday;
    em.control.setDailyCalls(used + 12);
    const result = await runConnector(Tap, { config, catalog });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(
      /stopped cleanly: Marketo's daily API quota \(607\): Marketo refused further calls today; it resets at 2025-02-02T06:00:00.000Z/,
    );
    expect(bookmarksOf(result.lastState()).leads!.replication_key_value).toBe('2024-12-01T00:00:00Z');
    expect(invalidRecords(result)).toEqual([]);
  });
});
