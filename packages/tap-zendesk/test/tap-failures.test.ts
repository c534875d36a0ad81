import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskEmulator } from '../src/emulator/index.js';
import { TapZendesk } from '../src/index.js';
import { type AnyJson, configFor, discover, ids, select, startEmulator } from './tap-helpers.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'tap-zendesk-failures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Spawned runs use the built bin (dist/bundle): `pnpm build` first.
const bin = fileURLToPath(new URL('../bin/tap-zendesk.js', import.meta.url));

describe('tap-zendesk failure handling', () => {
  let em: ZendeskEmulator;
  beforeAll(async () => {
    em = await startEmulator({ tickets: 60, seed: 21 });
  });
  afterAll(async () => {
    await em.close();
  });

  it('rides out 429 and 5xx storms and connection resets, honouring Retry-After', async () => {
    const catalog = select(await discover(em), [
      'tickets',
      'ticket_audits',
      'users',
      'groups',
      'organizations',
    ]);
    const clean = await runConnector(TapZendesk, { config: configFor(em), catalog });
    expect(clean.exitCode, clean.stderr).toBe(0);
    em.control.clearRequests();
    em.control.injectFault([
      { kind: 'status', status: 429, retryAfter: 1, times: 2, path: '/incremental/tickets' },
      { kind: 'status', status: 503, times: 2, path: '/incremental/users' },
      { kind: 'status', status: 500, times: 1, path: '/audits' },
      { kind: 'status', status: 502, times: 1, path: '/groups' },
      { kind: 'reset', times: 1, path: '/incremental/organizations' },
    ]);
    const started = Date.now();
    const stormy = await runConnector(TapZendesk, { config: configFor(em), catalog });
    expect(stormy.exitCode, stormy.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000); // two Retry-After: 1 waits
    for (const stream of ['tickets', 'ticket_audits', 'users', 'groups', 'organizations']) {
      expect(ids(stormy.records(stream)).sort(), stream).toEqual(ids(clean.records(stream)).sort());
    }
    expect(stormy.stderr).toMatch(/HTTP 429.*retrying in 1\.0 s/);
    const statuses = em.control.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses.filter((s) => s === 503)).toHaveLength(2);
  });

  it('fails with a clear error when 5xx outlasts the retries, without a STATE past what was emitted', async () => {
    em.control.injectFault({ kind: 'status', status: 503, times: 10, path: '/incremental/users' });
    const catalog = select(await discover(em), ['users']);
    const result = await runConnector(TapZendesk, { config: configFor(em, { max_attempts: 2 }), catalog });
    em.control.clearFaults();
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/stream 'users'.*HTTP 503.*gave up after 2 attempts/);
    expect(result.records('users')).toHaveLength(0);
  });

  it('stays within the incremental-export budget by itself (spawned bin)', async () => {
    const limited = await startEmulator({
      tickets: 40,
      seed: 2,
      now: undefined, // a ticking clock, so the emulator's own window is real
      rateLimit: { perMinute: null, incrementalPerMinute: 3 },
    });
    try {
      const dir = mkdtempSync(join(scratch, 'budget-'));
      const configPath = join(dir, 'config.json');
      const catalogPath = join(dir, 'catalog.json');
      // Four incremental requests, a budget of three a minute: the tap waits instead of drawing 429s.
      writeFileSync(configPath, JSON.stringify(configFor(limited, { incremental_requests_per_minute: 3 })));
      const catalog = select(await discover(limited), ['tickets', 'users', 'organizations', 'ticket_events']);
      writeFileSync(catalogPath, JSON.stringify(catalog));
      const child = spawn(process.execPath, [bin, '--config', configPath, '--catalog', catalogPath], {
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const incrementalRequests = () =>
        limited.control.requests().filter((r) => r.path.includes('/incremental/'));
      for (let i = 0; i < 100 && incrementalRequests().length < 3; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const incremental = incrementalRequests();
      child.kill('SIGKILL');
      await exited;
      expect(incremental).toHaveLength(3);
      expect(incremental.every((r) => r.status === 200)).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('skips a plan-gated stream on 403 with a warning, or fails with fail_on_forbidden', async () => {
    em.control.setPlan('team'); // no SLA policies, no ticket forms
    try {
      const catalog = select(await discover(em), ['sla_policies', 'ticket_forms', 'groups']);
      const skipped = await runConnector(TapZendesk, { config: configFor(em), catalog });
      expect(skipped.exitCode, skipped.stderr).toBe(0);
      expect(skipped.records('sla_policies')).toHaveLength(0);
      expect(skipped.records('ticket_forms')).toHaveLength(0);
      expect(skipped.records('groups').length).toBeGreaterThan(0);
      expect(skipped.stderr).toMatch(/stream 'sla_policies' skipped: HTTP 403/);
      expect(skipped.stderr).toMatch(/stream 'ticket_forms' skipped: HTTP 403/);
      const strict = await runConnector(TapZendesk, {
        config: configFor(em, { fail_on_forbidden: true }),
        catalog,
      });
      expect(strict.exitCode).toBe(1);
      expect(strict.stderr).toMatch(/403/);
    } finally {
      em.control.setPlan('enterprise');
    }
  });

  it('fails loudly when a time-based export cannot advance (more records on one second than a page)', async () => {
    const burst = await startEmulator({
      tickets: 20,
      organizations: 1100,
      seed: 4,
      bursts: { organizations: 1001 },
    });
    try {
      const catalog = select(await discover(burst), ['organizations']);
      const result = await runConnector(TapZendesk, { config: configFor(burst), catalog });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/organizations.*share the timestamp.*cannot move past it/);
      expect(
        burst.control.requests().filter((r) => r.path.includes('/incremental/organizations')).length,
      ).toBeLessThan(5);
    } finally {
      await burst.close();
    }
  });

  it('clamps start_time to the freshness window and treats "Too recent start_time" as caught up', async () => {
    const catalog = select(await discover(em), ['tickets', 'organizations']);
    const now = em.control.now().toISOString();
    const result = await runConnector(TapZendesk, { config: configFor(em, { start_date: now }), catalog });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.records('tickets')).toHaveLength(0);
    expect(result.stderr).toMatch(/freshness window/);
  });

  it('resumes from a bookmark written by singer-io/tap-zendesk', async () => {
    const catalog = select(await discover(em), ['tickets']);
    const all = (await runConnector(TapZendesk, { config: configFor(em), catalog })).records('tickets');
    const pivot = all[Math.floor(all.length / 2)]!.generated_timestamp as number;
    const legacy = { bookmarks: { tickets: { generated_timestamp: new Date(pivot * 1000).toISOString() } } };
    const result = await runConnector(TapZendesk, { config: configFor(em), catalog, state: legacy });
    expect(result.exitCode, result.stderr).toBe(0);
    const got = result.records('tickets');
    expect(got.length).toBeLessThan(all.length);
    expect(got.every((t) => (t.generated_timestamp as number) >= pivot)).toBe(true);
    expect(ids(got)).toEqual(ids(all.filter((t) => (t.generated_timestamp as number) >= pivot)));
  });

  it('wrong credentials: exit 1, no RECORD, a clear message, the token never printed (spawned bin)', async () => {
    const secret = 'not-the-right-token-123';
    const result = await runConnectorProcess(bin, {
      config: { ...configFor(em), api_token: secret },
    });
    expect(result.exitCode).toBe(1);
    expect(result.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr).toMatch(/credentials/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    const bearer = await runConnectorProcess(bin, {
      config: {
        base_url: em.url,
        access_token: 'expired-or-wrong-token',
        start_date: '2020-01-01T00:00:00Z',
      },
    });
    expect(bearer.exitCode).toBe(1);
    expect(`${bearer.stdout}${bearer.stderr}`).not.toContain('expired-or-wrong-token');
    const none = await runConnectorProcess(bin, {
      config: { base_url: em.url, start_date: '2020-01-01T00:00:00Z' },
    });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/access_token.*api_token/);
  });

  it('the OAuth bearer token works as well as the API token', async () => {
    const catalog = select(await discover(em), ['groups']);
    const config = {
      base_url: em.url,
      access_token: em.credentials.accessToken,
      start_date: '2020-01-01T00:00:00Z',
    };
    const result = await runConnector(TapZendesk, { config, catalog });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.records('groups').length).toBeGreaterThan(0);
  });

  it('resumes after the tap is killed mid-stream, losing nothing (spawned bin)', async () => {
    const big = await startEmulator({ tickets: 6000, seed: 9 });
    try {
      const dir = mkdtempSync(join(scratch, 'kill-'));
      const configPath = join(dir, 'config.json');
      writeFileSync(
        configPath,
        JSON.stringify(configFor(big, { export_page_size: 500, state_interval_rows: 700 })),
      );
      const catalogPath = join(dir, 'catalog.json');
      writeFileSync(catalogPath, JSON.stringify(select(await discover(big), ['tickets'])));
      // Every page after the third is slow, so the kill lands mid-stream.
      big.control.injectFault({
        kind: 'delay',
        delayMs: 300,
        times: 100,
        path: '/incremental/tickets/cursor.json?cursor=',
      });
      const child = spawn(process.execPath, [bin, '--config', configPath, '--catalog', catalogPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const seen: number[] = [];
      let lastState: AnyJson;
      // Only records before the last STATE count as delivered: the resumed run must emit the rest.
      let seenAtLastState = 0;
      let buffer = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) {
            // Whatever was still in the pipe after the kill is ignored, as if lost with the run.
            if (child.killed) break;
            const message = JSON.parse(line);
            if (message.type === 'RECORD') seen.push(message.record.id);
            if (message.type === 'STATE' && message.value.bookmarks?.tickets?.cursor) {
              lastState = message.value;
              seenAtLastState = seen.length;
            }
            // Killed mid-page, well past a STATE, so records after it are lost with the run.
            if (
              lastState !== undefined &&
              seen.length >= seenAtLastState + 150 &&
              seen.length >= 1400 &&
              !child.killed
            )
              child.kill('SIGKILL');
          }
        });
        child.on('close', () => resolve());
      });
      big.control.clearFaults();
      expect(lastState).toBeDefined();
      expect(seen.length).toBeLessThan(6000);
      expect(seen.length).toBeGreaterThan(seenAtLastState);
      const delivered = seen.slice(0, seenAtLastState);
      const resumed = await runConnectorProcess(bin, {
        config: configFor(big, { export_page_size: 500 }),
        catalog: select(await discover(big), ['tickets']),
        state: lastState,
      });
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      const again = ids(resumed.records('tickets'));
      expect(new Set([...delivered, ...again]).size).toBe(6000);
      // Resumed from the cursor: at most one page is read again.
      expect(again.length).toBeLessThanOrEqual(6000 - delivered.length + 1000);
      expect(again.length).toBeLessThan(6000);
    } finally {
      await big.close();
    }
  });
});
