import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SDK_VERSION, SingerMap } from '../../src/index.js';
import { runConnector } from '../../src/testing/index.js';
import { EventsTap } from '../fixtures/events-tap.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('runCli', () => {
  it('prints the version', async () => {
    const result = await runConnector(EventsTap, { args: ['--version'] });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('tap-events 1.2.3');
  });

  it('describes itself with --about as JSON, with secret examples redacted', async () => {
    const result = await runConnector(EventsTap, { args: ['--about'] });
    const about = JSON.parse(result.stdout);
    expect(about).toMatchObject({
      name: 'tap-events',
      version: '1.2.3',
      capabilities: [
        'about',
        'catalog',
        'discover',
        'properties',
        'state',
        'stream-maps',
        'schema-flattening',
      ],
      sdk_version: SDK_VERSION,
    });
    expect(about.settings.properties.api_token).toMatchObject({ secret: true, examples: ['***'] });
    expect(result.stdout).not.toContain('abcd1234');
  });

  it('describes itself with --about --format markdown: types, required flags and secrets', async () => {
    const result = await runConnector(EventsTap, { args: ['--about', '--format', 'markdown'] });
    expect(result.stdout).toContain('| `count` | integer | required |');
    expect(result.stdout).toContain('| `api_token` | string | optional, secret |');
    expect(result.stdout).toContain('TAP_EVENTS_<SETTING>');
  });

  it('exits 2 with one line on an unknown option', async () => {
    const result = await runConnector(EventsTap, { args: ['--confg', 'x.json'] });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/SINGER_USAGE: .*--confg/);
  });

  it('reports every config problem at once, naming each setting, before anything runs', async () => {
    const result = await runConnector(EventsTap, { config: { count: 'many', start_date: 'yesterday' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/setting 'count' is "many", which is not integer/);
    expect(result.stderr).toMatch(/setting 'start_date' must match format "date-time"/);
    expect(result.messages).toHaveLength(0);
  });

  it('reports a missing required setting', async () => {
    const result = await runConnector(EventsTap, { config: {} });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/missing required setting 'count'/);
  });

  it('merges config files in order, later files winning, then env vars typed by the schema', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ count: 1, unsorted: true }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ count: 3 }));
    const result = await runConnector(EventsTap, {
      args: ['--config', join(dir, 'a.json'), '--config', join(dir, 'b.json')],
    });
    expect(result.records('events')).toHaveLength(3);
    const fromEnv = await runConnector(EventsTap, {
      args: ['--config', join(dir, 'a.json')],
      env: { TAP_EVENTS_COUNT: '4' },
    });
    expect(fromEnv.records('events')).toHaveLength(4);
  });

  it('reads config only from the environment with --config ENV', async () => {
    const result = await runConnector(EventsTap, {
      args: ['--config', 'ENV'],
      env: { TAP_EVENTS_COUNT: '2' },
    });
    expect(result.records('events')).toHaveLength(2);
  });

  it('names an unreadable or malformed config file without echoing its contents', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    writeFileSync(join(dir, 'bad.json'), '{"api_token": "supersecret123",\n oops}');
    const malformed = await runConnector(EventsTap, { args: ['--config', join(dir, 'bad.json')] });
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toMatch(/bad.json is not valid JSON near line 2/);
    expect(malformed.stderr).not.toContain('supersecret123');
    const missing = await runConnector(EventsTap, { args: ['--config', join(dir, 'nope.json')] });
    expect(missing.stderr).toMatch(/cannot read config file .*nope.json: no such file/);
  });

  it('never prints a secret setting in an error', async () => {
    const result = await runConnector(EventsTap, {
      config: { count: 2, fail_at: 1, api_token: 'tok_9f8e7d6c' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain('tok_9f8e7d6c');
  });

  it('writes logs as JSON lines with --log-format json, METRIC lines included, and honours LOG_LEVEL', async () => {
    const result = await runConnector(EventsTap, { config: { count: 2 }, args: ['--log-format', 'json'] });
    const lines = result.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(
      lines.some((line) => line.message === 'METRIC' && line.metric_json.metric === 'record_count'),
    ).toBe(true);
    expect(lines.every((line) => typeof line.time === 'string' && typeof line.level === 'string')).toBe(true);
    const quiet = await runConnector(EventsTap, { config: { count: 2 }, env: { LOG_LEVEL: 'error' } });
    expect(quiet.stderr).toBe('');
  });

  it("reads a target's input from --input FILE instead of stdin", async () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    const input = join(dir, 'in.singer');
    writeFileSync(
      input,
      '{"type":"SCHEMA","stream":"s","schema":{"type":"object"},"key_properties":[]}\n{"type":"STATE","value":{"n":1}}\n',
    );
    const result = await runConnector(SingerMap, { config: {}, args: ['--input', input] });
    expect(result.exitCode).toBe(0);
    expect(result.states()).toEqual([{ n: 1 }]);
  });
});
